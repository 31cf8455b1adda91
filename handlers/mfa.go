package handlers

import (
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// registrarMFA registra las rutas de API.md §4.6 y el restablecimiento
// administrativo de §6. Todas, menos verificar (que lleva el mfaToken en el
// cuerpo), exigen el token de acceso.
func (a *API) registrarMFA(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.GET("/auth/mfa", a.estadoMFA, auth)
	e.POST("/auth/mfa/configurar", a.configurarMFA, auth)
	e.POST("/auth/mfa/activar", a.activarMFA, auth)
	e.POST("/auth/mfa/verificar", a.verificarMFA)
	e.POST("/auth/mfa/desactivar", a.desactivarMFA, auth)
	e.POST("/auth/mfa/codigos-recuperacion", a.regenerarCodigosMFA, auth)
	e.POST("/usuarios/:id/mfa/restablecer", a.restablecerMFA, auth, middleware.RequiereRol(models.RolAdmin))
}

// configuracionMFADTO es la única respuesta que lleva el secreto TOTP.
type configuracionMFADTO struct {
	Secreto    string `json:"secreto"`
	OtpauthURL string `json:"otpauthUrl"`
	QRPng      string `json:"qrPng"`
}

type codigoMFADTO struct {
	Codigo string `json:"codigo"`
}

type verificarMFADTO struct {
	MFAToken   string `json:"mfaToken"`
	Codigo     string `json:"codigo"`
	ModoCookie bool   `json:"modoCookie"` // como en el login (§4.9)
}

type codigosRecuperacionDTO struct {
	CodigosRecuperacion []string `json:"codigosRecuperacion"`
}

type estadoMFADTO struct {
	Habilitado                   bool `json:"habilitado"`
	CodigosRecuperacionRestantes int  `json:"codigosRecuperacionRestantes"`
}

// configurarMFA es POST /auth/mfa/configurar: inicia el alta.
func (a *API) configurarMFA(c echo.Context) error {
	cfg, err := a.mfa.Configurar(c.Request().Context(), actorDe(c))
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Configuración MFA iniciada", configuracionMFADTO{
		Secreto: cfg.Secreto, OtpauthURL: cfg.URL,
		QRPng: "data:image/png;base64," + base64.StdEncoding.EncodeToString(cfg.QRPNG),
	})
}

// activarMFA es POST /auth/mfa/activar: confirma el alta con un código.
func (a *API) activarMFA(c echo.Context) error {
	var in codigoMFADTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	codigos, err := a.mfa.Activar(c.Request().Context(), actorDe(c), in.Codigo)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "MFA activado exitosamente", codigosRecuperacionDTO{codigos})
}

// verificarMFA es POST /auth/mfa/verificar: el segundo paso del login.
func (a *API) verificarMFA(c echo.Context) error {
	var in verificarMFADTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	par, err := a.mfa.CompletarLogin(c.Request().Context(), in.MFAToken, in.Codigo)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Autenticación exitosa", a.entregarTokens(c, par, in.ModoCookie))
}

// desactivarMFA es POST /auth/mfa/desactivar.
func (a *API) desactivarMFA(c echo.Context) error {
	var in codigoMFADTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	if err := a.mfa.Desactivar(c.Request().Context(), actorDe(c), in.Codigo); err != nil {
		return err
	}
	return responder(c, http.StatusOK, "MFA desactivado exitosamente", nil)
}

// estadoMFA es GET /auth/mfa.
func (a *API) estadoMFA(c echo.Context) error {
	e, err := a.mfa.Estado(c.Request().Context(), actorDe(c))
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Estado de MFA", estadoMFADTO{Habilitado: e.Habilitado, CodigosRecuperacionRestantes: e.CodigosRestantes})
}

// regenerarCodigosMFA es POST /auth/mfa/codigos-recuperacion.
func (a *API) regenerarCodigosMFA(c echo.Context) error {
	var in codigoMFADTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	codigos, err := a.mfa.RegenerarCodigos(c.Request().Context(), actorDe(c), in.Codigo)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Códigos de recuperación regenerados", codigosRecuperacionDTO{codigos})
}

// restablecerMFA es POST /usuarios/{id}/mfa/restablecer (solo admin).
func (a *API) restablecerMFA(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	if err := a.mfa.Restablecer(c.Request().Context(), actorDe(c), id); err != nil {
		return err
	}
	return responder(c, http.StatusOK, "MFA restablecido exitosamente", nil)
}
