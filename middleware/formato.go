package middleware

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Formato rechaza lo que no se puede leer sin adivinar (API.md §12), antes
// de cualquier manejador: una query que url.ParseQuery no entiende (un «;»
// como separador, un escape «%» roto), que Echo descartaría en silencio, y
// más de una cabecera Authorization. Error: SOLICITUD_MAL_FORMADA.
func Formato() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
				return &models.Error{Codigo: models.CodigoSolicitudMalFormada, Err: err,
					Detalle: "La query de la URL no se puede leer: separe los parámetros con «&» y use escapes «%» válidos."}
			}
			if len(r.Header.Values(echo.HeaderAuthorization)) > 1 {
				return models.Errorf(models.CodigoSolicitudMalFormada, "Envíe una sola cabecera Authorization.")
			}
			return next(c)
		}
	}
}
