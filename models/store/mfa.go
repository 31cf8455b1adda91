package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// errCodigoRechazado deshace la transacción de conCodigo cuando el código no
// vale; nunca sale de este archivo (el motivo sí).
var errCodigoRechazado = errors.New("código MFA rechazado")

// conCodigo ejecuta, en una transacción: antes (opcional), el gasto del
// código c y, si valía, hecho. Si el código no vale (c.Rechazo, un paso TOTP
// ya usado o un código de recuperación incorrecto o usado) deshace todo y
// devuelve el motivo. Un código válido borra los fallos de login de la cuenta.
func (s *Store) conCodigo(ctx context.Context, c models.CodigoMFA, antes func(tx *gorm.DB) error, hecho func(tx *gorm.DB) error) (motivo string, err error) {
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		if antes != nil {
			if err := antes(tx); err != nil {
				return err
			}
		}
		switch {
		case c.Rechazo != "":
			motivo = c.Rechazo
			return errCodigoRechazado
		case c.Paso > 0:
			res := tx.Model(&models.Usuario{}).
				Where("id = ? AND mfa_secreto = ? AND mfa_habilitado = ? AND mfa_ultimo_paso < ?", c.UsuarioID, c.Secreto, c.Habilitado, c.Paso).
				Update("mfa_ultimo_paso", c.Paso)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				motivo = "código TOTP ya usado"
				return errCodigoRechazado
			}
		default:
			ok, err := s.gastarCodigoRecuperacion(tx, c.UsuarioID, c.HashRecuperacion)
			if err != nil {
				return err
			}
			if !ok {
				motivo = "código de recuperación incorrecto o ya usado"
				return errCodigoRechazado
			}
		}
		if err := tx.Where("clave = ?", models.ClaveBloqueoUsuario(c.UsuarioID)).Delete(&models.BloqueoLogin{}).Error; err != nil {
			return err
		}
		return hecho(tx)
	})
	return motivo, err
}

// GuardarSecretoMFA guarda el secreto TOTP pendiente (ya sellado) si MFA no
// está activo. Errores: CONFLICTO si ya lo está.
func (s *Store) GuardarSecretoMFA(ctx context.Context, usuarioID uint, sellado string) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		// El último paso aceptado era del secreto anterior: con uno nuevo
		// ningún código suyo se aceptó todavía.
		res := tx.Model(&models.Usuario{}).Where("id = ? AND mfa_habilitado = ?", usuarioID, false).
			Updates(map[string]any{"mfa_secreto": sellado, "mfa_ultimo_paso": 0, "actualizado_en": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return models.ErrMFAYaActivo()
		}
		return nil
	})
}

// ActivarMFA gasta c y enciende MFA para el actor, guarda los hashes de sus
// códigos de recuperación, revoca sus demás sesiones y audita MFA_ACTIVADO.
// Errores: CONFLICTO si ya estaba activo.
func (s *Store) ActivarMFA(ctx context.Context, actor *models.Actor, c models.CodigoMFA, hashes []string) (string, error) {
	return s.conCodigo(ctx, c, nil, func(tx *gorm.DB) error {
		res := tx.Model(&models.Usuario{}).Where("id = ? AND mfa_habilitado = ?", c.UsuarioID, false).
			Updates(map[string]any{"mfa_habilitado": true, "actualizado_en": s.now(),
				"credenciales_version": gorm.Expr("credenciales_version + 1")})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return models.ErrMFAYaActivo()
		}
		if err := s.reemplazarCodigosRecuperacion(tx, c.UsuarioID, hashes); err != nil {
			return err
		}
		n, err := s.revocarSesiones(tx, c.UsuarioID, "", actor.SesionID)
		if err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoMFAActivado, &c.UsuarioID, &actor.ID, fmt.Sprintf("%d sesión(es) cerrada(s)", n))
	})
}

// DesactivarMFA gasta c y apaga MFA (sin secreto ni códigos), revoca las
// demás sesiones del actor y audita MFA_DESACTIVADO.
func (s *Store) DesactivarMFA(ctx context.Context, actor *models.Actor, c models.CodigoMFA) (string, error) {
	return s.conCodigo(ctx, c, nil, func(tx *gorm.DB) error {
		if err := apagarMFA(tx, c.UsuarioID, s.now()); err != nil {
			return err
		}
		n, err := s.revocarSesiones(tx, c.UsuarioID, "", actor.SesionID)
		if err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoMFADesactivado, &c.UsuarioID, &actor.ID,
			fmt.Sprintf("con %s; %d sesión(es) cerrada(s)", c.Via(), n))
	})
}

// RegenerarCodigosMFA gasta c y reemplaza los códigos de recuperación por
// los de hashes.
func (s *Store) RegenerarCodigosMFA(ctx context.Context, c models.CodigoMFA, hashes []string) (string, error) {
	return s.conCodigo(ctx, c, nil, func(tx *gorm.DB) error {
		return s.reemplazarCodigosRecuperacion(tx, c.UsuarioID, hashes)
	})
}

