package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// rutaOAuth es la única ruta cuyas respuestas siguen RFC 6749 y no el sobre.
const rutaOAuth = "/auth/token"

func esRutaOAuth(c echo.Context) bool { return c.Request().URL.Path == rutaOAuth }

// errorOAuth es un error con la forma de RFC 6749 §5.2.
type errorOAuth struct {
	Error       string `json:"error"`
	Descripcion string `json:"error_description"`
}

// errOAuthDirecto es un error que el manejador de /auth/token ya expresa en
// el vocabulario de RFC 6749 (grant desconocido, cuenta con MFA).
type errOAuthDirecto struct{ cuerpo errorOAuth }

func (e *errOAuthDirecto) Error() string { return e.cuerpo.Error + ": " + e.cuerpo.Descripcion }

// aErrorOAuth traduce un error ya clasificado al vocabulario de RFC 6749.
// Los estados 4xx de cliente pasan a 400, como pide la RFC; 429 y 5xx se
// mantienen para que el cliente sepa esperar.
func aErrorOAuth(err error, e *models.Error, f fila) (int, errorOAuth) {
	var d *errOAuthDirecto
	if errors.As(err, &d) {
		return http.StatusBadRequest, d.cuerpo
	}
	switch e.Codigo {
	case models.CodigoDemasiadasSolicitudes:
		return f.status, errorOAuth{"too_many_requests", f.mensaje}
	case models.CodigoCredencialesInvalidas:
		return http.StatusBadRequest, errorOAuth{"invalid_grant", f.mensaje}
	case models.CodigoUsuarioInactivo, models.CodigoTokenInvalido, models.CodigoTokenExpirado,
		models.CodigoTokenRevocado, models.CodigoTokenNoProporcionado:
		return http.StatusBadRequest, errorOAuth{"invalid_grant", e.Detalle}
	case models.CodigoErrorInterno:
		return f.status, errorOAuth{"server_error", f.mensaje}
	case models.CodigoServicioNoDisponible:
		return f.status, errorOAuth{"temporarily_unavailable", f.mensaje}
	}
	if f.status == http.StatusMethodNotAllowed {
		return f.status, errorOAuth{"invalid_request", e.Detalle}
	}
	return http.StatusBadRequest, errorOAuth{"invalid_request", e.Detalle}
}

// tokenOAuth es la respuesta de éxito de RFC 6749 §5.1.
type tokenOAuth struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// token es POST /auth/token (API.md §4.7): grant password y refresh_token,
// en application/x-www-form-urlencoded.
func (a *API) token(c echo.Context) error {
	r := c.Request()
	if tipoDeContenido(r) != "application/x-www-form-urlencoded" {
		return models.Errorf(models.CodigoSolicitudMalFormada, "Envíe el cuerpo como application/x-www-form-urlencoded.")
	}
	if err := leerFormulario(r); err != nil {
		return err
	}
	ctx := r.Context()
	var par *models.ParTokens
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "password":
		res, err := a.auth.Login(ctx, r.PostForm.Get("username"), r.PostForm.Get("password"))
		if err != nil {
			return err
		}
		if res.Tokens == nil {
			return &errOAuthDirecto{errorOAuth{"invalid_grant",
				"La cuenta tiene MFA activo: inicie sesión con POST /auth/login y complete el segundo paso en POST /auth/mfa/verificar."}}
		}
		par = res.Tokens
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if rt == "" {
			return models.ErrCampo("refresh_token", "es obligatorio")
		}
		var err error
		if par, err = a.auth.Refrescar(ctx, rt); err != nil {
			return err
		}
	case "":
		return models.ErrCampo("grant_type", "es obligatorio")
	default:
		return &errOAuthDirecto{errorOAuth{"unsupported_grant_type", "grant_type debe ser password o refresh_token."}}
	}
	return c.JSON(http.StatusOK, tokenOAuth{AccessToken: par.Acceso, TokenType: "bearer", ExpiresIn: par.ExpiraEn, RefreshToken: par.Refresh})
}
