package models

import (
	"errors"
	"time"
)

// ReglasSesion son las vidas de una sesión y de sus refresh tokens
// (JWT_REFRESH_*, la vida máxima de la sesión y REFRESH_REUSE_GRACE_SECONDS).
type ReglasSesion struct {
	SesionMax  time.Duration
	RefreshTTL time.Duration
	// Gracia: 0 es estricto.
	Gracia time.Duration
}

// Nueva describe la sesión de un login de u desde o, y su primer refresh
// token.
func (r ReglasSesion) Nueva(u *Usuario, o Origen, ahora time.Time) (*Sesion, *RefreshToken) {
	ses := &Sesion{
		ID: NuevoID(), UsuarioID: u.ID, CreadaEn: ahora, UltimoUso: ahora,
		ExpiraEn: ahora.Add(r.SesionMax), IP: Recortar(o.IP, 64), UserAgent: Recortar(o.UserAgent, 255),
		RefreshActual: NuevoID(), CredencialesVersion: u.CredencialesVersion,
	}
	return ses, &RefreshToken{
		JTI: ses.RefreshActual, SesionID: ses.ID, Rol: u.Rol,
		EmitidoEn: ahora.Truncate(time.Second), ExpiraEn: minTime(ahora.Add(r.RefreshTTL), ses.ExpiraEn).Truncate(time.Second),
	}
}

// Sucesor describe el refresh token que reemplaza al vigente de ses: nunca
// vive más allá de la sesión.
func (r ReglasSesion) Sucesor(ses *Sesion, rol Rol, ahora time.Time) *RefreshToken {
	return &RefreshToken{
		JTI: NuevoID(), SesionID: ses.ID, Rol: rol,
		EmitidoEn: ahora.Truncate(time.Second), ExpiraEn: minTime(ahora.Add(r.RefreshTTL), ses.ExpiraEn).Truncate(time.Second),
	}
}

// EnGracia dice si volver a presentar previo (ya usado) devuelve el mismo
// sucesor en vez de contar como reutilización: previo debe ser el predecesor
// inmediato del refresh vigente de ses y estar dentro de la gracia.
func (r ReglasSesion) EnGracia(previo *RefreshToken, ses *Sesion, ahora time.Time) bool {
	return r.Gracia > 0 && previo.UsadoEn != nil && previo.SucesorJTI != nil &&
		*previo.SucesorJTI == ses.RefreshActual && !ahora.After(previo.UsadoEn.Add(r.Gracia))
}

// ErrCambioCredenciales es la causa de ErrCredencialesCambiadas, para
// reconocerla con errors.Is.
var ErrCambioCredenciales = errors.New("las credenciales cambiaron durante el inicio de sesión")

// ErrCredencialesCambiadas es el error del almacén cuando un login o su
// segundo paso MFA pierde contra un cambio de credenciales de la cuenta
// (contraseña, MFA, revocación de sus sesiones): TOKEN_REVOCADO, como lo
// contesta el segundo paso MFA; Login lo contesta como
// CREDENCIALES_INVALIDAS.
func ErrCredencialesCambiadas() error {
	return &Error{Codigo: CodigoTokenRevocado, Err: ErrCambioCredenciales,
		Detalle: "Las credenciales de la cuenta cambiaron durante el inicio de sesión. Inicie sesión nuevamente."}
}

// ErrUsuarioInactivo es USUARIO_INACTIVO: la contraseña era correcta pero la
// cuenta está desactivada.
func ErrUsuarioInactivo() error {
	return Errorf(CodigoUsuarioInactivo, "La cuenta está desactivada. Contacte al administrador.")
}

// ErrSesionMaxima es TOKEN_EXPIRADO por el fin de la vida máxima de la sesión.
func ErrSesionMaxima() error {
	return &Error{Codigo: CodigoTokenExpirado, Detalle: "La sesión alcanzó su duración máxima. Inicie sesión nuevamente."}
}
