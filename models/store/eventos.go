package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// claveOrdenEventos es la clave del bloqueo consultivo de PostgreSQL que
// ordena las inserciones de eventos (ver anunciar). Un número fijo y propio
// de esta tabla: otros bloqueos consultivos de la base (goose usa el suyo)
// no chocan con él.
const claveOrdenEventos = "7245001"

// anunciar escribe el evento e en la bandeja de salida dentro de tx, la
// transacción del cambio que anuncia: se confirman juntos o no se confirma
// ninguno (API.md §11), también ante un kill -9.
//
// El id debe crecer con el orden de confirmación, porque los lectores piden
// «id > último visto». En SQLite basta el escritor único. En PostgreSQL un
// bloqueo de transacción tomado justo antes de pedir el id a la secuencia
// hace que quien toma un id mayor confirme después: se suelta al confirmar.
// Es la última sentencia de la transacción, así el bloqueo dura lo mínimo.
func (s *Store) anunciar(tx *gorm.DB, e *models.Evento) error {
	if s.dl.ordenarEventos != "" {
		if _, err := ejecutar(tx, s.dl.ordenarEventos); err != nil {
			return err
		}
	}
	// SQL fijo y no Create: sin reflexión ni constructores de GORM, ni
	// RETURNING del id, que nadie necesita aquí (es una sentencia de cada
	// escritura).
	_, err := ejecutar(tx, s.dl.sql.anunciar, e.Tipo, e.Fecha.UTC(), e.SolicitudID, e.Codigo, e.Estado, e.Version, e.ActorID, e.ActorUsername)
	return err
}

// AlPublicar registra f, que se llama tras confirmar cada escritura que
// anunció eventos en esta instancia: así los suscriptores de esta misma
// instancia no esperan al siguiente sondeo de la tabla. Las demás
// instancias se enteran sondeando (EventosDesde). f no debe bloquear.
func (s *Store) AlPublicar(f func()) { s.publicar.Store(&f) }

// publicado avisa a quien se registró con AlPublicar.
func (s *Store) publicado() {
	if f := s.publicar.Load(); f != nil {
		(*f)()
	}
}

// EventosDesde devuelve hasta limite eventos con id mayor que desde, en
// orden de id, cada uno con la visibilidad actual de su solicitud (quién la
// puede ver ahora, no cuando ocurrió: API.md §11.1).
func (s *Store) EventosDesde(ctx context.Context, desde uint64, limite int) ([]models.Evento, error) {
	db, fin := s.leer(ctx)
	defer fin()
	filas, err := db.Raw(`SELECT e.id, e.tipo, e.fecha, e.solicitud_id, e.codigo, e.estado, e.version,
		e.actor_id, e.actor_username, s.solicitante_id, s.motorista_id
		FROM eventos e JOIN solicitudes s ON s.id = e.solicitud_id
		WHERE e.id > ? ORDER BY e.id LIMIT ?`, desde, limite).Rows()
	if err != nil {
		return nil, traducir(err)
	}
	defer filas.Close()
	var out []models.Evento
	for filas.Next() {
		var e models.Evento
		if err := filas.Scan(&e.ID, &e.Tipo, &e.Fecha, &e.SolicitudID, &e.Codigo, &e.Estado, &e.Version,
			&e.ActorID, &e.ActorUsername, &e.Visible.SolicitanteID, &e.Visible.MotoristaID); err != nil {
			return nil, traducir(err)
		}
		e.Fecha = e.Fecha.UTC()
		out = append(out, e)
	}
	return out, traducir(filas.Err())
}

// MarcasEventos son los límites de la bandeja de salida (el tipo vive en
// models, donde lo usa la central de eventos).
type MarcasEventos = models.MarcasEventos

// Marcas devuelve el último id y hasta dónde se purgó.
func (s *Store) Marcas(ctx context.Context) (MarcasEventos, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var m MarcasEventos
	err := db.Raw(`SELECT COALESCE((SELECT MAX(id) FROM eventos), 0),
		(SELECT hasta FROM eventos_purga WHERE id = 1)`).Row().Scan(&m.Ultimo, &m.PurgadoHasta)
	if m.Ultimo < m.PurgadoHasta {
		// Todo lo que había se purgó: el último que existió es el purgado.
		m.Ultimo = m.PurgadoHasta
	}
	return m, traducir(err)
}

// PurgarEventos borra los eventos anteriores a antes y anota el mayor id
// borrado, en una transacción. Devuelve cuántos borró.
func (s *Store) PurgarEventos(ctx context.Context, antes time.Time) (int64, error) {
	var n int64
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		n = 0
		var hasta *uint64
		if err := tx.Raw("SELECT MAX(id) FROM eventos WHERE fecha < ?", antes.UTC()).Row().Scan(&hasta); err != nil {
			return err
		}
		if hasta == nil {
			return nil
		}
		res := tx.Exec("DELETE FROM eventos WHERE id <= ?", *hasta)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		return tx.Exec("UPDATE eventos_purga SET hasta = ? WHERE id = 1 AND hasta < ?", *hasta, *hasta).Error
	})
	return n, err
}
