package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

// ActorDeToken lee el usuario de un token de acceso y si su jti o su sesión
// están en la lista negra, en una sola ida a la base (la consulta preparada
// en Open): es el camino de cada petición autenticada. ID cero si el usuario
// no existe.
func (s *Store) ActorDeToken(ctx context.Context, usuarioID uint, jti, sid string) (models.FilaActor, error) {
	var fila models.FilaActor
	if s.dl.acotarLecturas {
		var fin context.CancelFunc
		ctx, fin = context.WithTimeout(ctx, s.plazo)
		defer fin()
	}
	err := s.consultaActor.QueryRowContext(ctx, models.ClaveJTI(jti), models.ClaveSesion(sid), usuarioID).
		Scan(&fila.ID, &fila.Username, &fila.Rol, &fila.Activo, &fila.Revocado)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return models.FilaActor{}, traducir(err)
	}
	return fila, nil
}

// revocarSesiones revoca, dentro de tx, las sesiones vivas de un usuario: solo
// la de id soloID si no está vacío, todas menos excepto si no está vacío, o
// todas. Cada sesión entra en la lista negra hasta su fin, así sus tokens
// quedan revocados también tras un reinicio. Devuelve cuántas revocó.
//
// Revocar todas (o todas menos una) es además un cambio de credenciales:
// incrementa antes la versión de credenciales de la cuenta (ver
// cambiarCredenciales), así un login en curso no crea después una sesión
// que escape a la revocación.
func (s *Store) revocarSesiones(tx *gorm.DB, usuarioID uint, soloID, excepto string) (int, error) {
	ahora := s.now()
	if soloID == "" {
		if err := cambiarCredenciales(tx, usuarioID); err != nil {
			return 0, err
		}
	}
	q := tx.Where("usuario_id = ? AND revocada_en IS NULL AND expira_en > ?", usuarioID, ahora)
	if soloID != "" {
		q = q.Where("id = ?", soloID)
	}
	if excepto != "" {
		q = q.Where("id <> ?", excepto)
	}
	var ses []models.Sesion
	if err := q.Find(&ses).Error; err != nil {
		return 0, err
	}
	if len(ses) == 0 {
		return 0, nil
	}
	ids := make([]string, len(ses))
	filas := make([]models.TokenRevocado, len(ses))
	for i, x := range ses {
		ids[i] = x.ID
		filas[i] = models.TokenRevocado{Clave: models.ClaveSesion(x.ID), ExpiraEn: x.ExpiraEn}
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&filas).Error; err != nil {
		return 0, err
	}
	if err := tx.Model(&models.Sesion{}).Where("id IN ?", ids).Update("revocada_en", ahora).Error; err != nil {
		return 0, err
	}
	return len(ses), nil
}

// CerrarSesiones revoca las sesiones vivas del actor (solo soloID si no está
// vacío, todas menos excepto si no está vacío, o todas) y audita LOGOUT con
// el detalle que devuelve detalle(n). Si detalle devuelve un error, nada
// cambia y ese es el error.
func (s *Store) CerrarSesiones(ctx context.Context, actor *models.Actor, soloID, excepto string, detalle func(n int) (string, error)) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		n, err := s.revocarSesiones(tx, actor.ID, soloID, excepto)
		if err != nil {
			return err
		}
		d, err := detalle(n)
		if err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoLogout, &actor.ID, &actor.ID, d)
	})
}

// Sesiones lista las sesiones vivas de un usuario, la más reciente primero.
func (s *Store) Sesiones(ctx context.Context, usuarioID uint) ([]models.Sesion, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var ses []models.Sesion
	err := db.
		Where("usuario_id = ? AND revocada_en IS NULL AND expira_en > ?", usuarioID, s.now()).
		Order("ultimo_uso DESC, id").Find(&ses).Error
	return ses, traducir(err)
}

