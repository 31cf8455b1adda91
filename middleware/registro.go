package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Registro escribe una línea por petición (método, ruta sin query, estado,
// duración, id de petición, id de usuario). Entrega los errores al manejador
// central antes de registrar, para que el estado registrado sea el enviado.
// Nunca registra cuerpos, cabeceras ni la query (ahí no viajan secretos, pero
// un cliente podría ponerlos).
func Registro(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			inicio := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			req := c.Request()
			attrs := []slog.Attr{
				slog.String("metodo", req.Method),
				slog.String("ruta", RutaParaLog(req.URL.Path)),
				slog.Int("estado", c.Response().Status),
				slog.Duration("duracion", time.Since(inicio)),
				slog.Any("requestId", c.Get(ClaveRequestID)),
				slog.String("ip", c.RealIP()),
			}
			if a := models.ActorDe(req.Context()); a != nil {
				attrs = append(attrs, slog.Uint64("usuarioId", uint64(a.ID)))
			}
			log.LogAttrs(req.Context(), slog.LevelInfo, "petición", attrs...)
			return nil
		}
	}
}

// prefijoCalendario es la ruta de los feeds de calendario, cuyo token (la
// única credencial del feed) viaja en la ruta.
const prefijoCalendario = "/calendario/"

// RutaParaLog es la ruta tal como puede ir a un log: la de un feed de
// calendario sin su token (API.md §7.3).
func RutaParaLog(ruta string) string {
	if strings.HasPrefix(ruta, prefijoCalendario) {
		return prefijoCalendario + "[token oculto]"
	}
	return ruta
}

// Recuperar convierte un panic en un error interno que sigue el camino de
// todos los errores (500 sin detalles en el cuerpo; la pila va al log).
func Recuperar() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					err = models.ErrorInterno(fmt.Errorf("panic: %v\n%s", r, debug.Stack()))
				}
			}()
			return next(c)
		}
	}
}
