package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// registrarAgenda monta GET /agenda (API.md §7.3): admin y aprobador ven
// todo; un motorista, sus viajes; los demás, 403.
func (a *API) registrarAgenda(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.GET("/agenda", a.agenda, auth, middleware.RequiereRol(models.RolAdmin, models.RolAprobador, models.RolMotorista))
}

// solicitudRefDTO nombra una solicitud en la agenda.
type solicitudRefDTO struct {
	ID     uint          `json:"id"`
	Codigo string        `json:"codigo"`
	Estado models.Estado `json:"estado"`
}

// ocupacionDTO es una franja ocupada de la agenda.
type ocupacionDTO struct {
	Tipo      models.TipoOcupacion `json:"tipo"`
	Desde     string               `json:"desde"`
	Hasta     string               `json:"hasta"`
	Vehiculo  *vehiculoDTO         `json:"vehiculo"`
	Motorista *referenciaDTO       `json:"motorista"`
	Solicitud *solicitudRefDTO     `json:"solicitud"`
	Motivo    string               `json:"motivo"`
}

func (a *API) aOcupacionDTO(o *models.Ocupacion) ocupacionDTO {
	d := ocupacionDTO{Tipo: o.Tipo, Desde: fecha(o.Desde, a.loc), Hasta: fecha(o.Hasta, a.loc), Motivo: o.Motivo}
	if o.Vehiculo != nil {
		v := aVehiculoDTO(o.Vehiculo)
		d.Vehiculo = &v
	}
	if o.Motorista != nil {
		d.Motorista = &referenciaDTO{ID: o.Motorista.ID, Username: o.Motorista.Username}
	}
	if o.Solicitud != nil {
		d.Solicitud = &solicitudRefDTO{ID: o.Solicitud.ID, Codigo: o.Solicitud.Codigo, Estado: o.Solicitud.Estado}
	}
	return d
}

// agenda es GET /agenda?desde=…&hasta=…[&vehiculoId=…][&motoristaId=…].
func (a *API) agenda(c echo.Context) error {
	f, err := parseFiltroAgenda(c.QueryParams(), a.loc)
	if err != nil {
		return err
	}
	os, err := a.store.Agenda(c.Request().Context(), actorDe(c), f)
	if err != nil {
		return err
	}
	out := make([]ocupacionDTO, len(os))
	for i := range os {
		out[i] = a.aOcupacionDTO(&os[i])
	}
	return responder(c, http.StatusOK, "Agenda obtenida", out)
}