// Sesion devuelve una sesión por id, viva o no; nil si no existe.
func (s *Store) Sesion(ctx context.Context, id string) (*models.Sesion, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var ses models.Sesion
	if err := db.Where("id = ?", id).Limit(1).Find(&ses).Error; err != nil {
		return nil, traducir(err)
	}
	if ses.ID == "" {
		return nil, nil
	}
	return &ses, nil
}

// CrearSesion guarda una sesión nueva (ya descrita por
// models.ReglasSesion.Nueva) con su primer refresh token, borra los fallos
// de login de la cuenta y audita LOGIN_EXITOSO con detalle.
func (s *Store) CrearSesion(ctx context.Context, ses *models.Sesion, rt *models.RefreshToken, detalle string) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		return s.crearSesion(ctx, tx, ses, rt, detalle)
	})
}

// crearSesion es CrearSesion dentro de tx, para quien necesita crear la
// sesión en la misma transacción que otra escritura (el segundo paso MFA).
// Las escrituras no se anidan: el store tiene una sola conexión de escritura.
//
// La sesión se crea solo si la cuenta sigue activa y con la versión de
// credenciales que comprobó el login (ses.CredencialesVersion): lo decide
// un UPDATE condicional de la fila del usuario, comprobado por filas
// afectadas, que además la bloquea hasta el fin de la transacción. Un cambio
// de credenciales (cambiarCredenciales) empieza por actualizar esa fila: si
// confirmó antes, este UPDATE no encuentra la versión (en PostgreSQL espera
// su bloqueo y vuelve a evaluar el WHERE); si llega después, espera a esta
// transacción y su revocación ya ve la sesión nueva. Errores:
// USUARIO_INACTIVO, TOKEN_REVOCADO (models.ErrCredencialesCambiadas).
func (s *Store) crearSesion(ctx context.Context, tx *gorm.DB, ses *models.Sesion, rt *models.RefreshToken, detalle string) error {
	res := tx.Model(&models.Usuario{}).
		Where("id = ? AND credenciales_version = ? AND activo = ?", ses.UsuarioID, ses.CredencialesVersion, true).
		UpdateColumn("credenciales_version", gorm.Expr("credenciales_version"))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		var activo []bool
		if err := tx.Model(&models.Usuario{}).Where("id = ?", ses.UsuarioID).Pluck("activo", &activo).Error; err != nil {
			return err
		}
		if len(activo) == 1 && !activo[0] {
			return models.ErrUsuarioInactivo()
		}
		return models.ErrCredencialesCambiadas()
	}
	if err := tx.Create(ses).Error; err != nil {
		return err
	}
	if err := tx.Create(rt).Error; err != nil {
		return err
	}
	if err := tx.Where("clave = ?", models.ClaveBloqueoUsuario(ses.UsuarioID)).Delete(&models.BloqueoLogin{}).Error; err != nil {
		return err
	}
	return s.auditar(ctx, tx, models.EventoLoginExitoso, &ses.UsuarioID, &ses.UsuarioID, detalle)
}

// cambiarCredenciales incrementa, dentro de tx, la versión de credenciales
// de la cuenta: ningún login que comprobó las anteriores crea ya su sesión
// (ver crearSesion). Cada cambio de contraseña, de MFA, desactivación o
// revocación de todas las sesiones lo hace, y antes de revocar: el UPDATE
// toma el bloqueo de la fila del usuario.
func cambiarCredenciales(tx *gorm.DB, usuarioID uint) error {
	return tx.Model(&models.Usuario{}).Where("id = ?", usuarioID).
		UpdateColumn("credenciales_version", gorm.Expr("credenciales_version + 1")).Error
}

