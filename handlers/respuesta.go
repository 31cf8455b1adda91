package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// respuestaOK es el sobre de éxito de API.md §1: datos siempre presente.
type respuestaOK struct {
	Exito   bool   `json:"exito"`
	Mensaje string `json:"mensaje"`
	Datos   any    `json:"datos"`
}

// responder escribe el sobre de éxito.
func responder(c echo.Context, status int, mensaje string, datos any) error {
	return c.JSON(status, respuestaOK{Exito: true, Mensaje: mensaje, Datos: datos})
}

// fecha renderiza un instante en la zona configurada, RFC 3339.
func fecha(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

// fechaPtr es fecha para valores opcionales (nil queda null).
func fechaPtr(t *time.Time, loc *time.Location) *string {
	if t == nil {
		return nil
	}
	s := fecha(*t, loc)
	return &s
}

// actorDe es el actor autenticado de la petición (las rutas protegidas
// siempre lo tienen, lo pone middleware.Autenticar).
func actorDe(c echo.Context) *models.Actor { return models.ActorDe(c.Request().Context()) }
