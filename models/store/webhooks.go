package store

import (
	"context"
	"errors"
	"slices"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

func errWebhookNoExiste() error {
	return models.Errorf(models.CodigoNoEncontrado, "El webhook no existe.")
}

// ultimoEvento es el id del último evento confirmado (0 si no hay): desde
// ahí empieza a recibir un webhook nuevo o reactivado.
func ultimoEvento(tx *gorm.DB) (uint64, error) {
	var n uint64
	err := tx.Raw("SELECT COALESCE(MAX(id), 0) FROM eventos").Scan(&n).Error
	return n, err
}

// CrearWebhook registra un webhook ya validado (w sin ID). sellar recibe
// el id asignado y devuelve el secreto sellado para él (se ata a su fila);
// se guarda en la misma transacción. Recibe los eventos confirmados desde
// ahora, no los anteriores.
func (s *Store) CrearWebhook(ctx context.Context, w *models.Webhook, sellar func(id uint) (string, error)) error {
	w.CreadoEn, w.ActualizadoEn = s.now(), s.now()
	return s.escribir(ctx, func(tx *gorm.DB) error {
		w.ID = 0 // el de un intento deshecho (ver escribir)
		var err error
		if w.UltimoEvento, err = ultimoEvento(tx); err != nil {
			return err
		}
		w.SecretoCifrado = "-" // se sella con el id, que aún no existe
		if err := tx.Create(w).Error; err != nil {
			return err
		}
		if w.SecretoCifrado, err = sellar(w.ID); err != nil {
			return err
		}
		return tx.Model(w).Update("secreto_cifrado", w.SecretoCifrado).Error
	})
}

// Webhook devuelve un webhook. Errores: NO_ENCONTRADO.
func (s *Store) Webhook(ctx context.Context, id uint) (*models.Webhook, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var w models.Webhook
	if err := db.Take(&w, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errWebhookNoExiste()
		}
		return nil, traducir(err)
	}
	return &w, nil
}

// ListarWebhooks devuelve una página de webhooks, por id.
func (s *Store) ListarWebhooks(ctx context.Context, p models.Pagina) (*models.Resultado[models.Webhook], error) {
	db, fin := s.leer(ctx)
	defer fin()
	return paginar[models.Webhook](db.Model(&models.Webhook{}), p, "id", nil)
}

// EditarWebhook aplica un PATCH ya validado por rellenar (que recibe el
// webhook actual y lo modifica). Reactivarlo lo pone al día con la bandeja
// de salida (no recibe lo que pasó mientras estuvo inactivo); desactivarlo
// descarta sus envíos pendientes: un webhook inactivo no recibe nada.
// Errores: NO_ENCONTRADO, VALIDACION.
func (s *Store) EditarWebhook(ctx context.Context, id uint, rellenar func(*models.Webhook) error) (*models.Webhook, error) {
	var w models.Webhook
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		w = models.Webhook{}
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&w, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errWebhookNoExiste()
			}
			return err
		}
		antes := w
		antes.Eventos = append(models.TiposSuscritos(nil), w.Eventos...)
		if err := rellenar(&w); err != nil {
			return err
		}
		if igualesWebhook(antes, w) {
			return nil
		}
		switch {
		case !antes.Activo && w.Activo:
			n, err := ultimoEvento(tx)
			if err != nil {
				return err
			}
			w.UltimoEvento = max(w.UltimoEvento, n)
		case antes.Activo && !w.Activo:
			if err := tx.Where("webhook_id = ?", id).Delete(&models.EnvioWebhook{}).Error; err != nil {
				return err
			}
		}
		w.ActualizadoEn = s.now()
		return tx.Model(&models.Webhook{}).Where("id = ?", id).Updates(map[string]any{
			"url": w.URL, "eventos": w.Eventos, "descripcion": w.Descripcion, "activo": w.Activo,
			"ultimo_evento": w.UltimoEvento, "actualizado_en": w.ActualizadoEn}).Error
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

func igualesWebhook(a, b models.Webhook) bool {
	return a.URL == b.URL && a.Descripcion == b.Descripcion && a.Activo == b.Activo && slices.Equal(a.Eventos, b.Eventos)
}

// BorrarWebhook borra un webhook con sus envíos pendientes y su registro
// de entregas (ON DELETE CASCADE). Un intento que ya estaba en vuelo termina,
// pero no deja rastro (ver CerrarEnvio). Errores: NO_ENCONTRADO.
func (s *Store) BorrarWebhook(ctx context.Context, id uint) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		// Explícito además de la cascada: no depende de que SQLite tenga
		// foreign_keys activo en esa conexión.
		if err := tx.Where("webhook_id = ?", id).Delete(&models.EnvioWebhook{}).Error; err != nil {
			return err
		}
		if err := tx.Where("webhook_id = ?", id).Delete(&models.EntregaWebhook{}).Error; err != nil {
			return err
		}
		res := tx.Delete(&models.Webhook{}, id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errWebhookNoExiste()
		}
		return nil
	})
}

// EntregasWebhook devuelve una página del registro de intentos del
// webhook id, los más recientes primero. Errores: NO_ENCONTRADO.
func (s *Store) EntregasWebhook(ctx context.Context, id uint, p models.Pagina) (*models.Resultado[models.EntregaWebhook], error) {
	if _, err := s.Webhook(ctx, id); err != nil {
		return nil, err
	}
	db, fin := s.leer(ctx)
	defer fin()
	return paginar[models.EntregaWebhook](db.Model(&models.EntregaWebhook{}).Where("webhook_id = ?", id), p, "id DESC", nil)
}
