package models

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
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
// recuperación (API.md §4.6). Usa el Store y los Tokens de Auth y su
// bloqueo de cuentas: los códigos equivocados cuentan como fallos de login.
type MFA struct {
	a       *Auth
	cfg     ConfigMFA
	cifrado cifradoSecretos
	opts    totp.ValidateOpts
}

// NewMFA crea el servicio MFA sobre auth.
func NewMFA(auth *Auth, cfg ConfigMFA) (*MFA, error) {
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
	return &MFA{a: auth, cfg: cfg, cifrado: c, opts: totp.ValidateOpts{
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
	u, err := m.a.Usuario(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	if u.MFAHabilitado {
		return nil, errMFAYaActivo()
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
	err = m.a.s.escribir(ctx, func(tx *gorm.DB) error {
		// El último paso aceptado era del secreto anterior: con uno nuevo
		// ningún código suyo se aceptó todavía.
		res := tx.Model(&Usuario{}).Where("id = ? AND mfa_habilitado = ?", u.ID, false).
			Updates(map[string]any{"mfa_secreto": sellado, "mfa_ultimo_paso": 0, "actualizado_en": m.a.s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errMFAYaActivo()
		}
		return nil
	})
	if err != nil {
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
	u, err := m.a.Usuario(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case u.MFAHabilitado:
		return nil, errMFAYaActivo()
	case u.MFASecreto == "":
		return nil, Errorf(CodigoConflicto, "No hay una configuración MFA pendiente. Llame primero a POST /auth/mfa/configurar.")
	}
	var codigos []string
	err = m.conCodigo(ctx, u, codigo, false, "activación", nil, func(tx *gorm.DB, via string) error {
		res := tx.Model(&Usuario{}).Where("id = ? AND mfa_habilitado = ?", u.ID, false).
			Updates(map[string]any{"mfa_habilitado": true, "actualizado_en": m.a.s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errMFAYaActivo()
		}
		nuevos, err := m.a.s.reemplazarCodigosRecuperacion(tx, u.ID)
		if err != nil {
			return err
		}
		codigos = nuevos
		n, err := m.a.s.revocarSesiones(tx, u.ID, "", actor.SesionID)
		if err != nil {
			return err
		}
		return m.a.s.auditar(ctx, tx, EventoMFAActivado, &u.ID, &actor.ID, fmt.Sprintf("%d sesión(es) cerrada(s)", n))
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
	return m.conCodigo(ctx, u, codigo, true, "desactivación", nil, func(tx *gorm.DB, via string) error {
		if err := apagarMFA(tx, u.ID, m.a.s.now()); err != nil {
			return err
		}
		n, err := m.a.s.revocarSesiones(tx, u.ID, "", actor.SesionID)
		if err != nil {
			return err
		}
		return m.a.s.auditar(ctx, tx, EventoMFADesactivado, &u.ID, &actor.ID,
			fmt.Sprintf("con %s; %d sesión(es) cerrada(s)", via, n))
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
	var codigos []string
	err = m.conCodigo(ctx, u, codigo, true, "regeneración de códigos de recuperación", nil, func(tx *gorm.DB, via string) error {
		nuevos, err := m.a.s.reemplazarCodigosRecuperacion(tx, u.ID)
		codigos = nuevos
		return err
	})
	if err != nil {
		return nil, err
	}
	return codigos, nil
}

// Estado devuelve si el actor tiene MFA activo y cuántos códigos de
// recuperación le quedan sin usar.
func (m *MFA) Estado(ctx context.Context, actor *Actor) (*EstadoMFA, error) {
	u, err := m.a.Usuario(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	var n int64
	if u.MFAHabilitado {
		err = m.a.s.leer(ctx).Model(&CodigoRecuperacion{}).
			Where("usuario_id = ? AND usado_en IS NULL", u.ID).Count(&n).Error
		if err != nil {
			return nil, traducir(err)
		}
	}
	return &EstadoMFA{Habilitado: u.MFAHabilitado, CodigosRestantes: int(n)}, nil
}

// Restablecer es el reinicio administrativo del MFA de otra cuenta (un
// usuario que perdió su autenticador y sus códigos): apaga MFA, borra secreto
// y códigos, revoca todas las sesiones del usuario y audita MFA_RESTABLECIDO
// con el actor.
//
// Errores: NO_ENCONTRADO, CONFLICTO (no tiene MFA activo ni pendiente).
func (m *MFA) Restablecer(ctx context.Context, actor *Actor, usuarioID uint) error {
	return m.a.s.escribir(ctx, func(tx *gorm.DB) error {
		var u Usuario
		if err := tx.Take(&u, usuarioID).Error; err != nil {
			return err
		}
		if !u.MFAHabilitado && u.MFASecreto == "" {
			return Errorf(CodigoConflicto, "El usuario %s no tiene MFA activo ni una configuración pendiente.", u.Username)
		}
		if err := apagarMFA(tx, u.ID, m.a.s.now()); err != nil {
			return err
		}
		n, err := m.a.s.revocarSesiones(tx, u.ID, "", "")
		if err != nil {
			return err
		}
		return m.a.s.auditar(ctx, tx, EventoMFARestablecido, &u.ID, &actor.ID,
			fmt.Sprintf("restablecido por %s; %d sesión(es) revocada(s)", actor.Username, n))
	})
}

// usuarioConMFA carga al usuario y exige que tenga MFA activo.
func (m *MFA) usuarioConMFA(ctx context.Context, id uint) (*Usuario, error) {
	u, err := m.a.Usuario(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.MFAHabilitado {
		return nil, Errorf(CodigoConflicto, "La autenticación de dos factores no está activa en esta cuenta.")
	}
	return u, nil
}

// apagarMFA deja la cuenta sin MFA, sin secreto y sin códigos, dentro de tx.
// mfa_ultimo_paso se conserva: solo crece.
func apagarMFA(tx *gorm.DB, usuarioID uint, ahora time.Time) error {
	err := tx.Model(&Usuario{}).Where("id = ?", usuarioID).
		Updates(map[string]any{"mfa_habilitado": false, "mfa_secreto": "", "actualizado_en": ahora}).Error
	if err != nil {
		return err
	}
	return borrarCodigosRecuperacion(tx, usuarioID)
}

func errMFAYaActivo() error {
	return Errorf(CodigoConflicto, "La autenticación de dos factores ya está activa. Desactívela antes de configurarla de nuevo.")
}
