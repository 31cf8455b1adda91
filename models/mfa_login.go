package models

import (
	"context"
	"crypto/subtle"
	"time"

	"github.com/pquerna/otp/totp"
)

// CompletarLogin es el segundo paso del login (API.md §4.6): canjea el mfaToken
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
func (m *MFA) CompletarLogin(ctx context.Context, mfaToken, codigo string) (*ParTokens, error) {
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
		return nil, ErrTokenInvalido(nil)
	}
	usado, err := m.s.TokenGastado(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if usado {
		return nil, ErrMFATokenUsado()
	}
	u, err := m.s.Usuario(ctx, id)
	switch {
	case CodigoDe(err) == CodigoNoEncontrado:
		return nil, ErrTokenInvalido(err)
	case err != nil:
		return nil, err
	case !u.Activo:
		// Como en el primer paso del login (la contraseña ya se comprobó).
		return nil, ErrUsuarioInactivo()
	case !u.MFAHabilitado:
		return nil, ErrTokenRevocado("La autenticación de dos factores ya no está activa en esta cuenta. Inicie sesión nuevamente.")
	case c.Cv != u.CredencialesVersion:
		// El primer paso comprobó unas credenciales que ya no son las de la
		// cuenta (API.md §12). El almacén lo vuelve a comprobar al crear la
		// sesión, por si cambian desde ahora.
		return nil, ErrCredencialesCambiadas()
	}
	// Gastar el token, aceptar el código y crear la sesión son un solo paso.
	var ses *Sesion
	var rt *RefreshToken
	err = m.conCodigo(ctx, u, codigo, true, "verificación de inicio de sesión", func(cm CodigoMFA) (string, error) {
		ses, rt = m.a.sesiones().Nueva(u, OrigenDe(ctx), m.a.now())
		return m.s.CompletarLoginMFA(ctx, c.ID, c.ExpiresAt.Time, cm, ses, rt)
	})
	if err != nil {
		return nil, err
	}
	return m.a.emitirPar(u, ses, rt)
}

// ErrMFATokenUsado es TOKEN_REVOCADO para un mfaToken ya canjeado.
func ErrMFATokenUsado() error {
	return ErrTokenRevocado("El token MFA ya fue usado. Inicie sesión nuevamente.")
}

// CodigoMFA es un código del usuario ya comprobado contra su secreto, listo
// para que el almacén lo gaste en la misma transacción que su efecto: el paso
// TOTP con un UPDATE condicional (mfa_ultimo_paso < Paso, con el secreto y el
// estado leídos) y un código de recuperación con otro (usado_en IS NULL),
// ambos comprobados por filas afectadas, así un código se acepta una sola vez
// aunque lleguen dos a la vez.
type CodigoMFA struct {
	UsuarioID uint
	// Secreto y Habilitado son los que se leyeron de la cuenta.
	Secreto    string
	Habilitado bool
	// Paso > 0 es un código TOTP de ese paso; HashRecuperacion no vacío, un
	// código de recuperación.
	Paso             int64
	HashRecuperacion string
	// Rechazo no vacío dice por qué el código no vale sin mirar la base: el
	// almacén no cambia nada y lo devuelve como motivo.
	Rechazo string
}

// Via nombra el tipo de código para la auditoría.
func (c CodigoMFA) Via() string {
	if c.Paso > 0 {
		return "código TOTP"
	}
	return "código de recuperación"
}

// conCodigo comprueba codigo para u y, si tiene forma de valer, deja que
// gastar lo gaste junto con el efecto de la operación (una transacción del
// almacén, que devuelve el motivo si el código no valía). recuperacion dice
// si se aceptan códigos de recuperación.
//
// Antes reserva un intento del cupo de la cuenta (DEMASIADAS_SOLICITUDES). Un
// código que no vale no cambia nada, cuenta como fallo (RegistrarFallo,
// MFA_FALLIDO) y devuelve CODIGO_MFA_INVALIDO. Un código válido limpia los
// fallos.
func (m *MFA) conCodigo(ctx context.Context, u *Usuario, codigo string, recuperacion bool, operacion string,
	gastar func(CodigoMFA) (motivo string, err error)) error {
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
	c := CodigoMFA{UsuarioID: u.ID, Secreto: u.MFASecreto, Habilitado: u.MFAHabilitado}
	switch {
	case esCodigoTOTP(limpio):
		paso, ok := m.pasoCoincidente(secreto, limpio, m.a.now())
		if !ok {
			c.Rechazo = "código TOTP incorrecto o fuera de la ventana"
		}
		c.Paso = paso
	case recuperacion && normalizarRecuperacion(limpio) != "":
		c.HashRecuperacion = hashRecuperacion(u.ID, normalizarRecuperacion(limpio))
	default:
		c.Rechazo = "código con formato no válido"
	}
	motivo, err := gastar(c)
	if motivo != "" {
		return m.a.RegistrarFallo(ctx, ClaveBloqueoUsuario(u.ID), &u.ID, EventoMFAFallido, operacion+": "+motivo)
	}
	if err != nil {
		// El código no se rechazó: la operación no se hizo por otra razón
		// (perdió contra un cambio de la cuenta, p. ej.). El intento
		// reservado no fue un fallo.
		_ = m.a.liberarIntento(ctx, ClaveBloqueoUsuario(u.ID))
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
