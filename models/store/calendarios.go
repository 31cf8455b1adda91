package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

// CrearCalendario crea o reemplaza el feed de calendario del actor (API.md
// §7.3) y devuelve su token, que no se guarda (solo su hash) ni se vuelve a
// mostrar. El anterior, si había, deja de valer. Audita CALENDARIO_CREADO.
func (s *Store) CrearCalendario(ctx context.Context, actor *models.Actor) (string, error) {
	// Fuera de la transacción: si escribir la repite, el token es el mismo.
	token, hash, err := models.NuevoTokenCalendario()
	if err != nil {
		return "", models.ErrorInterno(err)
	}
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		var previos int64
		if err := tx.Model(&models.Calendario{}).Where("usuario_id = ?", actor.ID).Count(&previos).Error; err != nil {
			return err
		}
		fila := models.Calendario{UsuarioID: actor.ID, TokenHash: hash, CreadoEn: s.now()}
		err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "usuario_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"token_hash", "creado_en"}),
		}).Create(&fila).Error
		if err != nil {
			return err
		}
		detalle := "feed de calendario creado"
		if previos > 0 {
			detalle += "; el anterior queda revocado"
		}
		return s.auditar(ctx, tx, models.EventoCalendarioCreado, &actor.ID, &actor.ID, detalle)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevocarCalendario borra el feed de calendario del actor y audita
// CALENDARIO_REVOCADO; dice si había uno (sin feed no hay nada que auditar).
func (s *Store) RevocarCalendario(ctx context.Context, actor *models.Actor) (bool, error) {
	var habia bool
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		var err error
		habia, err = s.revocarCalendario(ctx, tx, actor.ID, actor.ID, "revocado por el usuario")
		return err
	})
	return habia, err
}

// revocarCalendario borra, dentro de tx, el feed de usuarioID y, si había
// uno, audita CALENDARIO_REVOCADO con detalle. Dice si había uno.
func (s *Store) revocarCalendario(ctx context.Context, tx *gorm.DB, usuarioID, actorID uint, detalle string) (bool, error) {
	res := tx.Where("usuario_id = ?", usuarioID).Delete(&models.Calendario{})
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	return true, s.auditar(ctx, tx, models.EventoCalendarioRevocado, &usuarioID, &actorID, detalle)
}

// FeedCalendario devuelve el dueño activo del token y las solicitudes de su
// feed: las que creó y aquellas de las que es el motorista, con la ventana
// entre CalendarioDiasAtras días antes de ahora y CalendarioDiasAdelante
// después, por fecha de salida. Un token con mal formato, desconocido,
// revocado o de una cuenta inactiva es NO_ENCONTRADO.
func (s *Store) FeedCalendario(ctx context.Context, token string) (*models.Usuario, []models.Solicitud, error) {
	noEncontrado := models.Errorf(models.CodigoNoEncontrado, "El calendario no existe o fue revocado.")
	if !models.TokenCalendarioValido(token) {
		return nil, nil, noEncontrado
	}
	db, fin := s.leer(ctx)
	defer fin()
	var u models.Usuario
	err := db.Select("id", "username", "rol", "activo").
		Where("activo = ? AND id = (SELECT usuario_id FROM calendarios WHERE token_hash = ?)", true, models.HashTokenCalendario(token)).
		Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, noEncontrado
	}
	if err != nil {
		return nil, nil, traducir(err)
	}
	ahora := s.now()
	desde := ahora.Add(-models.CalendarioDiasAtras * 24 * time.Hour).UTC()
	hasta := ahora.Add(models.CalendarioDiasAdelante * 24 * time.Hour).UTC()
	var ss []models.Solicitud
	err = conReferencias(db).Where("(solicitante_id = ? OR motorista_id = ?) AND fecha_salida < ? AND fin_ventana > ?", u.ID, u.ID, hasta, desde).
		Order("fecha_salida, id").Find(&ss).Error
	if err != nil {
		return nil, nil, traducir(err)
	}
	return &u, ss, nil
}
