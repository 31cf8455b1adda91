package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

// ReservarIntento gasta un intento del cupo de clave en una transacción que
// lee y escribe su fila con p.Reservar (models.PoliticaBloqueo). Error:
// DEMASIADAS_SOLICITUDES.
//
// La fila se crea vacía si falta y se lee con FOR UPDATE: en PostgreSQL,
// dos intentos simultáneos de la misma clave (en una o en varias
// instancias) se esperan en vez de contar uno solo.
func (s *Store) ReservarIntento(ctx context.Context, clave string, p models.PoliticaBloqueo) error {
	ahora := s.now()
	return s.escribir(ctx, func(tx *gorm.DB) error {
		vacia := models.BloqueoLogin{Clave: clave, UltimoFallo: ahora}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&vacia).Error; err != nil {
			return err
		}
		b, err := filaBloqueo(tx, clave)
		if err != nil {
			return err
		}
		if err := p.Reservar(&b, clave, ahora); err != nil {
			return err
		}
		return tx.Save(&b).Error
	})
}

// LiberarIntento devuelve al cupo de clave un intento reservado.
func (s *Store) LiberarIntento(ctx context.Context, clave string) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		return tx.Model(&models.BloqueoLogin{}).Where("clave = ? AND fallos > 0", clave).
			Update("fallos", gorm.Expr("fallos - 1")).Error
	})
}

// RegistrarFallo da por fallido el intento reservado para clave (p.Fallar),
// audita evento y, si con él se llegó al máximo, CUENTA_BLOQUEADA. El actor
// de un intento fallido es desconocido: solo se sabe qué cuenta se intentó.
func (s *Store) RegistrarFallo(ctx context.Context, clave string, p models.PoliticaBloqueo, usuarioID *uint, evento models.Evento, detalle string) error {
	ahora := s.now()
	return s.escribir(ctx, func(tx *gorm.DB) error {
		b, err := filaBloqueo(tx, clave)
		if err != nil {
			return err
		}
		bloquea := p.Fallar(&b, clave, ahora)
		if err := tx.Save(&b).Error; err != nil {
			return err
		}
		if err := s.auditar(ctx, tx, evento, usuarioID, nil, detalle); err != nil {
			return err
		}
		if bloquea {
			return s.auditar(ctx, tx, models.EventoCuentaBloqueada, usuarioID, nil, p.DetalleBloqueo(&b))
		}
		return nil
	})
}

// filaBloqueo lee la fila de clave con FOR UPDATE (vacía si no está).
func filaBloqueo(tx *gorm.DB, clave string) (models.BloqueoLogin, error) {
	var b models.BloqueoLogin
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("clave = ?", clave).Limit(1).Find(&b).Error
	return b, err
}
