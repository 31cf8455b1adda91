package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

type saludDTO struct {
	Estado    string `json:"estado"`
	BaseDatos string `json:"baseDatos"`
	Version   string `json:"version"`
}

func (a *API) registrarSalud(e *echo.Echo) {
	e.GET("/salud", a.salud)
}

// salud comprueba la base de datos con un ping de 2 s; 503 si no responde.
func (a *API) salud(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := a.store.Ping(ctx); err != nil {
		return &models.Error{Codigo: models.CodigoServicioNoDisponible, Detalle: "La base de datos no responde.", Err: err}
	}
	return responder(c, http.StatusOK, "Servicio operativo", saludDTO{Estado: "ok", BaseDatos: "ok", Version: a.version})
}