// CanjearRefresh gasta el refresh token jti de la sesión sid del usuario
// (models.Auth.Refrescar): un UPDATE condicional (usado_en IS NULL)
// comprobado por filas afectadas, así de varios intentos simultáneos gana
// uno. Dentro de la gracia de r devuelve el sucesor ya emitido; fuera de
// ella revoca la sesión entera, audita REFRESH_REUTILIZADO y devuelve
// Reusado.
//
// Errores: TOKEN_INVALIDO, TOKEN_EXPIRADO (vida máxima de la sesión),
// TOKEN_REVOCADO.
func (s *Store) CanjearRefresh(ctx context.Context, usuarioID uint, sid, jti string, r models.ReglasSesion) (*models.Canje, error) {
	var c models.Canje
	ahora := s.now()
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		u, ses := &c.Usuario, &c.Sesion
		revocado, err := s.leerCanje(tx, usuarioID, sid, jti, u, ses)
		if errors.Is(err, gorm.ErrRecordNotFound) && ses.ID == "" {
			// Sin sesión: la lista negra decide entre revocado e inválido,
			// en el orden de siempre (solo en este camino de error).
			if revocado, err = revocadoCanje(tx, sid, jti); err == nil && !revocado {
				return models.ErrTokenInvalido(gorm.ErrRecordNotFound)
			}
		}
		if revocado {
			return models.ErrTokenRevocado("El refresh token fue revocado. Inicie sesión nuevamente.")
		}
		if err != nil {
			return err
		}
		if ses.RevocadaEn != nil {
			return models.ErrTokenRevocado("El refresh token fue revocado. Inicie sesión nuevamente.")
		}
		if !ses.ExpiraEn.After(ahora) {
			return models.ErrSesionMaxima()
		}
		if u.ID == 0 {
			return gorm.ErrRecordNotFound
		}
		if !u.Activo {
			return models.ErrTokenRevocado("La cuenta está desactivada. Contacte al administrador.")
		}

		// Gastar, el sucesor y la sesión: SQL fijo (ver sqlFijo).
		nuevo := r.Sucesor(ses, u.Rol, ahora)
		q := &s.dl.sql
		res, err := ejecutar(tx, q.gastarRefresh, nuevo.JTI, ahora, jti, ses.ID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 1 {
			if _, err := ejecutar(tx, q.insertarRefresh, nuevo.JTI, nuevo.SesionID, nuevo.Rol,
				nuevo.EmitidoEn, nuevo.ExpiraEn, nuevo.UsadoEn, nuevo.SucesorJTI); err != nil {
				return err
			}
			c.Refresh = nuevo
			_, err = ejecutar(tx, q.usarSesion, nuevo.JTI, ahora, ses.ID)
			return err
		}

		// Ya estaba usado: gracia o reutilización.
		var previo models.RefreshToken
		if err := tx.Where("jti = ? AND sesion_id = ?", jti, ses.ID).Take(&previo).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return models.ErrTokenInvalido(err)
			}
			return err
		}
		if r.EnGracia(&previo, ses, ahora) {
			c.Refresh = &models.RefreshToken{}
			return tx.Where("jti = ?", ses.RefreshActual).Take(c.Refresh).Error
		}
		c.Reusado = true
		if _, err := s.revocarSesiones(tx, usuarioID, ses.ID, ""); err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoRefreshReutilizado, &u.ID, nil, "refresh token reutilizado; sesión revocada")
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// sqlCanje lee en una sola sentencia lo que un canje comprueba antes de
// gastar el token: si el jti o la sesión están en la lista negra, la sesión
// y lo que el canje necesita de su usuario (id, nombre, correo, rol,
// activo: lo que emitirPar y la respuesta usan). Sin fila, la sesión no
// existe (o no es de ese usuario).
const sqlCanje = `SELECT EXISTS (SELECT 1 FROM tokens_revocados r WHERE r.clave IN (?, ?)),
	s.id, s.usuario_id, s.creada_en, s.ultimo_uso, s.expira_en, COALESCE(s.ip, ''), COALESCE(s.user_agent, ''), s.refresh_actual, s.revocada_en,
	u.id, u.username, u.email, u.rol, u.activo
	FROM sesiones s LEFT JOIN usuarios u ON u.id = s.usuario_id
	WHERE s.id = ? AND s.usuario_id = ?`

