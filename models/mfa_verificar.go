package models

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

// Verificar es el segundo paso del login (API.md §4.6): canjea el mfaToken
// de Login y un código TOTP o de recuperación por una sesión con sus tokens.
//
// El mfaToken es de un solo uso: su jti entra en la lista negra en la misma
// transacción que acepta el código, así de dos canjes simultáneos gana uno.
// Un código equivocado no lo gasta (la transacción se deshace): el usuario
// puede corregir un error de tecleo sin volver a dar la contraseña, y el
// bloqueo de cuenta acota los intentos igual que en el login.
//
// Errores: VALIDACION, TOKEN_INVALIDO, TOKEN_EXPIRADO, TOKEN_REVOCADO (ya
// usado, o MFA apagado desde el login), USUARIO_INACTIVO (cuenta desactivada
// desde el login), DEMASIADAS_SOLICITUDES, CODIGO_MFA_INVALIDO.
func (m *MFA) Verificar(ctx context.Context, mfaToken, codigo string) (*ParTokens, error) {
	var v Validacion
	if mfaToken == "" {
		v.Agregar("mfaToken", "es obligatorio")
	}
	if quitarSeparadores(codigo) == "" {
		v.Agregar("codigo", "es obligatorio")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := m.a.t.Verificar(mfaToken, TokenMFA)
	if err != nil {
		return nil, err
	}
	id, ok := c.IDUsuario()
	if !ok {
		return nil, errTokenInvalido(nil)
	}
	var usado int64
	if err := m.a.s.leer(ctx).Model(&TokenRevocado{}).Where("clave = ?", claveJTI(c.ID)).Count(&usado).Error; err != nil {
		return nil, traducir(err)
	}
	if usado > 0 {
		return nil, errMFATokenUsado()
	}
	u, err := m.a.Usuario(ctx, id)
	switch {
	case CodigoDe(err) == CodigoNoEncontrado:
		return nil, errTokenInvalido(err)
	case err != nil:
		return nil, err
	case !u.Activo:
		// Como en el primer paso del login (la contraseña ya se comprobó).
		return nil, Errorf(CodigoUsuarioInactivo, "La cuenta está desactivada. Contacte al administrador.")
	case !u.MFAHabilitado:
		return nil, errRevocado("La autenticación de dos factores ya no está activa en esta cuenta. Inicie sesión nuevamente.")
	}
	gastarToken := func(tx *gorm.DB) error {
		err := tx.Create(&TokenRevocado{Clave: claveJTI(c.ID), ExpiraEn: c.ExpiresAt.Time}).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return errMFATokenUsado()
		}
		return err
	}
	// Gastar el token, aceptar el código y crear la sesión son un solo paso.
	var (
		ses *Sesion
		rt  *RefreshToken
	)
	err = m.conCodigo(ctx, u, codigo, true, "verificación de inicio de sesión", gastarToken, func(tx *gorm.DB, via string) (err error) {
		ses, rt, err = m.a.iniciarSesionTx(ctx, tx, u, "segundo factor: "+via)
		return err
	})
	if err != nil {
		return nil, err
	}
	return m.a.emitirPar(u, ses, rt)
}

func errMFATokenUsado() error {
	return errRevocado("El token MFA ya fue usado. Inicie sesión nuevamente.")
}

// errCodigoRechazado deshace la transacción de conCodigo cuando el código no
// vale; nunca sale de este archivo.
var errCodigoRechazado = errors.New("código MFA rechazado")

