package middleware

import (
	"strings"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Autenticar exige un token de acceso en la cabecera Authorization (nunca en
// la query), lo verifica con la lista negra y deja al actor en el contexto.
// Sus respuestas llevan Cache-Control: no-store (API.md §12).
// Errores: TOKEN_NO_PROPORCIONADO, TOKEN_INVALIDO, TOKEN_EXPIRADO, TOKEN_REVOCADO.
func Autenticar(auth *models.Auth) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// Toda respuesta de una ruta autenticada, también la de error.
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
			esquema, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
			token = strings.TrimSpace(token)
			if !strings.EqualFold(esquema, "Bearer") || token == "" {
				return models.Errorf(models.CodigoTokenNoProporcionado,
					"Envíe el token de acceso en la cabecera Authorization: Bearer <token>.")
			}
			req := c.Request()
			actor, err := auth.Autenticar(req.Context(), token)
			if err != nil {
				return err
			}
			c.SetRequest(req.WithContext(models.ConActor(req.Context(), actor)))
			return next(c)
		}
	}
}

// RequiereRol deja pasar solo a los roles dados; si no, PERMISOS_INSUFICIENTES.
// Va después de Autenticar.
func RequiereRol(roles ...models.Rol) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			a := models.ActorDe(c.Request().Context())
			if a == nil {
				return models.Errorf(models.CodigoTokenNoProporcionado, "Esta operación requiere autenticación.")
			}
			if !a.Rol.Es(roles...) {
				return models.Errorf(models.CodigoPermisosInsuficientes, "Su rol (%s) no permite esta operación.", a.Rol)
			}
			return next(c)
		}
	}
}
