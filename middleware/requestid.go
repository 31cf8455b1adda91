package middleware

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// ClaveRequestID es la clave del id de la petición en echo.Context.
const ClaveRequestID = "requestID"

func requestIDValido(id string) bool {
	if len(id) < 1 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		ch := id[i]
		ok := ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' || ch == '.'
		if !ok {
			return false
		}
	}
	return true
}

// RequestID acepta el X-Request-ID del cliente si tiene 1–128 caracteres de
// A–Z a–z 0–9 - _ . y si no genera uno; lo devuelve en la respuesta y deja el
// origen de la petición (IP, agente, id) en el contexto para la auditoría.
func RequestID() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			id := req.Header.Get(echo.HeaderXRequestID)
			if !requestIDValido(id) {
				b := make([]byte, 16)
				_, _ = rand.Read(b)
				id = hex.EncodeToString(b)
			}
			c.Set(ClaveRequestID, id)
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			ctx := models.ConOrigen(req.Context(), models.Origen{IP: c.RealIP(), UserAgent: req.UserAgent(), RequestID: id})
			c.SetRequest(req.WithContext(ctx))
			return next(c)
		}
	}
}
