package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// registrarMantenimientos monta los mantenimientos de §8 en el grupo de
// vehículos (solo admin).
func (a *API) registrarMantenimientos(g *echo.Group, auth, admin echo.MiddlewareFunc) {
	g.POST("/:id/mantenimientos", a.crearMantenimiento, auth, admin)
	g.GET("/:id/mantenimientos", a.listarMantenimientos, auth, admin)
	g.DELETE("/:id/mantenimientos/:mid", a.borrarMantenimiento, auth, admin)
}

// mantenimientoDTO es la forma de un mantenimiento en §8.
type mantenimientoDTO struct {
	ID         uint          `json:"id"`
	VehiculoID uint          `json:"vehiculoId"`
	Desde      string        `json:"desde"`
	Hasta      string        `json:"hasta"`
	Motivo     string        `json:"motivo"`
	CreadoPor  referenciaDTO `json:"creadoPor"`
	CreadoEn   string        `json:"creadoEn"`
}

func (a *API) aMantenimientoDTO(m *models.Mantenimiento) mantenimientoDTO {
	d := mantenimientoDTO{ID: m.ID, VehiculoID: m.VehiculoID, Desde: fecha(m.Desde, a.loc), Hasta: fecha(m.Hasta, a.loc),
		Motivo: m.Motivo, CreadoPor: referenciaDTO{ID: m.CreadoPorID}, CreadoEn: fecha(m.CreadoEn, a.loc)}
	if m.CreadoPor != nil {
		d.CreadoPor.Username = m.CreadoPor.Username
	}
	return d
}

// nuevoMantenimientoDTO es el cuerpo de POST.
type nuevoMantenimientoDTO struct {
	Desde  string `json:"desde"`
	Hasta  string `json:"hasta"`
	Motivo string `json:"motivo"`
}

// aModelo lee las fechas con los formatos de §7: RFC 3339 con zona, o
// AAAA-MM-DD, que en desde es el inicio de ese día en TIMEZONE y en hasta
// su final (el inicio del día siguiente: la ventana es semiabierta).
func (in nuevoMantenimientoDTO) aModelo(loc *time.Location) models.NuevoMantenimiento {
	n := models.NuevoMantenimiento{Motivo: in.Motivo}
	leer := func(campo, s string, finDeDia bool) *time.Time {
		if s == "" {
			return nil
		}
		t, dia, err := parseFecha(s, loc)
		if err != nil {
			n.Ilegibles = append(n.Ilegibles, models.ErrorCampo{Campo: campo, Mensaje: "debe ser una fecha RFC 3339 con zona horaria o AAAA-MM-DD"})
			return nil
		}
		if dia && finDeDia {
			l := t.In(loc)
			t = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc).UTC()
		}
		return &t
	}
	n.Desde = leer("desde", in.Desde, false)
	n.Hasta = leer("hasta", in.Hasta, true)
	return n
}

// crearMantenimiento es POST /vehiculos/{id}/mantenimientos.
func (a *API) crearMantenimiento(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	var in nuevoMantenimientoDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	m, err := a.store.CrearMantenimiento(c.Request().Context(), actorDe(c), id, in.aModelo(a.loc))
	if err != nil {
		return err
	}
	return responder(c, http.StatusCreated, "Mantenimiento registrado exitosamente", a.aMantenimientoDTO(m))
}

// listarMantenimientos es GET /vehiculos/{id}/mantenimientos: paginado, el
// que empieza más tarde primero.
func (a *API) listarMantenimientos(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	q := nuevaConsulta(c.QueryParams(), a.loc)
	p := q.pagina()
	if err := q.v.Err(); err != nil {
		return err
	}
	r, err := a.store.Mantenimientos(c.Request().Context(), id, p)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Mantenimientos obtenidos", aPaginaDTO(r, a.aMantenimientoDTO))
}

// borrarMantenimiento es DELETE /vehiculos/{id}/mantenimientos/{mid}; 200
// con datos null, como DELETE /auth/sesiones/{id}.
func (a *API) borrarMantenimiento(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	mid, ok := idCanonico(c.Param("mid"))
	if !ok {
		return models.Errorf(models.CodigoNoEncontrado, "El mantenimiento no existe en ese vehículo.")
	}
	if err := a.store.BorrarMantenimiento(c.Request().Context(), id, mid); err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Mantenimiento eliminado", nil)
}
