package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

type saludDTO struct {
	Estado    string `json:"estado"`
	BaseDatos string `json:"baseDatos"`
	Version   string `json:"version"`
	// Esquema es la versión de las migraciones aplicadas a la base.
	Esquema int64 `json:"esquema"`
}

func (a *API) registrarSalud(e *echo.Echo) {
	e.GET("/salud", a.salud)
}

// salud comprueba que la base lee y escribe (cada parte acotada por
// DB_TIMEOUT); 503 si no.
func (a *API) salud(c echo.Context) error {
	if err := a.store.Ping(c.Request().Context()); err != nil {
		return &models.Error{Codigo: models.CodigoServicioNoDisponible, Detalle: "La base de datos no responde.", Err: err}
	}
	return responder(c, http.StatusOK, "Servicio operativo", saludDTO{Estado: "ok", BaseDatos: "ok", Version: a.version, Esquema: a.store.Esquema()})
}
