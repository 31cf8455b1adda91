package models

import (
	"context"
	"time"
)

// AlmacenAuth es lo que Auth y MFA necesitan de la persistencia. Lo
// implementa *store.Store; cada método es una transacción (o una lectura) y
// devuelve *Error. Las reglas (tokens, bloqueo, TOTP, bcrypt) se aplican
// aquí, en models: el almacén recibe valores ya calculados y las reglas que
// deben correr dentro de su transacción (PoliticaBloqueo, ReglasSesion,
// CodigoMFA).
type AlmacenAuth interface {
	// ActorDeToken lee, en una sola consulta, el usuario y si el jti o la
	// sesión están en la lista negra. ID cero si el usuario no existe.
	ActorDeToken(ctx context.Context, usuarioID uint, jti, sid string) (FilaActor, error)
	// Usuario devuelve una cuenta; NO_ENCONTRADO si no existe.
	Usuario(ctx context.Context, id uint) (*Usuario, error)
	// UsuarioPorIdentificador busca por username y luego por email, sin
	// distinguir mayúsculas; nil si no existe ninguno.
	UsuarioPorIdentificador(ctx context.Context, identificador string) (*Usuario, error)
	// ActualizarHash cambia el hash de la contraseña si sigue siendo anterior.
	ActualizarHash(ctx context.Context, usuarioID uint, anterior, nuevo string) error
	// CambiarPassword guarda hash, revoca las demás sesiones del actor, borra
	// sus fallos de login y audita PASSWORD_CAMBIADO.
	CambiarPassword(ctx context.Context, actor *Actor, hash string) error
	// CrearAdmin crea la cuenta de administración inicial y audita
	// USUARIO_CREADO.
	CrearAdmin(ctx context.Context, u *Usuario) error
	// PonerAlDiaAdmin cambia el email (si email no es nil; "" lo borra) y el
	// hash (si no está vacío) de la cuenta de administración y audita
	// USUARIO_ACTUALIZADO. VALIDACION (API_EMAIL) si el email es de otra cuenta.
	PonerAlDiaAdmin(ctx context.Context, id uint, email *string, hash string) error
	// RestaurarAdmin hace de la cuenta id un administrador activo si no
	// queda ninguno, y audita USUARIO_ACTUALIZADO; dice si lo hizo.
	RestaurarAdmin(ctx context.Context, id uint) (bool, error)

	// Auditar escribe un evento suelto, con el origen de ctx.
	Auditar(ctx context.Context, evento EventoAuditoria, usuarioID, actorID *uint, detalle string) error

	// ReservarIntento, LiberarIntento y RegistrarFallo llevan la cuenta de
	// fallos de clave (ver Auth.Login).
	ReservarIntento(ctx context.Context, clave string, p PoliticaBloqueo) error
	LiberarIntento(ctx context.Context, clave string) error
	RegistrarFallo(ctx context.Context, clave string, p PoliticaBloqueo, usuarioID *uint, evento EventoAuditoria, detalle string) (bloquea bool, err error)

	// CrearSesion guarda una sesión nueva con su primer refresh token, borra
	// los fallos de login de la cuenta y audita LOGIN_EXITOSO con detalle.
	CrearSesion(ctx context.Context, ses *Sesion, rt *RefreshToken, detalle string) error
	// CanjearRefresh gasta el refresh token jti de la sesión sid (ver
	// Auth.Refrescar). Errores: TOKEN_INVALIDO, TOKEN_EXPIRADO, TOKEN_REVOCADO.
	CanjearRefresh(ctx context.Context, usuarioID uint, sid, jti string, r ReglasSesion) (*Canje, error)
	// Sesion devuelve una sesión por id, viva o no; nil si no existe.
	Sesion(ctx context.Context, id string) (*Sesion, error)
	// Sesiones lista las sesiones vivas de un usuario, la más reciente primero.
	Sesiones(ctx context.Context, usuarioID uint) ([]Sesion, error)
	// CerrarSesiones revoca las sesiones vivas del actor (solo soloID, todas
	// menos excepto, o todas) y audita LOGOUT con detalle(n); si detalle
	// devuelve un error, no se revoca nada.
	CerrarSesiones(ctx context.Context, actor *Actor, soloID, excepto string, detalle func(n int) (string, error)) error
	// Purgar borra lista negra, sesiones, contadores de login vencidos y
	// cupos por IP con el cubo lleno.
	Purgar(ctx context.Context, p PoliticaBloqueo) (int64, error)
}

// AlmacenMFA añade a AlmacenAuth las transacciones del segundo factor. Las
// que reciben un CodigoMFA lo gastan en la misma transacción que su efecto y
// devuelven, si el código no valía, el motivo (y ningún cambio).
type AlmacenMFA interface {
	AlmacenAuth
	// GuardarSecretoMFA guarda el secreto pendiente si MFA no está activo.
	// CONFLICTO si ya lo está.
	GuardarSecretoMFA(ctx context.Context, usuarioID uint, sellado string) error
	// ActivarMFA enciende MFA, guarda los hashes de los códigos de
	// recuperación, revoca las demás sesiones y audita MFA_ACTIVADO.
	ActivarMFA(ctx context.Context, actor *Actor, c CodigoMFA, hashes []string) (motivo string, err error)
	// DesactivarMFA apaga MFA, revoca las demás sesiones y audita MFA_DESACTIVADO.
	DesactivarMFA(ctx context.Context, actor *Actor, c CodigoMFA) (motivo string, err error)
	// RegenerarCodigosMFA reemplaza los códigos de recuperación.
	RegenerarCodigosMFA(ctx context.Context, c CodigoMFA, hashes []string) (motivo string, err error)
	// CompletarLoginMFA gasta el mfaToken (jti, hasta su expiración), el código y
	// crea la sesión. TOKEN_REVOCADO si el mfaToken ya se usó.
	CompletarLoginMFA(ctx context.Context, jti string, expira time.Time, c CodigoMFA, ses *Sesion, rt *RefreshToken) (motivo string, err error)
	// RestablecerMFA es el reinicio administrativo (ver MFA.Restablecer).
	RestablecerMFA(ctx context.Context, actor *Actor, usuarioID uint) error
	// CodigosRecuperacionRestantes cuenta los códigos sin usar de un usuario.
	CodigosRecuperacionRestantes(ctx context.Context, usuarioID uint) (int, error)
	// TokenGastado dice si el jti está en la lista negra.
	TokenGastado(ctx context.Context, jti string) (bool, error)
}

// FilaActor es lo que la autenticación de cada petición lee de la base.
type FilaActor struct {
	ID       uint
	Username string
	Rol      Rol
	Activo   bool
	Revocado bool
}

// Canje es el resultado de CanjearRefresh: el usuario y la sesión, y el
// refresh token que hay que firmar; Reusado si el presentado ya estaba usado
// fuera de la gracia (la sesión quedó revocada y Refresh es nil).
type Canje struct {
	Usuario Usuario
	Sesion  Sesion
	Refresh *RefreshToken
	Reusado bool
}
