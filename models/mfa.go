package models

import (
	"bytes"
	"context"
	"fmt"
	"image/png"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Parámetros TOTP (RFC 6238) que entienden todas las apps de autenticación.
const (
	periodoTOTP      = 30
	bytesSecretoTOTP = 20 // 160 bits
	ladoQR           = 256
)

// ConfigMFA configura NewMFA.
type ConfigMFA struct {
	// Emisor es MFA_ISSUER_NAME, el nombre que muestra la app.
	Emisor string
	// Ventana es MFA_VALID_WINDOW: pasos de 30 s aceptados antes y después
	// del actual.
	Ventana int
	// Clave es MFA_ENCRYPTION_KEY ya decodificada (32 bytes); nil guarda los
	// secretos en claro.
	Clave []byte
}

// MFA es la autenticación de dos factores con TOTP y códigos de
// recuperación (API.md §4.6). Usa los Tokens de Auth y su bloqueo de
// cuentas (los códigos equivocados cuentan como fallos de login) y persiste
// con el almacén s.
type MFA struct {
	a       *Auth
	s       AlmacenMFA
	cfg     ConfigMFA
	cifrado cifradoSecretos
	opts    totp.ValidateOpts
}

// NewMFA crea el servicio MFA sobre auth y el almacén s.
func NewMFA(auth *Auth, s AlmacenMFA, cfg ConfigMFA) (*MFA, error) {
	if cfg.Emisor == "" {
		return nil, fmt.Errorf("el emisor MFA no puede estar vacío")
	}
	if cfg.Ventana < 0 {
		return nil, fmt.Errorf("la ventana MFA no puede ser negativa")
	}
	c, err := nuevoCifrado(cfg.Clave)
	if err != nil {
		return nil, err
	}
	return &MFA{a: auth, s: s, cfg: cfg, cifrado: c, opts: totp.ValidateOpts{
		Period: periodoTOTP, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	}}, nil
}

// ConfiguracionMFA es lo que necesita la pantalla de alta: el secreto (para
// teclearlo), la URL otpauth:// y su código QR en PNG.
type ConfiguracionMFA struct {
	Secreto string
	URL     string
	QRPNG   []byte
}

// EstadoMFA resume el MFA de una cuenta, sin secretos.
type EstadoMFA struct {
	Habilitado       bool
	CodigosRestantes int
}

// Configurar inicia el alta de MFA del actor: genera un secreto nuevo de 160
// bits y lo guarda (cifrado si hay clave) como pendiente; MFA no se activa
// hasta Activar. Llamarlo otra vez reemplaza el secreto pendiente. Es la
// única operación que devuelve el secreto.
//
// Errores: CONFLICTO si MFA ya está activo.
func (m *MFA) Configurar(ctx context.Context, actor *Actor) (*ConfiguracionMFA, error) {
	u, err := m.s.Usuario(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	if u.MFAHabilitado {
		return nil, ErrMFAYaActivo()
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: m.cfg.Emisor, AccountName: u.Username, Period: periodoTOTP, SecretSize: bytesSecretoTOTP,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return nil, ErrorInterno(err)
	}
	img, err := key.Image(ladoQR, ladoQR)
	if err != nil {
		return nil, ErrorInterno(err)
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return nil, ErrorInterno(err)
	}
	sellado, err := m.cifrado.sellar(u.ID, key.Secret())
	if err != nil {
		return nil, ErrorInterno(err)
	}
	if err := m.s.GuardarSecretoMFA(ctx, u.ID, sellado); err != nil {
		return nil, err
	}
	return &ConfiguracionMFA{Secreto: key.Secret(), URL: key.URL(), QRPNG: qr.Bytes()}, nil
}

// Activar enciende MFA con un código TOTP del secreto pendiente (solo TOTP:
// prueba que el autenticador quedó bien configurado). Devuelve los
// CantidadCodigosRecuperacion códigos de recuperación, que no se vuelven a
// mostrar. Revoca las demás sesiones del actor y audita MFA_ACTIVADO.
//
// Errores: VALIDACION (codigo vacío), CONFLICTO (ya activo o sin
// configuración pendiente), CODIGO_MFA_INVALIDO (cuenta para el bloqueo),
// DEMASIADAS_SOLICITUDES (cuenta bloqueada).
func (m *MFA) Activar(ctx context.Context, actor *Actor, codigo string) ([]string, error) {
	u, err := m.s.Usuario(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case u.MFAHabilitado:
		return nil, ErrMFAYaActivo()
	case u.MFASecreto == "":
		return nil, Errorf(CodigoConflicto, "No hay una configuración MFA pendiente. Llame primero a POST /auth/mfa/configurar.")
	}
	codigos, hashes := codigosConHash(u.ID)
	err = m.conCodigo(ctx, u, codigo, false, "activación", func(c CodigoMFA) (string, error) {
		return m.s.ActivarMFA(ctx, actor, c, hashes)
	})
	if err != nil {
		return nil, err
	}
	return codigos, nil
}

// Desactivar apaga MFA con un código TOTP o de recuperación válido: borra el
// secreto y los códigos de recuperación, revoca las demás sesiones del actor
// y audita MFA_DESACTIVADO.
//
// Errores: VALIDACION, CONFLICTO (MFA no está activo), CODIGO_MFA_INVALIDO,
// DEMASIADAS_SOLICITUDES.
func (m *MFA) Desactivar(ctx context.Context, actor *Actor, codigo string) error {
	u, err := m.usuarioConMFA(ctx, actor.ID)
	if err != nil {
		return err
	}
	return m.conCodigo(ctx, u, codigo, true, "desactivación", func(c CodigoMFA) (string, error) {
		return m.s.DesactivarMFA(ctx, actor, c)
	})
}

// RegenerarCodigos reemplaza los códigos de recuperación del actor por un
// juego nuevo (el anterior deja de valer), con un código TOTP o de
// recuperación válido.
//
// Errores: VALIDACION, CONFLICTO (MFA no está activo), CODIGO_MFA_INVALIDO,
// DEMASIADAS_SOLICITUDES.
func (m *MFA) RegenerarCodigos(ctx context.Context, actor *Actor, codigo string) ([]string, error) {
	u, err := m.usuarioConMFA(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	codigos, hashes := codigosConHash(u.ID)
	err = m.conCodigo(ctx, u, codigo, true, "regeneración de códigos de recuperación", func(c CodigoMFA) (string, error) {
		return m.s.RegenerarCodigosMFA(ctx, c, hashes)
	})
	if err != nil {
		return nil, err
	}
	return codigos, nil
}

// Estado devuelve si el actor tiene MFA activo y cuántos códigos de
// recuperación le quedan sin usar.
func (m *MFA) Estado(ctx context.Context, actor *Actor) (*EstadoMFA, error) {
	u, err := m.s.Usuario(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	var n int
	if u.MFAHabilitado {
		if n, err = m.s.CodigosRecuperacionRestantes(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	return &EstadoMFA{Habilitado: u.MFAHabilitado, CodigosRestantes: n}, nil
}

// Restablecer es el reinicio administrativo del MFA de otra cuenta (un
// usuario que perdió su autenticador y sus códigos): apaga MFA, borra secreto
// y códigos, revoca todas las sesiones del usuario y audita MFA_RESTABLECIDO
// con el actor.
//
// Errores: NO_ENCONTRADO, CONFLICTO (no tiene MFA activo ni pendiente).
func (m *MFA) Restablecer(ctx context.Context, actor *Actor, usuarioID uint) error {
	return m.s.RestablecerMFA(ctx, actor, usuarioID)
}

// usuarioConMFA carga al usuario y exige que tenga MFA activo.
func (m *MFA) usuarioConMFA(ctx context.Context, id uint) (*Usuario, error) {
	u, err := m.s.Usuario(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.MFAHabilitado {
		return nil, Errorf(CodigoConflicto, "La autenticación de dos factores no está activa en esta cuenta.")
	}
	return u, nil
}

// ErrMFAYaActivo es CONFLICTO: MFA ya está activo en la cuenta.
func ErrMFAYaActivo() error {
	return Errorf(CodigoConflicto, "La autenticación de dos factores ya está activa. Desactívela antes de configurarla de nuevo.")
}
