package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// Escrituras de la propia cuenta y de la cuenta de administración inicial:
// el hash ya viene calculado (bcrypt corre fuera de las transacciones, en
// models.Auth).

// ActualizarHash cambia el hash de la contraseña de un usuario si sigue
// siendo anterior (el rehash del login tras cambiar PASSWORD_HASH_COST).
func (s *Store) ActualizarHash(ctx context.Context, usuarioID uint, anterior, nuevo string) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		return tx.Model(&models.Usuario{}).Where("id = ? AND password_hash = ?", usuarioID, anterior).
			Update("password_hash", nuevo).Error
	})
}

// CambiarPassword guarda hash como contraseña del actor, revoca sus demás
// sesiones, borra sus fallos de login (la contraseña actual se comprobó) y
// audita PASSWORD_CAMBIADO.
func (s *Store) CambiarPassword(ctx context.Context, actor *models.Actor, hash string) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&models.Usuario{}).Where("id = ?", actor.ID).
			Updates(map[string]any{"password_hash": hash, "actualizado_en": s.now(),
				"credenciales_version": gorm.Expr("credenciales_version + 1")}).Error; err != nil {
			return err
		}
		n, err := s.revocarSesiones(tx, actor.ID, "", actor.SesionID)
		if err != nil {
			return err
		}
		if err := tx.Where("clave = ?", models.ClaveBloqueoUsuario(actor.ID)).Delete(&models.BloqueoLogin{}).Error; err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoPasswordCambiado, &actor.ID, &actor.ID, fmt.Sprintf("%d sesión(es) cerrada(s)", n))
	})
}

// CrearAdmin crea la cuenta de administración inicial u (API_USER) y audita
// USUARIO_CREADO.
func (s *Store) CrearAdmin(ctx context.Context, u *models.Usuario) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		u.ID = 0 // el de un intento deshecho (ver escribir)
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		return s.auditar(ctx, tx, models.EventoUsuarioCreado, &u.ID, nil, "cuenta de administración inicial (API_USER)")
	})
}

// PonerAlDiaAdmin cambia el email (si email no es nil) y el hash (si no está
// vacío) de la cuenta de administración al arrancar, y audita
// USUARIO_ACTUALIZADO. Errores: VALIDACION (API_EMAIL) si el email ya es de
// otra cuenta.
func (s *Store) PonerAlDiaAdmin(ctx context.Context, id uint, email *string, hash string) error {
	cambios := map[string]any{}
	if email != nil {
		cambios["email"], cambios["email_norm"] = models.NormalizarEmail(*email)
	}
	if hash != "" {
		cambios["password_hash"] = hash
	}
	cambios["actualizado_en"] = s.now()
	nCambios := len(cambios) - 1
	if hash != "" {
		cambios["credenciales_version"] = gorm.Expr("credenciales_version + 1")
	}
	return s.escribir(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&models.Usuario{}).Where("id = ?", id).Updates(cambios).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return models.ErrCampo("API_EMAIL", "ya pertenece a otra cuenta")
			}
			return err
		}
		return s.auditar(ctx, tx, models.EventoUsuarioActualizado, &id, nil, fmt.Sprintf("cuenta de administración puesta al día al iniciar (%d cambio(s))", nCambios))
	})
}
