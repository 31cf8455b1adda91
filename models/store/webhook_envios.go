package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

// maxEventosPorDespacho acota cuántos eventos convierte en envíos una
// transacción de DespacharEventos (el resto, en la siguiente).
const maxEventosPorDespacho = 500

// DespacharEventos convierte los eventos nuevos de la bandeja de salida en
// envíos (uno por evento y webhook activo suscrito a su tipo) y adelanta el
// cursor de cada webhook, todo en una transacción: un evento nunca se
// despacha dos veces ni se pierde, también con varias instancias (en
// PostgreSQL las filas de los webhooks se toman FOR UPDATE, así otra
// instancia espera y luego ve el cursor ya adelantado). cuerpo da el JSON
// de cada evento. Devuelve cuántos envíos creó.
//
// Sin trabajo (el caso normal) cuesta una lectura y ninguna escritura: el
// sondeo de cada instancia no ocupa el escritor de SQLite.
func (s *Store) DespacharEventos(ctx context.Context, cuerpo func(*models.Evento) ([]byte, error)) (int, error) {
	db, fin := s.leer(ctx)
	var pendientes int64
	// Scan de GORM y no Row().Scan: con la base cerrada o la consulta
	// fallida, Row() deja un *sql.Row vacío que entra en pánico al leerlo.
	err := db.Raw(`SELECT COUNT(*) FROM webhooks WHERE activo = ? AND ultimo_evento < (SELECT COALESCE(MAX(id), 0) FROM eventos)`, true).
		Scan(&pendientes).Error
	fin()
	if err != nil || pendientes == 0 {
		return 0, traducir(err)
	}
	var creados int
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		creados = 0
		var ws []models.Webhook
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("activo = ?", true).Order("id").Find(&ws).Error; err != nil {
			return err
		}
		if len(ws) == 0 {
			return nil
		}
		desde := ws[0].UltimoEvento
		for _, w := range ws {
			desde = min(desde, w.UltimoEvento)
		}
		var evs []models.Evento
		if err := tx.Where("id > ?", desde).Order("id").Limit(maxEventosPorDespacho).Find(&evs).Error; err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		ahora := s.now()
		var envios []models.EnvioWebhook
		for i := range evs {
			e := &evs[i]
			e.Fecha = e.Fecha.UTC()
			var b []byte
			for _, w := range ws {
				if e.ID <= w.UltimoEvento || !w.Recibe(e.Tipo) {
					continue
				}
				if b == nil {
					var err error
					if b, err = cuerpo(e); err != nil {
						return err
					}
				}
				envios = append(envios, models.EnvioWebhook{WebhookID: w.ID, EventoID: e.ID, Cuerpo: string(b), ProximoEn: ahora})
			}
		}
		if len(envios) > 0 {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&envios, 100).Error; err != nil {
				return err
			}
		}
		// Solo los webhooks tomados arriba: uno creado durante esta
		// transacción no vio estos eventos y no debe saltárselos.
		ids := make([]uint, len(ws))
		for i, w := range ws {
			ids[i] = w.ID
		}
		hasta := evs[len(evs)-1].ID
		if err := tx.Model(&models.Webhook{}).Where("id IN ? AND ultimo_evento < ?", ids, hasta).
			Update("ultimo_evento", hasta).Error; err != nil {
			return err
		}
		creados = len(envios)
		return nil
	})
	return creados, err
}

