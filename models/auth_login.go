package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
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
	u, err := a.s.usuarioPorIdentificador(ctx, identificador)
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
			a.auditarRechazo(ctx, uid, "rechazado: identidad bloqueada temporalmente")
		}
		return nil, err
	}
	// Reservado el intento, el resto ocurre aunque el cliente se vaya: un
	// intento a medias no debe quedar contado sin su resultado ni su auditoría.
	ctx = context.WithoutCancel(ctx)

	hash := a.s.hashFalso
	if u != nil {
		hash = u.PasswordHash
	}
	if !passwordCorrecta(hash, password) || u == nil {
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
		a.auditarRechazo(ctx, uid, "rechazado: cuenta desactivada")
		return nil, Errorf(CodigoUsuarioInactivo, "La cuenta está desactivada. Contacte al administrador.")
	}
	if err := a.s.rehashSiCambioCosto(ctx, u, password); err != nil {
		return nil, err
	}
	if u.MFAHabilitado {
		ahora := a.s.now()
		exp := ahora.Add(a.cfg.MFATTL)
		tok, err := a.t.Emitir(u.ID, u.Rol, TokenMFA, "", nuevoID(), ahora, exp)
		if err != nil {
			return nil, err
		}
		return &ResultadoLogin{MFAToken: tok, MFAExpiraEn: segundos(a.cfg.MFATTL)}, nil
	}
	par, err := a.IniciarSesion(ctx, u, "")
	if err != nil {
		return nil, err
	}
	return &ResultadoLogin{Tokens: par}, nil
}

// auditarRechazo deja constancia de un login rechazado sin comprobar la
// contraseña (bloqueo) o con la contraseña correcta de una cuenta
// desactivada. Es lo último que hace el intento: si la auditoría falla, la
// respuesta al cliente no cambia.
func (a *Auth) auditarRechazo(ctx context.Context, usuarioID *uint, detalle string) {
	ctx = context.WithoutCancel(ctx)
	_ = a.s.escribir(ctx, func(tx *gorm.DB) error {
		return a.s.auditar(ctx, tx, EventoLoginFallido, usuarioID, nil, detalle)
	})
}

