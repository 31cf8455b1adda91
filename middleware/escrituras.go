package middleware

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// LimitarEscrituras aplica RATE_LIMIT_WRITES_PER_MINUTE (API.md §3 y §4.8):
// un cupo por usuario autenticado sobre cada POST, PUT, PATCH y DELETE fuera
// de /auth/* (que ya tiene su cupo por IP). Va después de Autenticar, porque
// la clave es el id del actor; una petición anónima pasa sin contar (la
// rechaza la autenticación). Con cupo nil no limita nada (0 = apagado).
//
// Las escrituras limitadas llevan X-RateLimit-Limit y X-RateLimit-Remaining;
// al pasarse, DEMASIADAS_SOLICITUDES con Retry-After. El cupo en memoria
// (Limitador) cuenta por instancia, lo que §10 permite.
func LimitarEscrituras(c Cupo) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if c == nil {
			return next
		}
		return func(ctx echo.Context) error {
			r := ctx.Request()
			actor := models.ActorDe(r.Context())
			if actor == nil || !esEscritura(r.Method) || strings.HasPrefix(r.URL.Path, "/auth/") {
				return next(ctx)
			}
			d, err := c.Tomar(r.Context(), "usuario:"+strconv.FormatUint(uint64(actor.ID), 10))
			if err != nil {
				return err
			}
			if err := aplicarDecision(ctx, d, "escrituras por minuto para su usuario"); err != nil {
				return err
			}
			return next(ctx)
		}
	}
}

func esEscritura(metodo string) bool {
	switch metodo {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}
