package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Sesiones de navegador (API.md §4.9): el refresh token viaja en una cookie
// HttpOnly que los scripts no leen; el token de acceso queda en la memoria
// de la página.
const (
	// cookieRefresh es el nombre de la cookie del refresh token.
	cookieRefresh = "st_refresh"
	// rutaCookie acota la cookie a /auth/*: nunca viaja con el resto de la API.
	rutaCookie = "/auth"
	// cabeceraCSRF es la cabecera que exige una petición autenticada por la
	// cookie. Al ser propia obliga a una preflight CORS, así que otro origen
	// no puede enviarla salvo que CORS_ALLOWED_ORIGINS lo liste.
	cabeceraCSRF = "X-CSRF"
)

// ponerCookieRefresh guarda el refresh token de p en la cookie, con la vida
// que le queda (Max-Age).
func (a *API) ponerCookieRefresh(c echo.Context, p *models.ParTokens) {
	edad := p.RefreshExpiraEn
	if edad <= 0 {
		edad = -1 // ya vencido: Max-Age=0
	}
	c.SetCookie(a.cookie(p.Refresh, edad))
}

// borrarCookieRefresh pide al navegador que olvide la cookie (Max-Age=0).
func (a *API) borrarCookieRefresh(c echo.Context) { c.SetCookie(a.cookie("", -1)) }

func (a *API) cookie(valor string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: cookieRefresh, Value: valor, Path: rutaCookie, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: a.cookieSegura,
	}
}

// refreshDeCookie devuelve el refresh token de la cookie ("" sin cookie).
// Con cookie exige X-CSRF: 1; si falta, PERMISOS_INSUFICIENTES.
func refreshDeCookie(c echo.Context) (string, error) {
	ck, err := c.Cookie(cookieRefresh)
	if err != nil || ck.Value == "" {
		return "", nil
	}
	if c.Request().Header.Get(cabeceraCSRF) != "1" {
		return "", models.Errorf(models.CodigoPermisosInsuficientes,
			"El refresh token llegó en la cookie %s: envíe también la cabecera %s: 1.", cookieRefresh, cabeceraCSRF)
	}
	return ck.Value, nil
}

// esErrorDeToken dice si err rechaza el refresh token mismo (vencido,
// revocado, inválido): entonces la cookie ya no sirve y se borra.
func esErrorDeToken(err error) bool {
	switch models.CodigoDe(err) {
	case models.CodigoTokenInvalido, models.CodigoTokenExpirado, models.CodigoTokenRevocado:
		return true
	}
	return false
}