// CompletarLoginMFA es el segundo paso del login: gasta el mfaToken (su jti entra
// en la lista negra hasta expira), el código c y crea la sesión ses, todo en
// una transacción; de dos canjes simultáneos gana uno. Un código que no vale
// no gasta el mfaToken. Errores: TOKEN_REVOCADO si el mfaToken ya se usó.
func (s *Store) CompletarLoginMFA(ctx context.Context, jti string, expira time.Time, c models.CodigoMFA, ses *models.Sesion, rt *models.RefreshToken) (string, error) {
	gastarToken := func(tx *gorm.DB) error {
		err := tx.Create(&models.TokenRevocado{Clave: models.ClaveJTI(jti), ExpiraEn: expira}).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return models.ErrMFATokenUsado()
		}
		return err
	}
	return s.conCodigo(ctx, c, gastarToken, func(tx *gorm.DB) error {
		return s.crearSesion(ctx, tx, ses, rt, "segundo factor: "+c.Via())
	})
}

// TokenGastado dice si el jti está en la lista negra.
func (s *Store) TokenGastado(ctx context.Context, jti string) (bool, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var n int64
	if err := db.Model(&models.TokenRevocado{}).Where("clave = ?", models.ClaveJTI(jti)).Count(&n).Error; err != nil {
		return false, traducir(err)
	}
	return n > 0, nil
}

// RestablecerMFA es el reinicio administrativo del MFA de otra cuenta: apaga
// MFA, borra secreto y códigos, revoca todas las sesiones del usuario y
// audita MFA_RESTABLECIDO con el actor.
// Errores: NO_ENCONTRADO, CONFLICTO (no tiene MFA activo ni pendiente).
func (s *Store) RestablecerMFA(ctx context.Context, actor *models.Actor, usuarioID uint) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		var u models.Usuario
		if err := tx.Take(&u, usuarioID).Error; err != nil {
			return err
		}
		if !u.MFAHabilitado && u.MFASecreto == "" {
			return models.Errorf(models.CodigoConflicto, "El usuario %s no tiene MFA activo ni una configuración pendiente.", u.Username)
		}
		if err := apagarMFA(tx, u.ID, s.now()); err != nil {
			return err
		}
		n, err := s.revocarSesiones(tx, u.ID, "", "")
		if err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoMFARestablecido, &u.ID, &actor.ID,
			fmt.Sprintf("restablecido por %s; %d sesión(es) revocada(s)", actor.Username, n))
	})
}

// CodigosRecuperacionRestantes cuenta los códigos sin usar de un usuario.
func (s *Store) CodigosRecuperacionRestantes(ctx context.Context, usuarioID uint) (int, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var n int64
	err := db.Model(&models.CodigoRecuperacion{}).
		Where("usuario_id = ? AND usado_en IS NULL", usuarioID).Count(&n).Error
	return int(n), traducir(err)
}

// apagarMFA deja la cuenta sin MFA, sin secreto y sin códigos, dentro de tx.
// mfa_ultimo_paso se conserva: solo crece. Es un cambio de credenciales
// (ver cambiarCredenciales).
func apagarMFA(tx *gorm.DB, usuarioID uint, ahora time.Time) error {
	err := tx.Model(&models.Usuario{}).Where("id = ?", usuarioID).
		Updates(map[string]any{"mfa_habilitado": false, "mfa_secreto": "", "actualizado_en": ahora,
			"credenciales_version": gorm.Expr("credenciales_version + 1")}).Error
	if err != nil {
		return err
	}
	return borrarCodigosRecuperacion(tx, usuarioID)
}

// reemplazarCodigosRecuperacion borra, dentro de tx, los códigos del usuario
// y guarda los de hashes.
func (s *Store) reemplazarCodigosRecuperacion(tx *gorm.DB, usuarioID uint, hashes []string) error {
	if err := borrarCodigosRecuperacion(tx, usuarioID); err != nil {
		return err
	}
	filas := make([]models.CodigoRecuperacion, len(hashes))
	ahora := s.now()
	for i, h := range hashes {
		filas[i] = models.CodigoRecuperacion{UsuarioID: usuarioID, Hash: h, CreadoEn: ahora}
	}
	return tx.Create(&filas).Error
}

// borrarCodigosRecuperacion borra, dentro de tx, todos los códigos del usuario.
func borrarCodigosRecuperacion(tx *gorm.DB, usuarioID uint) error {
	return tx.Where("usuario_id = ?", usuarioID).Delete(&models.CodigoRecuperacion{}).Error
}

// gastarCodigoRecuperacion marca como usado, dentro de tx, el código de hash
// dado: un UPDATE condicional (usado_en IS NULL) comprobado por filas
// afectadas, así de dos usos simultáneos gana uno.
func (s *Store) gastarCodigoRecuperacion(tx *gorm.DB, usuarioID uint, hash string) (bool, error) {
	res := tx.Model(&models.CodigoRecuperacion{}).
		Where("usuario_id = ? AND hash = ? AND usado_en IS NULL", usuarioID, hash).
		Update("usado_en", s.now())
	return res.RowsAffected == 1, res.Error
}

// El store cumple los contratos de models.
var (
	_ models.AlmacenAuth = (*Store)(nil)
	_ models.AlmacenMFA  = (*Store)(nil)
)