// IniciarSesion crea una sesión para u (ya autenticado) y emite sus tokens.
// Limpia los fallos de login y audita LOGIN_EXITOSO con detalle.
func (a *Auth) IniciarSesion(ctx context.Context, u *Usuario, detalle string) (*ParTokens, error) {
	var (
		ses *Sesion
		rt  *RefreshToken
	)
	err := a.s.escribir(ctx, func(tx *gorm.DB) (err error) {
		ses, rt, err = a.iniciarSesionTx(ctx, tx, u, detalle)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.emitirPar(u, ses, rt)
}

// iniciarSesionTx es IniciarSesion dentro de tx, para quien necesita crear la
// sesión en la misma transacción que otra escritura (el segundo paso MFA).
// Las escrituras no se anidan: el store tiene una sola conexión de escritura.
func (a *Auth) iniciarSesionTx(ctx context.Context, tx *gorm.DB, u *Usuario, detalle string) (*Sesion, *RefreshToken, error) {
	ahora := a.s.now()
	o := OrigenDe(ctx)
	ses := &Sesion{
		ID: nuevoID(), UsuarioID: u.ID, CreadaEn: ahora, UltimoUso: ahora,
		ExpiraEn: ahora.Add(a.cfg.SesionMax), IP: recortar(o.IP, 64), UserAgent: recortar(o.UserAgent, 255),
		RefreshActual: nuevoID(),
	}
	rt := &RefreshToken{
		JTI: ses.RefreshActual, SesionID: ses.ID, Rol: u.Rol,
		EmitidoEn: ahora.Truncate(time.Second), ExpiraEn: minTime(ahora.Add(a.cfg.RefreshTTL), ses.ExpiraEn).Truncate(time.Second),
	}
	if err := tx.Create(ses).Error; err != nil {
		return nil, nil, err
	}
	if err := tx.Create(rt).Error; err != nil {
		return nil, nil, err
	}
	if err := tx.Where("clave = ?", ClaveBloqueoUsuario(u.ID)).Delete(&BloqueoLogin{}).Error; err != nil {
		return nil, nil, err
	}
	if err := a.s.auditar(ctx, tx, EventoLoginExitoso, &u.ID, &u.ID, detalle); err != nil {
		return nil, nil, err
	}
	return ses, rt, nil
}

// emitirPar firma un token de acceso nuevo y el refresh token descrito por rt.
func (a *Auth) emitirPar(u *Usuario, ses *Sesion, rt *RefreshToken) (*ParTokens, error) {
	ahora := a.s.now()
	expAcceso := minTime(ahora.Add(a.cfg.AccesoTTL), ses.ExpiraEn)
	acceso, err := a.t.Emitir(u.ID, u.Rol, TokenAcceso, ses.ID, nuevoID(), ahora, expAcceso)
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

// claveBloqueo es la identidad que acumula fallos: la cuenta si el
// identificador es de una (username y email comparten la cuenta), si no el
// identificador en minúsculas. Así un 429 no revela si la cuenta existe.
func claveBloqueo(u *Usuario, identificador string) string {
	if u != nil {
		return fmt.Sprintf("u:%d", u.ID)
	}
	return "i:" + recortar(normalizar(identificador), 290)
}

// ClaveBloqueoUsuario es la clave de bloqueo de una cuenta conocida.
func ClaveBloqueoUsuario(id uint) string { return fmt.Sprintf("u:%d", id) }

func errBloqueado(hasta, ahora time.Time) error {
	seg := segundos(hasta.Sub(ahora))
	if seg < 1 {
		seg = 1
	}
	minutos := (seg + 59) / 60
	return &Error{
		Codigo:       CodigoDemasiadasSolicitudes,
		Detalle:      fmt.Sprintf("Demasiados intentos fallidos. La cuenta está bloqueada temporalmente; intente de nuevo en %d minuto(s).", minutos),
		ReintentarEn: seg,
	}
}

// reservarIntento gasta un intento del cupo de clave antes de comprobar la
// contraseña o el código, en la misma transacción que mira el bloqueo. Así
// muchas peticiones simultáneas no pasan todas la comprobación antes de que
// se cuente ningún fallo: como mucho MaxFallos llegan a comprobarse. Un éxito
// borra la cuenta (iniciarSesionTx, conCodigo); un fallo la deja y, si llegó
// al máximo, bloquea (RegistrarFallo).
// Error: DEMASIADAS_SOLICITUDES si está bloqueada o si los intentos en curso
// ya agotaron el cupo.
func (a *Auth) reservarIntento(ctx context.Context, clave string) error {
	ahora := a.s.now()
	return a.s.escribir(ctx, func(tx *gorm.DB) error {
		var b BloqueoLogin
		if err := tx.Where("clave = ?", clave).Limit(1).Find(&b).Error; err != nil {
			return err
		}
		if b.BloqueadoHasta != nil && b.BloqueadoHasta.After(ahora) {
			return errBloqueado(*b.BloqueadoHasta, ahora)
		}
		if b.Clave == "" || a.caducado(&b, ahora) {
			b = BloqueoLogin{Clave: clave}
		}
		if b.Fallos >= a.cfg.MaxFallos {
			return &Error{Codigo: CodigoDemasiadasSolicitudes, ReintentarEn: 5,
				Detalle: "Hay demasiados intentos en curso para esta cuenta. Intente de nuevo en unos segundos."}
		}
		b.Fallos++
		b.UltimoFallo = ahora
		return tx.Save(&b).Error
	})
}

// liberarIntento devuelve al cupo un intento reservado que resultó correcto
// sin terminar en una sesión (contraseña correcta con MFA pendiente).
func (a *Auth) liberarIntento(ctx context.Context, clave string) error {
	return a.s.escribir(ctx, func(tx *gorm.DB) error {
		return tx.Model(&BloqueoLogin{}).Where("clave = ? AND fallos > 0", clave).
			Update("fallos", gorm.Expr("fallos - 1")).Error
	})
}

// caducado: los fallos cuentan dentro de una ventana de la duración del
// bloqueo, y un bloqueo terminado empieza de cero.
func (a *Auth) caducado(b *BloqueoLogin, ahora time.Time) bool {
	return b.UltimoFallo.Add(a.cfg.Bloqueo).Before(ahora) || (b.BloqueadoHasta != nil && !b.BloqueadoHasta.After(ahora))
}

// RegistrarFallo da por fallido el intento reservado para clave, audita
// evento y, si con él se llegó a MaxFallos, bloquea la identidad y audita
// CUENTA_BLOQUEADA. Devuelve el error para el cliente: CREDENCIALES_INVALIDAS
// (o CODIGO_MFA_INVALIDO para eventos MFA); el fallo que bloquea todavía
// contesta así, los siguientes intentos con 429.
func (a *Auth) RegistrarFallo(ctx context.Context, clave string, usuarioID *uint, evento Evento, detalle string) error {
	ahora := a.s.now()
	err := a.s.escribir(ctx, func(tx *gorm.DB) error {
		var b BloqueoLogin
		if err := tx.Where("clave = ?", clave).Limit(1).Find(&b).Error; err != nil {
			return err
		}
		if b.Clave == "" { // un éxito simultáneo borró la cuenta
			b = BloqueoLogin{Clave: clave, Fallos: 1, UltimoFallo: ahora}
		}
		bloquea := b.Fallos >= a.cfg.MaxFallos && b.BloqueadoHasta == nil
		if bloquea {
			b.BloqueadoHasta = ptr(ahora.Add(a.cfg.Bloqueo))
		}
		if err := tx.Save(&b).Error; err != nil {
			return err
		}
		// El actor de un intento fallido es desconocido: solo se sabe qué
		// cuenta se intentó.
		if err := a.s.auditar(ctx, tx, evento, usuarioID, nil, detalle); err != nil {
			return err
		}
		if bloquea {
			return a.s.auditar(ctx, tx, EventoCuentaBloqueada, usuarioID, nil,
				fmt.Sprintf("%d intentos fallidos; bloqueada %d minuto(s)", b.Fallos, int(a.cfg.Bloqueo/time.Minute)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if evento == EventoMFAFallido {
		return Errorf(CodigoMFAInvalido, "El código MFA es incorrecto, ya fue usado o expiró.")
	}
	return Errorf(CodigoCredencialesInvalidas, "El usuario o la contraseña son incorrectos.")
}

// usuarioPorIdentificador busca por username y luego por email; nil si no
// existe ninguno.
func (s *Store) usuarioPorIdentificador(ctx context.Context, identificador string) (*Usuario, error) {
	n := normalizar(identificador)
	for _, col := range []string{"username_norm", "email_norm"} {
		var u Usuario
		err := s.leer(ctx).Where(col+" = ?", n).Take(&u).Error
		if err == nil {
			return &u, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, traducir(err)
		}
	}
	return nil, nil
}
