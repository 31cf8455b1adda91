package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Refrescar canjea un refresh token por un par nuevo (API.md §4.2).
//
// El token presentado se gasta con un UPDATE condicional (usado_en IS NULL)
// comprobado por filas afectadas: de varios intentos simultáneos gana uno.
// Dentro de la gracia, volver a presentar el predecesor inmediato del refresh
// vigente devuelve el mismo sucesor (se vuelve a firmar con los claims
// guardados). Fuera de ella es reutilización: se revoca la sesión entera.
//
// Errores: TOKEN_INVALIDO, TOKEN_EXPIRADO (también al pasar la vida máxima de
// la sesión), TOKEN_REVOCADO.
func (a *Auth) Refrescar(ctx context.Context, raw string) (*ParTokens, error) {
	c, err := a.t.Verificar(raw, TokenRefresh)
	if err != nil {
		if CodigoDe(err) == CodigoTokenExpirado && c != nil {
			return nil, a.errRefreshExpirado(ctx, c.Sid, err)
		}
		return nil, err
	}
	id, ok := c.IDUsuario()
	if !ok || c.Sid == "" {
		return nil, errTokenInvalido(nil)
	}

	var (
		u       Usuario
		ses     Sesion
		rt      *RefreshToken
		reusado bool
	)
	ahora := a.s.now()
	err = a.s.escribir(ctx, func(tx *gorm.DB) error {
		var revocado int64
		if err := tx.Model(&TokenRevocado{}).Where("clave IN ?", []string{claveJTI(c.ID), claveSesion(c.Sid)}).Count(&revocado).Error; err != nil {
			return err
		}
		if revocado > 0 {
			return errRevocado("El refresh token fue revocado. Inicie sesión nuevamente.")
		}
		if err := tx.Where("id = ? AND usuario_id = ?", c.Sid, id).Take(&ses).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errTokenInvalido(err)
			}
			return err
		}
		if ses.RevocadaEn != nil {
			return errRevocado("El refresh token fue revocado. Inicie sesión nuevamente.")
		}
		if !ses.ExpiraEn.After(ahora) {
			return errSesionMaxima()
		}
		if err := tx.Take(&u, id).Error; err != nil {
			return err
		}
		if !u.Activo {
			return errRevocado("La cuenta está desactivada. Contacte al administrador.")
		}

		nuevo := &RefreshToken{
			JTI: nuevoID(), SesionID: ses.ID, Rol: u.Rol,
			EmitidoEn: ahora.Truncate(time.Second), ExpiraEn: minTime(ahora.Add(a.cfg.RefreshTTL), ses.ExpiraEn).Truncate(time.Second),
		}
		res := tx.Model(&RefreshToken{}).
			Where("jti = ? AND sesion_id = ? AND usado_en IS NULL", c.ID, ses.ID).
			Updates(map[string]any{"usado_en": ahora, "sucesor_jti": nuevo.JTI})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			if err := tx.Create(nuevo).Error; err != nil {
				return err
			}
			rt = nuevo
			return tx.Model(&Sesion{}).Where("id = ?", ses.ID).
				Updates(map[string]any{"ultimo_uso": ahora, "refresh_actual": nuevo.JTI}).Error
		}

		// Ya estaba usado: gracia o reutilización.
		var previo RefreshToken
		if err := tx.Where("jti = ? AND sesion_id = ?", c.ID, ses.ID).Take(&previo).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errTokenInvalido(err)
			}
			return err
		}
		enGracia := a.cfg.Gracia > 0 && previo.UsadoEn != nil && previo.SucesorJTI != nil &&
			*previo.SucesorJTI == ses.RefreshActual && !ahora.After(previo.UsadoEn.Add(a.cfg.Gracia))
		if enGracia {
			rt = &RefreshToken{}
			return tx.Where("jti = ?", ses.RefreshActual).Take(rt).Error
		}
		reusado = true
		if _, err := a.s.revocarSesiones(tx, id, ses.ID, ""); err != nil {
			return err
		}
		return a.s.auditar(ctx, tx, EventoRefreshReutilizado, &u.ID, nil, "refresh token reutilizado; sesión revocada")
	})
	if err != nil {
		return nil, err
	}
	if reusado {
		return nil, errRevocado("El refresh token ya fue usado. Por seguridad se cerró la sesión; inicie sesión nuevamente.")
	}
	return a.emitirPar(&u, &ses, rt)
}

func errSesionMaxima() error {
	return &Error{Codigo: CodigoTokenExpirado, Detalle: "La sesión alcanzó su duración máxima. Inicie sesión nuevamente."}
}

// errRefreshExpirado distingue el fin de la sesión (su vida máxima) de la
// simple expiración del refresh token.
func (a *Auth) errRefreshExpirado(ctx context.Context, sid string, err error) error {
	var ses Sesion
	e := a.s.leer(ctx).Where("id = ?", sid).Limit(1).Find(&ses).Error
	if e != nil {
		return traducir(e)
	}
	if ses.ID == "" || !ses.ExpiraEn.After(a.s.now()) {
		return errSesionMaxima()
	}
	return err
}