// leerCanje ejecuta sqlCanje (del dialecto, sin GORM: ver sqlFijo) en tx y
// rellena u y ses.
// Devuelve gorm.ErrRecordNotFound si no hay sesión; u.ID queda en cero si
// su usuario no existe.
func (s *Store) leerCanje(tx *gorm.DB, usuarioID uint, sid, jti string, u *models.Usuario, ses *models.Sesion) (bool, error) {
	var revocado bool
	var uid *uint
	var username, rol *string
	var activo *bool
	err := leerFila(tx, s.dl.sqlCanje, []any{models.ClaveJTI(jti), models.ClaveSesion(sid), sid, usuarioID}, &revocado,
		&ses.ID, &ses.UsuarioID, &ses.CreadaEn, &ses.UltimoUso, &ses.ExpiraEn, &ses.IP, &ses.UserAgent, &ses.RefreshActual, &ses.RevocadaEn,
		&uid, &username, &u.Email, &rol, &activo)
	if errors.Is(err, sql.ErrNoRows) {
		return false, gorm.ErrRecordNotFound
	}
	if err != nil || uid == nil {
		return revocado, err
	}
	u.ID, u.Username, u.Rol, u.Activo = *uid, *username, models.Rol(*rol), *activo
	return revocado, nil
}

// revocadoCanje dice si el jti o la sesión están en la lista negra.
func revocadoCanje(tx *gorm.DB, sid, jti string) (bool, error) {
	var n int64
	err := tx.Model(&models.TokenRevocado{}).Where("clave IN ?", []string{models.ClaveJTI(jti), models.ClaveSesion(sid)}).Count(&n).Error
	return n > 0, err
}

// RevocarSesionesUsuario cierra todas las sesiones vivas de una cuenta (sus
// tokens quedan revocados) y audita SESIONES_REVOCADAS. Devuelve cuántas.
// Errores: NO_ENCONTRADO.
func (s *Store) RevocarSesionesUsuario(ctx context.Context, actor *models.Actor, id uint) (int, error) {
	var n int
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		if _, err := usuarioParaCambio(tx, id); err != nil {
			return err
		}
		var err error
		if n, err = s.revocarSesiones(tx, id, "", ""); err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoSesionesRevocadas, &id, &actor.ID, fmt.Sprintf("%d sesión(es) revocada(s) por administración", n))
	})
	return n, err
}

// Purgar borra lo que ya no sirve: filas de la lista negra cuyo último token
// ya expiró, sesiones terminadas (con sus refresh tokens), contadores de
// login más viejos que p.Bloqueo y cupos por IP con el cubo ya lleno
// (CupoTasa). Devuelve cuántas filas borró.
func (s *Store) Purgar(ctx context.Context, p models.PoliticaBloqueo) (int64, error) {
	ahora := s.now()
	var total int64
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		total = 0 // el de un intento deshecho (ver escribir)
		vencidas := tx.Model(&models.Sesion{}).Select("id").Where("expira_en <= ?", ahora)
		pasos := []*gorm.DB{
			tx.Where("expira_en <= ?", ahora).Delete(&models.TokenRevocado{}),
			tx.Where("sesion_id IN (?)", vencidas).Delete(&models.RefreshToken{}),
			tx.Where("expira_en <= ?", ahora).Delete(&models.Sesion{}),
			tx.Where("(bloqueado_hasta IS NULL OR bloqueado_hasta <= ?) AND ultimo_fallo <= ?", ahora, ahora.Add(-p.Bloqueo)).Delete(&models.BloqueoLogin{}),
			purgarCupos(tx, ahora),
		}
		for _, p := range pasos {
			if p.Error != nil {
				return p.Error
			}
			total += p.RowsAffected
		}
		return nil
	})
	return total, err
}
