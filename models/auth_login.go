package models

import (
	"context"
	"errors"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Login es el primer paso del inicio de sesión (API.md §4.1). identificador
// es el username o el email, sin distinguir mayúsculas.
//
// Errores: CREDENCIALES_INVALIDAS (422, igual para usuario inexistente y
// contraseña equivocada, con el mismo trabajo de bcrypt), DEMASIADAS_SOLICITUDES
// (bloqueo), USUARIO_INACTIVO (contraseña correcta de una cuenta desactivada).
func (a *Auth) Login(ctx context.Context, identificador, password string) (*ResultadoLogin, error) {
	var v Validacion
	if identificador == "" {
		v.Agregar("username", "es obligatorio")
	}
	if password == "" {
		v.Agregar("password", "es obligatoria")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	u, err := a.s.UsuarioPorIdentificador(ctx, identificador)
	if err != nil {
		return nil, err
	}
	var uid *uint
	if u != nil {
		uid = &u.ID
	}
	clave := claveBloqueo(u, identificador)
	if err := a.reservarIntento(ctx, clave); err != nil {
		if CodigoDe(err) == CodigoDemasiadasSolicitudes {
			a.auditarRechazo(ctx, uid, FalloBloqueada, "rechazado: identidad bloqueada temporalmente")
		}
		return nil, err
	}
	// Reservado el intento, el resto ocurre aunque el cliente se vaya: un
	// intento a medias no debe quedar contado sin su resultado ni su auditoría.
	ctx = context.WithoutCancel(ctx)

	hash := a.hashFalso
	if u != nil {
		hash = u.PasswordHash
	}
	if !PasswordCorrecta(hash, password) || u == nil {
		detalle := "contraseña incorrecta"
		if u == nil {
			// El identificador no se guarda: podría ser una contraseña
			// escrita en el campo equivocado.
			detalle = "identificador desconocido"
		}
		return nil, a.RegistrarFallo(ctx, clave, uid, EventoLoginFallido, detalle)
	}
	if !u.Activo || u.MFAHabilitado {
		// La contraseña era correcta: el intento reservado no cuenta como
		// fallo, pero tampoco borra los fallos de códigos MFA anteriores.
		if err := a.liberarIntento(ctx, clave); err != nil {
			return nil, err
		}
	}
	if !u.Activo {
		a.auditarRechazo(ctx, uid, FalloInactiva, "rechazado: cuenta desactivada")
		return nil, ErrUsuarioInactivo()
	}
	if err := a.rehashSiCambioCosto(ctx, u, password); err != nil {
		return nil, err
	}
	if u.MFAHabilitado {
		ahora := a.now()
		exp := ahora.Add(a.cfg.MFATTL)
		tok, err := a.t.EmitirMFA(u, NuevoID(), ahora, exp)
		if err != nil {
			return nil, err
		}
		return &ResultadoLogin{MFAToken: tok, MFAExpiraEn: segundos(a.cfg.MFATTL)}, nil
	}
	par, err := a.IniciarSesion(ctx, u, "")
	if err != nil {
		return nil, a.sesionRechazada(ctx, clave, uid, err)
	}
	return &ResultadoLogin{Tokens: par}, nil
}

// sesionRechazada contesta un login cuya contraseña era correcta pero cuya
// sesión el almacén no creó porque, mientras se comprobaba, las credenciales
// de la cuenta cambiaron o la cuenta se desactivó (API.md §12): devuelve el
// intento reservado (no fue una contraseña equivocada), lo audita como
// LOGIN_FALLIDO y contesta CREDENCIALES_INVALIDAS (la contraseña comprobada
// ya no es la vigente, o ahora hace falta MFA: el cliente vuelve a pedir las
// credenciales) o USUARIO_INACTIVO. Cualquier otro error pasa tal cual.
func (a *Auth) sesionRechazada(ctx context.Context, clave string, uid *uint, err error) error {
	inactiva := CodigoDe(err) == CodigoUsuarioInactivo
	if !inactiva && !errors.Is(err, ErrCambioCredenciales) {
		return err
	}
	if e := a.liberarIntento(ctx, clave); e != nil {
		return e
	}
	if inactiva {
		a.auditarRechazo(ctx, uid, FalloInactiva, "rechazado: la cuenta se desactivó durante el inicio de sesión")
		return err
	}
	a.auditarRechazo(ctx, uid, FalloCredenciales, "rechazado: las credenciales cambiaron durante el inicio de sesión")
	return Errorf(CodigoCredencialesInvalidas, "Las credenciales de la cuenta cambiaron durante el inicio de sesión. Inicie sesión nuevamente.")
}

// auditarRechazo deja constancia de un login rechazado sin comprobar la
// contraseña (bloqueo) o con la contraseña correcta de una cuenta
// desactivada, y lo cuenta con motivo. Es lo último que hace el intento: si
// la auditoría falla, la respuesta al cliente no cambia (y el rechazo cuenta
// igual: ocurrió).
func (a *Auth) auditarRechazo(ctx context.Context, usuarioID *uint, motivo MotivoFallo, detalle string) {
	a.cfg.Observador.LoginFallido(motivo)
	ctx = context.WithoutCancel(ctx)
	_ = a.s.Auditar(ctx, EventoLoginFallido, usuarioID, nil, detalle)
}

// IniciarSesion crea una sesión para u (ya autenticado) y emite sus tokens.
// Limpia los fallos de login y audita LOGIN_EXITOSO con detalle.
func (a *Auth) IniciarSesion(ctx context.Context, u *Usuario, detalle string) (*ParTokens, error) {
	ses, rt := a.sesiones().Nueva(u, OrigenDe(ctx), a.now())
	if err := a.s.CrearSesion(ctx, ses, rt, detalle); err != nil {
		return nil, err
	}
	return a.emitirPar(u, ses, rt)
}

// emitirPar firma un token de acceso nuevo y el refresh token descrito por rt.
func (a *Auth) emitirPar(u *Usuario, ses *Sesion, rt *RefreshToken) (*ParTokens, error) {
	ahora := a.now()
	expAcceso := minTime(ahora.Add(a.cfg.AccesoTTL), ses.ExpiraEn)
	acceso, err := a.t.Emitir(u.ID, u.Rol, TokenAcceso, ses.ID, NuevoID(), ahora, expAcceso)
	if err != nil {
		return nil, err
	}
	refresh, err := a.t.Emitir(u.ID, rt.Rol, TokenRefresh, ses.ID, rt.JTI, rt.EmitidoEn, rt.ExpiraEn)
	if err != nil {
		return nil, err
	}
	return &ParTokens{
		Acceso: acceso, Refresh: refresh, Usuario: u,
		ExpiraEn:        segundos(expAcceso.Truncate(time.Second).Sub(ahora.Truncate(time.Second))),
		RefreshExpiraEn: segundos(rt.ExpiraEn.Sub(ahora.Truncate(time.Second))),
	}, nil
}

// reservarIntento gasta un intento del cupo de clave (ver PoliticaBloqueo)
// en su propia transacción de escritura, antes de comprobar nada.
// Error: DEMASIADAS_SOLICITUDES.
func (a *Auth) reservarIntento(ctx context.Context, clave string) error {
	return a.s.ReservarIntento(ctx, clave, a.bloqueo())
}

// liberarIntento devuelve al cupo un intento reservado que resultó correcto
// sin terminar en una sesión (contraseña correcta con MFA pendiente).
func (a *Auth) liberarIntento(ctx context.Context, clave string) error {
	return a.s.LiberarIntento(ctx, clave)
}

// RegistrarFallo da por fallido el intento reservado para clave, audita
// evento y, si con él se llegó a MaxFallos, bloquea la identidad y audita
// CUENTA_BLOQUEADA. Devuelve el error para el cliente: CREDENCIALES_INVALIDAS
// (o CODIGO_MFA_INVALIDO para eventos MFA); el fallo que bloquea todavía
// contesta así, los siguientes intentos con 429.
//
// El Observador cuenta el fallo (y el bloqueo, si lo hubo) solo después de
// que la transacción del almacén se confirmó: un fallo que no quedó guardado
// no cuenta.
func (a *Auth) RegistrarFallo(ctx context.Context, clave string, usuarioID *uint, evento EventoAuditoria, detalle string) error {
	bloqueo, err := a.s.RegistrarFallo(ctx, clave, a.bloqueo(), usuarioID, evento, detalle)
	if err != nil {
		return err
	}
	motivo := FalloCredenciales
	if evento == EventoMFAFallido {
		motivo = FalloMFA
	}
	a.cfg.Observador.LoginFallido(motivo)
	if bloqueo {
		a.cfg.Observador.CuentaBloqueada()
	}
	if evento == EventoMFAFallido {
		return Errorf(CodigoMFAInvalido, "El código MFA es incorrecto, ya fue usado o expiró.")
	}
	return Errorf(CodigoCredencialesInvalidas, "El usuario o la contraseña son incorrectos.")
}

// rehashSiCambioCosto vuelve a calcular el hash de u con el costo actual si
// se guardó con otro (tras cambiar PASSWORD_HASH_COST): así todas las cuentas
// cuestan lo mismo que el hash falso de los usuarios inexistentes.
func (a *Auth) rehashSiCambioCosto(ctx context.Context, u *Usuario, password string) error {
	costo, err := bcrypt.Cost([]byte(u.PasswordHash))
	if err != nil || costo == a.cfg.CostoHash {
		return nil
	}
	hash, err := HashPassword(password, a.cfg.CostoHash)
	if err != nil {
		return ErrorInterno(err)
	}
	return a.s.ActualizarHash(ctx, u.ID, u.PasswordHash, hash)
}
