package models

import (
	"context"
	"database/sql"
	"errors"
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
}

// Auth reúne las operaciones de autenticación: login, refresh, sesiones,
// contraseña. Usa el Store para persistir y Tokens para firmar.
type Auth struct {
	s   *Store
	t   *Tokens
	cfg ConfigAuth
}

// NewAuth crea el servicio de autenticación.
func NewAuth(s *Store, t *Tokens, cfg ConfigAuth) *Auth {
	if cfg.MFATTL == 0 {
		cfg.MFATTL = 5 * time.Minute
	}
	return &Auth{s: s, t: t, cfg: cfg}
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

// errRevocado es la respuesta a todo token de una sesión revocada.
func errRevocado(detalle string) error {
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
		return nil, errTokenInvalido(nil)
	}
	var fila struct {
		ID       uint
		Username string
		Rol      Rol
		Activo   bool
		Revocado bool
	}
	err = a.s.consultaActor.QueryRowContext(ctx, claveJTI(c.ID), claveSesion(c.Sid), id).
		Scan(&fila.ID, &fila.Username, &fila.Rol, &fila.Activo, &fila.Revocado)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, traducir(err)
	}
	switch {
	case fila.ID == 0:
		return nil, errTokenInvalido(nil)
	case fila.Revocado:
		return nil, errRevocado("El token fue revocado. Inicie sesión nuevamente.")
	case !fila.Activo:
		return nil, errRevocado("La cuenta está desactivada. Contacte al administrador.")
	}
	return &Actor{ID: fila.ID, Username: fila.Username, Rol: fila.Rol, SesionID: c.Sid, JTI: c.ID, TokenExpira: c.ExpiresAt.Time}, nil
}
