package models

import (
	"context"
	"time"
)

// ConfigAuth son las reglas del ciclo de vida de los tokens y del bloqueo.
type ConfigAuth struct {
	AccesoTTL  time.Duration
	RefreshTTL time.Duration
	// SesionMax es la vida absoluta de una sesión desde su login.
	SesionMax time.Duration
	// Gracia es REFRESH_REUSE_GRACE_SECONDS; 0 es estricto.
	Gracia time.Duration
	// MFATTL es la vida del mfaToken del segundo paso del login.
	MFATTL time.Duration
	// MaxFallos y Bloqueo: LOGIN_MAX_FAILED_ATTEMPTS y LOGIN_LOCKOUT_MINUTES.
	MaxFallos int
	Bloqueo   time.Duration
	// CostoHash es el costo de bcrypt para contraseñas nuevas (el mismo que
	// el del almacén).
	CostoHash int
	// Now es el reloj; nil usa time.Now.
	Now func() time.Time
	// Observador recibe los fallos y bloqueos ya confirmados (métricas); nil
	// no observa nada.
	Observador Observador
}

// Auth reúne las operaciones de autenticación: login, refresh, sesiones,
// contraseña. Aplica las reglas (tokens, bloqueo, bcrypt fuera de las
// transacciones), persiste con el almacén y firma con Tokens.
type Auth struct {
	s   AlmacenAuth
	t   *Tokens
	cfg ConfigAuth
	// hashFalso iguala el costo de un usuario inexistente al de una
	// contraseña equivocada.
	hashFalso string
}

// NewAuth crea el servicio de autenticación sobre el almacén s.
func NewAuth(s AlmacenAuth, t *Tokens, cfg ConfigAuth) (*Auth, error) {
	if cfg.MFATTL == 0 {
		cfg.MFATTL = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Observador == nil {
		cfg.Observador = observadorNulo{}
	}
	hashFalso, err := HashPassword("contraseña-que-nadie-tiene", cfg.CostoHash)
	if err != nil {
		return nil, err
	}
	return &Auth{s: s, t: t, cfg: cfg, hashFalso: hashFalso}, nil
}

// now es el reloj del servicio, en UTC como el del almacén.
func (a *Auth) now() time.Time { return a.cfg.Now().UTC() }

// bloqueo es la política de bloqueo de la configuración.
func (a *Auth) bloqueo() PoliticaBloqueo {
	return PoliticaBloqueo{MaxFallos: a.cfg.MaxFallos, Bloqueo: a.cfg.Bloqueo}
}

// sesiones son las reglas de vida de sesiones y refresh tokens.
func (a *Auth) sesiones() ReglasSesion {
	return ReglasSesion{SesionMax: a.cfg.SesionMax, RefreshTTL: a.cfg.RefreshTTL, Gracia: a.cfg.Gracia}
}

// ParTokens es lo que reciben login, refresh y la verificación MFA.
type ParTokens struct {
	Acceso  string
	Refresh string
	// ExpiraEn y RefreshExpiraEn son segundos de vida, ya recortados al fin
	// de la sesión.
	ExpiraEn        int
	RefreshExpiraEn int
	Usuario         *Usuario
}

// ResultadoLogin es el resultado del primer paso del login: tokens, o un
// desafío MFA si la cuenta lo tiene activo.
type ResultadoLogin struct {
	Tokens      *ParTokens
	MFAToken    string
	MFAExpiraEn int
}

func segundos(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// ErrTokenRevocado es la respuesta a todo token de una sesión revocada.
func ErrTokenRevocado(detalle string) error {
	return &Error{Codigo: CodigoTokenRevocado, Detalle: detalle}
}

// Autenticar verifica un token de acceso y carga al usuario tal como está
// ahora: rol y activo vienen de la base de datos, no del token. Es el camino
// de cada petición: una sola consulta mira usuario y lista negra a la vez.
func (a *Auth) Autenticar(ctx context.Context, raw string) (*Actor, error) {
	c, err := a.t.Verificar(raw, TokenAcceso)
	if err != nil {
		return nil, err
	}
	id, ok := c.IDUsuario()
	if !ok || c.Sid == "" {
		return nil, ErrTokenInvalido(nil)
	}
	fila, err := a.s.ActorDeToken(ctx, id, c.ID, c.Sid)
	if err != nil {
		return nil, err
	}
	switch {
	case fila.ID == 0:
		return nil, ErrTokenInvalido(nil)
	case fila.Revocado:
		return nil, ErrTokenRevocado("El token fue revocado. Inicie sesión nuevamente.")
	case !fila.Activo:
		return nil, ErrTokenRevocado("La cuenta está desactivada. Contacte al administrador.")
	}
	return &Actor{ID: fila.ID, Username: fila.Username, Rol: fila.Rol, SesionID: c.Sid, JTI: c.ID, TokenExpira: c.ExpiresAt.Time}, nil
}