// ReclamarEnvios toma hasta n envíos vencidos (proximo_en <= ahora) para
// intentarlos en esta instancia: suma un intento, anota el primero y corre
// proximo_en a hasta, el fin del arriendo. Si el intento no termina (el
// proceso muere), el envío vuelve a vencer en hasta y otro lo repite: al
// menos una vez. En PostgreSQL, FOR UPDATE SKIP LOCKED deja que varias
// instancias reclamen a la vez sin esperarse ni tomar el mismo envío; en
// SQLite el escritor único ya las pone en fila.
func (s *Store) ReclamarEnvios(ctx context.Context, ahora, hasta time.Time, n int) ([]models.EnvioWebhook, error) {
	if n <= 0 {
		return nil, nil
	}
	ahora = ahora.UTC()
	db, fin := s.leer(ctx)
	var vencidos int64
	err := db.Raw("SELECT COUNT(*) FROM webhook_envios WHERE proximo_en <= ?", ahora).Scan(&vencidos).Error
	fin()
	if err != nil || vencidos == 0 {
		return nil, traducir(err)
	}
	var out []models.EnvioWebhook
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		out = nil
		var ids []uint64
		if err := tx.Model(&models.EnvioWebhook{}).Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).
			Where("proximo_en <= ?", ahora).Order("proximo_en, id").Limit(n).Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		if err := tx.Exec(`UPDATE webhook_envios SET intento = intento + 1, proximo_en = ?,
			primer_intento_en = COALESCE(primer_intento_en, ?) WHERE id IN ?`, hasta.UTC(), ahora, ids).Error; err != nil {
			return err
		}
		filas, err := tx.Raw(`SELECT e.id, e.webhook_id, e.evento_id, e.cuerpo, e.intento, e.proximo_en, e.primer_intento_en,
			w.url, w.secreto_cifrado FROM webhook_envios e JOIN webhooks w ON w.id = e.webhook_id
			WHERE e.id IN ? ORDER BY e.id`, ids).Rows()
		if err != nil {
			return err
		}
		defer filas.Close()
		for filas.Next() {
			var e models.EnvioWebhook
			if err := filas.Scan(&e.ID, &e.WebhookID, &e.EventoID, &e.Cuerpo, &e.Intento, &e.ProximoEn, &e.PrimerIntentoEn,
				&e.URL, &e.SecretoCifrado); err != nil {
				return err
			}
			out = append(out, e)
		}
		return filas.Err()
	})
	return out, err
}

// CerrarEnvio anota el intento e del envío y lo reprograma para siguiente,
// o, con siguiente nil, lo quita de la cola (entregado o fallido). Solo
// toca el envío si sigue siendo el intento que se reclamó: si el arriendo
// venció y otra instancia lo reclamó de nuevo, el registro del intento
// queda y la cola es de la otra. Si el webhook se borró mientras tanto, no
// queda nada.
func (s *Store) CerrarEnvio(ctx context.Context, envio *models.EnvioWebhook, e *models.EntregaWebhook, siguiente *time.Time) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		q := tx.Where("id = ? AND intento = ?", envio.ID, envio.Intento)
		var err error
		if siguiente != nil {
			err = q.Model(&models.EnvioWebhook{}).Update("proximo_en", siguiente.UTC()).Error
		} else {
			err = q.Delete(&models.EnvioWebhook{}).Error
		}
		if err != nil {
			return err
		}
		return registrarEntrega(tx, e)
	})
}

// RegistrarEntrega anota un intento que no viene de la cola (un ping).
func (s *Store) RegistrarEntrega(ctx context.Context, e *models.EntregaWebhook) error {
	return s.escribir(ctx, func(tx *gorm.DB) error { return registrarEntrega(tx, e) })
}

// registrarEntrega inserta e si su webhook sigue existiendo.
func registrarEntrega(tx *gorm.DB, e *models.EntregaWebhook) error {
	e.ID = 0
	e.Fecha = e.Fecha.UTC()
	var existe int64
	if err := tx.Model(&models.Webhook{}).Where("id = ?", e.WebhookID).Count(&existe).Error; err != nil || existe == 0 {
		return err
	}
	return tx.Create(e).Error
}

// EnviosPendientes cuenta los envíos en la cola (pendientes o en curso).
func (s *Store) EnviosPendientes(ctx context.Context) (int64, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var n int64
	err := db.Model(&models.EnvioWebhook{}).Count(&n).Error
	return n, traducir(err)
}

// PurgarEntregasWebhook borra del registro los intentos anteriores a antes.
func (s *Store) PurgarEntregasWebhook(ctx context.Context, antes time.Time) (int64, error) {
	var n int64
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		res := tx.Where("fecha < ?", antes.UTC()).Delete(&models.EntregaWebhook{})
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
