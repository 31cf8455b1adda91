package models

import (
	"context"

	"gorm.io/gorm"
)

// Purgar borra lo que ya no sirve: filas de la lista negra cuyo último token
// ya expiró, sesiones terminadas (con sus refresh tokens) y contadores de
// login viejos. Devuelve cuántas filas borró.
func (a *Auth) Purgar(ctx context.Context) (int64, error) {
	ahora := a.s.now()
	var total int64
	err := a.s.escribir(ctx, func(tx *gorm.DB) error {
		vencidas := tx.Model(&Sesion{}).Select("id").Where("expira_en <= ?", ahora)
		pasos := []*gorm.DB{
			tx.Where("expira_en <= ?", ahora).Delete(&TokenRevocado{}),
			tx.Where("sesion_id IN (?)", vencidas).Delete(&RefreshToken{}),
			tx.Where("expira_en <= ?", ahora).Delete(&Sesion{}),
			tx.Where("(bloqueado_hasta IS NULL OR bloqueado_hasta <= ?) AND ultimo_fallo <= ?", ahora, ahora.Add(-a.cfg.Bloqueo)).Delete(&BloqueoLogin{}),
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