// conCodigo comprueba codigo para u y, si vale, ejecuta hecho en la misma
// transacción que lo gasta: el paso TOTP se guarda con un UPDATE condicional
// (mfa_ultimo_paso < paso) y un código de recuperación con otro (usado_en IS
// NULL), ambos comprobados por filas afectadas, así un código se acepta una
// sola vez aunque lleguen dos a la vez. antes (opcional) corre primero en la
// misma transacción. recuperacion dice si se aceptan códigos de recuperación.
//
// Antes reserva un intento del cupo de la cuenta (DEMASIADAS_SOLICITUDES). Un código que
// no vale deshace todo, cuenta como fallo (RegistrarFallo, MFA_FALLIDO) y
// devuelve CODIGO_MFA_INVALIDO. Un código válido limpia los fallos.
func (m *MFA) conCodigo(ctx context.Context, u *Usuario, codigo string, recuperacion bool, operacion string,
	antes func(tx *gorm.DB) error, hecho func(tx *gorm.DB, via string) error) error {
	limpio := quitarSeparadores(codigo)
	if limpio == "" {
		return ErrCampo("codigo", "es obligatorio")
	}
	if err := m.a.reservarIntento(ctx, ClaveBloqueoUsuario(u.ID)); err != nil {
		return err
	}
	// Reservado el intento, el resto ocurre aunque el cliente se vaya (ver Login).
	ctx = context.WithoutCancel(ctx)
	secreto, err := m.cifrado.abrir(u.ID, u.MFASecreto)
	if err != nil {
		return ErrorInterno(err)
	}
	var motivo string
	err = m.a.s.escribir(ctx, func(tx *gorm.DB) error {
		if antes != nil {
			if err := antes(tx); err != nil {
				return err
			}
		}
		var via string
		switch {
		case esCodigoTOTP(limpio):
			paso, ok := m.pasoCoincidente(secreto, limpio, m.a.s.now())
			if !ok {
				motivo = "código TOTP incorrecto o fuera de la ventana"
				return errCodigoRechazado
			}
			res := tx.Model(&Usuario{}).
				Where("id = ? AND mfa_secreto = ? AND mfa_habilitado = ? AND mfa_ultimo_paso < ?", u.ID, u.MFASecreto, u.MFAHabilitado, paso).
				Update("mfa_ultimo_paso", paso)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				motivo = "código TOTP ya usado"
				return errCodigoRechazado
			}
			via = "código TOTP"
		case recuperacion && normalizarRecuperacion(limpio) != "":
			ok, err := m.a.s.gastarCodigoRecuperacion(tx, u.ID, normalizarRecuperacion(limpio))
			if err != nil {
				return err
			}
			if !ok {
				motivo = "código de recuperación incorrecto o ya usado"
				return errCodigoRechazado
			}
			via = "código de recuperación"
		default:
			motivo = "código con formato no válido"
			return errCodigoRechazado
		}
		if err := tx.Where("clave = ?", ClaveBloqueoUsuario(u.ID)).Delete(&BloqueoLogin{}).Error; err != nil {
			return err
		}
		return hecho(tx, via)
	})
	if motivo != "" {
		return m.a.RegistrarFallo(ctx, ClaveBloqueoUsuario(u.ID), &u.ID, EventoMFAFallido, operacion+": "+motivo)
	}
	return err
}

// esCodigoTOTP indica si c tiene la forma de un código TOTP: 6 dígitos.
func esCodigoTOTP(c string) bool {
	if len(c) != 6 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

// pasoCoincidente busca, entre los pasos [ahora−Ventana, ahora+Ventana], el
// mayor cuyo código es codigo (comparación en tiempo constante). totp.Validate
// no dice qué paso coincidió, y hace falta para impedir la repetición.
func (m *MFA) pasoCoincidente(secreto, codigo string, ahora time.Time) (int64, bool) {
	actual := ahora.Unix() / periodoTOTP
	mejor := int64(-1)
	for d := -int64(m.cfg.Ventana); d <= int64(m.cfg.Ventana); d++ {
		paso := actual + d
		if paso <= 0 {
			continue
		}
		esperado, err := totp.GenerateCodeCustom(secreto, time.Unix(paso*periodoTOTP, 0), m.opts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(esperado), []byte(codigo)) == 1 && paso > mejor {
			mejor = paso
		}
	}
	return mejor, mejor > 0
}
