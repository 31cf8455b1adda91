package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// registrarReportes monta GET /reportes/resumen (§7.4): admin y aprobador.
func (a *API) registrarReportes(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.GET("/reportes/resumen", a.resumenSolicitudes, auth, middleware.RequiereRol(models.RolAdmin, models.RolAprobador))
}

// resumenDTO es datos de GET /reportes/resumen.
type resumenDTO struct {
	Total                  int64                   `json:"total"`
	PorEstado              map[models.Estado]int64 `json:"porEstado"`
	PorMes                 []mesDTO                `json:"porMes"`
	Vehiculos              []usoVehiculoDTO        `json:"vehiculos"`
	AprobacionMedianaHoras *float64                `json:"aprobacionMedianaHoras"`
}

type mesDTO struct {
	Mes   string `json:"mes"`
	Total int64  `json:"total"`
}

type usoVehiculoDTO struct {
	Vehiculo        vehiculoDTO `json:"vehiculo"`
	Viajes          int64       `json:"viajes"`
	HorasReservadas float64     `json:"horasReservadas"`
	KmRecorridos    *int64      `json:"kmRecorridos"`
}

func aResumenDTO(r *models.Resumen) resumenDTO {
	d := resumenDTO{Total: r.Total, PorEstado: r.PorEstado, AprobacionMedianaHoras: r.AprobacionMedianaHoras,
		PorMes: make([]mesDTO, 0, len(r.PorMes)), Vehiculos: make([]usoVehiculoDTO, 0, len(r.Vehiculos))}
	for _, m := range r.PorMes {
		d.PorMes = append(d.PorMes, mesDTO{Mes: m.Mes, Total: m.Total})
	}
	for i := range r.Vehiculos {
		u := &r.Vehiculos[i]
		d.Vehiculos = append(d.Vehiculos, usoVehiculoDTO{Vehiculo: aVehiculoDTO(&u.Vehiculo), Viajes: u.Viajes,
			HorasReservadas: u.HorasReservadas, KmRecorridos: u.KmRecorridos})
	}
	return d
}

// resumenSolicitudes es GET /reportes/resumen?desde=…&hasta=….
func (a *API) resumenSolicitudes(c echo.Context) error {
	p, err := parsePeriodoResumen(c.QueryParams(), a.loc)
	if err != nil {
		return err
	}
	r, err := a.store.ResumenSolicitudes(c.Request().Context(), actorDe(c), *p.Desde, *p.Hasta)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Resumen obtenido", aResumenDTO(r))
}

// parsePeriodoResumen lee desde y hasta del resumen: obligatorios (un
// resumen es de un periodo), formatos de §7 sobre fechaSalida (hasta
// inclusivo, como en la lista) y como mucho models.ResumenMaximoDias días
// entre ellos. Error: VALIDACION.
func parsePeriodoResumen(q url.Values, loc *time.Location) (models.Intervalo, error) {
	c := nuevaConsulta(q, loc)
	p := c.intervalo(true, true)
	if err := c.v.Err(); err != nil {
		return p, err
	}
	// El hasta inclusivo de RFC 3339 se guardó un microsegundo después.
	limite := p.Desde.In(loc).AddDate(0, 0, models.ResumenMaximoDias).Add(time.Microsecond)
	if p.Hasta.After(limite) {
		c.v.Agregar("hasta", fmt.Sprintf("no puede estar a más de %d días de desde", models.ResumenMaximoDias))
	}
	return p, c.v.Err()
}
