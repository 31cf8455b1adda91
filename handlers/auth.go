package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

func (a *API) registrarAuth(e *echo.Echo, auth echo.MiddlewareFunc) {
	g := e.Group("/auth")
	g.POST("/login", a.login)
	g.POST("/refresh", a.refrescar)
	g.POST("/token", a.token)
	g.POST("/logout", a.logout, auth)
	g.GET("/me", a.me, auth)
	g.PUT("/password", a.cambiarPassword, auth)
	g.GET("/sesiones", a.sesiones, auth)
	g.DELETE("/sesiones/:id", a.cerrarSesion, auth)
}

type loginDTO struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// ModoCookie pone el refresh token en la cookie st_refresh y no en
	// datos (§4.9). Solo en JSON.
	ModoCookie bool `json:"modoCookie"`
}

type usuarioResumenDTO struct {
	ID       uint       `json:"id"`
	Username string     `json:"username"`
	Email    *string    `json:"email"`
	Rol      models.Rol `json:"rol"`
}

type tokensDTO struct {
	AccessToken      string            `json:"accessToken"`
	RefreshToken     string            `json:"refreshToken,omitempty"` // vacío en modo cookie
	TokenType        string            `json:"tokenType"`
	ExpiresIn        int               `json:"expiresIn"`
	RefreshExpiresIn int               `json:"refreshExpiresIn"`
	User             usuarioResumenDTO `json:"user"`
}

type mfaRequeridoDTO struct {
	MFARequired bool   `json:"mfaRequired"`
	MFAToken    string `json:"mfaToken"`
	ExpiresIn   int    `json:"expiresIn"`
}

func aTokensDTO(p *models.ParTokens) tokensDTO {
	u := p.Usuario
	return tokensDTO{
		AccessToken: p.Acceso, RefreshToken: p.Refresh, TokenType: "Bearer",
		ExpiresIn: p.ExpiraEn, RefreshExpiresIn: p.RefreshExpiraEn,
		User: usuarioResumenDTO{ID: u.ID, Username: u.Username, Email: u.Email, Rol: u.Rol},
	}
}

// login es POST /auth/login (API.md §4.1), en JSON o formulario.
func (a *API) login(c echo.Context) error {
	var in loginDTO
	if err := leerFormOJSON(c, &in, map[string]*string{"username": &in.Username, "password": &in.Password}); err != nil {
		return err
	}
	res, err := a.auth.Login(c.Request().Context(), in.Username, in.Password)
	if err != nil {
		return err
	}
	if res.Tokens == nil {
		return responder(c, http.StatusOK, "Se requiere verificación MFA",
			mfaRequeridoDTO{MFARequired: true, MFAToken: res.MFAToken, ExpiresIn: res.MFAExpiraEn})
	}
	return responder(c, http.StatusOK, "Autenticación exitosa", a.entregarTokens(c, res.Tokens, in.ModoCookie))
}

// entregarTokens es el DTO de un par de tokens; en modo cookie (§4.9) el
// refresh token va en la cookie st_refresh y no en datos.
func (a *API) entregarTokens(c echo.Context, p *models.ParTokens, modoCookie bool) tokensDTO {
	dto := aTokensDTO(p)
	if modoCookie {
		a.ponerCookieRefresh(c, p)
		dto.RefreshToken = ""
	}
	return dto
}

type refreshDTO struct {
	RefreshToken string `json:"refreshToken"`
}

// refrescar es POST /auth/refresh (API.md §4.2). Sin refreshToken en el
// cuerpo usa la cookie st_refresh (§4.9, con X-CSRF: 1), la rota y contesta
// sin refreshToken en datos.
func (a *API) refrescar(c echo.Context) error {
	var in refreshDTO
	if err := leerFormOJSON(c, &in, map[string]*string{"refreshToken": &in.RefreshToken}); err != nil {
		return err
	}
	porCookie := false
	if in.RefreshToken == "" {
		rt, err := refreshDeCookie(c)
		if err != nil {
			return err
		}
		if rt == "" {
			return models.ErrCampo("refreshToken", "es obligatorio")
		}
		in.RefreshToken, porCookie = rt, true
	}
	par, err := a.auth.Refrescar(c.Request().Context(), in.RefreshToken)
	if err != nil {
		if porCookie && esErrorDeToken(err) {
			a.borrarCookieRefresh(c)
		}
		return err
	}
	return responder(c, http.StatusOK, "Token refrescado exitosamente", a.entregarTokens(c, par, porCookie))
}

type logoutDTO struct {
	Alcance models.Alcance `json:"alcance"`
}

// logout es POST /auth/logout (API.md §4.3).
func (a *API) logout(c echo.Context) error {
	var in logoutDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	if err := a.auth.Logout(c.Request().Context(), actorDe(c), in.Alcance); err != nil {
		return err
	}
	if in.Alcance != models.AlcanceOtras {
		// Esta sesión terminó: la cookie de su refresh token ya no sirve (§4.9).
		a.borrarCookieRefresh(c)
	}
	return responder(c, http.StatusOK, "Sesión cerrada exitosamente", nil)
}

// me es GET /auth/me (API.md §4.4).
func (a *API) me(c echo.Context) error {
	u, err := a.store.Usuario(c.Request().Context(), actorDe(c).ID)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Usuario actual", a.aUsuarioDTO(u))
}

type passwordDTO struct {
	PasswordActual string `json:"passwordActual"`
	PasswordNueva  string `json:"passwordNueva"`
}

// cambiarPassword es PUT /auth/password (API.md §4.5).
func (a *API) cambiarPassword(c echo.Context) error {
	var in passwordDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	if err := a.auth.CambiarPassword(c.Request().Context(), actorDe(c), in.PasswordActual, in.PasswordNueva); err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Contraseña actualizada exitosamente", nil)
}

type sesionDTO struct {
	ID        string `json:"id"`
	CreadaEn  string `json:"creadaEn"`
	UltimoUso string `json:"ultimoUso"`
	ExpiraEn  string `json:"expiraEn"`
	IP        string `json:"ip"`
	UserAgent string `json:"userAgent"`
	Actual    bool   `json:"actual"`
}

// sesiones es GET /auth/sesiones: las sesiones vivas del usuario.
func (a *API) sesiones(c echo.Context) error {
	actor := actorDe(c)
	ses, err := a.auth.Sesiones(c.Request().Context(), actor)
	if err != nil {
		return err
	}
	out := make([]sesionDTO, len(ses))
	for i, s := range ses {
		out[i] = sesionDTO{
			ID: s.ID, CreadaEn: fecha(s.CreadaEn, a.loc), UltimoUso: fecha(s.UltimoUso, a.loc),
			ExpiraEn: fecha(s.ExpiraEn, a.loc), IP: s.IP, UserAgent: s.UserAgent, Actual: s.ID == actor.SesionID,
		}
	}
	return responder(c, http.StatusOK, "Sesiones activas", out)
}

// cerrarSesion es DELETE /auth/sesiones/{id}.
func (a *API) cerrarSesion(c echo.Context) error {
	if err := a.auth.CerrarSesion(c.Request().Context(), actorDe(c), c.Param("id")); err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Sesión cerrada exitosamente", nil)
}
