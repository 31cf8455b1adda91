package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// registrarUsuarios monta la administración de usuarios de §6 (solo admin).
func (a *API) registrarUsuarios(e *echo.Echo, auth echo.MiddlewareFunc) {
	g := e.Group("/usuarios")
	admin := middleware.RequiereRol(models.RolAdmin)
	g.GET("/", a.listarUsuarios, auth, admin)
	g.POST("/", a.crearUsuario, auth, admin)
	g.GET("/:id", a.verUsuario, auth, admin)
	g.PATCH("/:id", a.actualizarUsuario, auth, admin)
	g.POST("/:id/desbloquear", a.desbloquearUsuario, auth, admin)
	g.POST("/:id/sesiones/revocar", a.revocarSesionesUsuario, auth, admin)
}

// usuarioDTO es un usuario visto por la administración: nunca el hash ni el
// secreto MFA.
type usuarioDTO struct {
	ID            uint       `json:"id"`
	Username      string     `json:"username"`
	Email         *string    `json:"email"`
	Rol           models.Rol `json:"rol"`
	Activo        bool       `json:"activo"`
	MFAHabilitado bool       `json:"mfaHabilitado"`
	CreadoEn      string     `json:"creadoEn"`
}

func (a *API) aUsuarioDTO(u *models.Usuario) usuarioDTO {
	return usuarioDTO{ID: u.ID, Username: u.Username, Email: u.Email, Rol: u.Rol, Activo: u.Activo,
		MFAHabilitado: u.MFAHabilitado, CreadoEn: fecha(u.CreadoEn, a.loc)}
}

// licenciaDTO es la licencia de un motorista (§8); vence es AAAA-MM-DD.
type licenciaDTO struct {
	Numero    string `json:"numero"`
	Categoria string `json:"categoria"`
	Vence     string `json:"vence"`
}

// usuarioAdminDTO es un usuario en las rutas de /usuarios: el de /auth/me
// (que §4.4 fija) más su licencia, null si no tiene.
type usuarioAdminDTO struct {
	usuarioDTO
	Licencia *licenciaDTO `json:"licencia"`
}

func (a *API) aUsuarioAdminDTO(u *models.Usuario) usuarioAdminDTO {
	d := usuarioAdminDTO{usuarioDTO: a.aUsuarioDTO(u)}
	if l := u.Licencia(); l != nil {
		d.Licencia = &licenciaDTO{Numero: l.Numero, Categoria: l.Categoria, Vence: l.Vence}
	}
	return d
}

// nuevoUsuarioDTO es el cuerpo de POST /usuarios/.
type nuevoUsuarioDTO struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	Password string `json:"password"`
	Rol      string `json:"rol"`
}

// crearUsuario es POST /usuarios/.
func (a *API) crearUsuario(c echo.Context) error {
	var in nuevoUsuarioDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	u, err := a.store.CrearUsuario(c.Request().Context(), &actorDe(c).ID, models.NuevoUsuario{
		Username: in.Username, Email: in.Email, Password: in.Password, Rol: models.Rol(in.Rol),
	})
	if err != nil {
		return err
	}
	return responder(c, http.StatusCreated, "Usuario creado exitosamente", a.aUsuarioAdminDTO(u))
}

// listarUsuarios es GET /usuarios/ (filtros rol, activo, q).
func (a *API) listarUsuarios(c echo.Context) error {
	f, err := parseFiltroUsuarios(c.QueryParams())
	if err != nil {
		return err
	}
	r, err := a.store.ListarUsuarios(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Usuarios obtenidos", aPaginaDTO(r, a.aUsuarioAdminDTO))
}

// verUsuario es GET /usuarios/{id}.
func (a *API) verUsuario(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	u, err := a.store.Usuario(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Usuario obtenido", a.aUsuarioAdminDTO(u))
}

// cambiosUsuarioDTO es el cuerpo de PATCH /usuarios/{id}; email null o ""
// borra el correo; licencia null la quita.
type cambiosUsuarioDTO struct {
	Email    opcional[string]      `json:"email"`
	Rol      *string               `json:"rol"`
	Activo   *bool                 `json:"activo"`
	Licencia opcional[licenciaDTO] `json:"licencia"`
}

// actualizarUsuario es PATCH /usuarios/{id}.
func (a *API) actualizarUsuario(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	var in cambiosUsuarioDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	u, err := a.store.ActualizarUsuario(c.Request().Context(), actorDe(c), id, models.CambiosUsuario{
		Email: textoPatch(in.Email), Rol: in.Rol, Activo: in.Activo,
		Licencia: licenciaPatch(in.Licencia), QuitarLicencia: in.Licencia.Presente && in.Licencia.Valor == nil,
	})
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Usuario actualizado", a.aUsuarioAdminDTO(u))
}

// licenciaPatch es la licencia enviada en un PATCH, o nil si no vino o
// vino null.
func licenciaPatch(o opcional[licenciaDTO]) *models.Licencia {
	if o.Valor == nil {
		return nil
	}
	return &models.Licencia{Numero: o.Valor.Numero, Categoria: o.Valor.Categoria, Vence: o.Valor.Vence}
}

// desbloquearUsuario es POST /usuarios/{id}/desbloquear.
func (a *API) desbloquearUsuario(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	habia, err := a.store.DesbloquearUsuario(c.Request().Context(), actorDe(c), id)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Cuenta desbloqueada", map[string]bool{"estabaBloqueada": habia})
}

// revocarSesionesUsuario es POST /usuarios/{id}/sesiones/revocar.
func (a *API) revocarSesionesUsuario(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	n, err := a.store.RevocarSesionesUsuario(c.Request().Context(), actorDe(c), id)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Sesiones revocadas", map[string]int{"sesionesRevocadas": n})
}
