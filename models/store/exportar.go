package store

import (
	"context"
	"database/sql"
	"time"

	"solicitud-transporte/models"
)

// columnasExportacion son las columnas de models.FilaExportacion. Los
// nombres salen de subconsultas por clave primaria (tan baratas como un
// LEFT JOIN) para que el FROM siga siendo solo solicitudes: así los filtros
// y el orden de filtrarSolicitudes valen tal cual, sin columnas ambiguas.
const columnasExportacion = `codigo, estado,
	(SELECT u.username FROM usuarios u WHERE u.id = solicitudes.solicitante_id) AS solicitante,
	origen, destino, fecha_salida, fecha_regreso, pasajeros, motivo,
	(SELECT v.placa FROM vehiculos v WHERE v.id = solicitudes.vehiculo_id) AS vehiculo,
	(SELECT m.username FROM usuarios m WHERE m.id = solicitudes.motorista_id) AS motorista,
	viaje_km_final - viaje_km_inicial AS km`

// ExportarSolicitudes recorre con un cursor todas las solicitudes que el
// actor puede ver (§5) y que cumplen f, en su orden y sin paginar (f.Pagina
// no cuenta), sin tenerlas nunca todas en memoria. Cuando la consulta ya
// respondió llama a empezar (el borde HTTP escribe entonces sus cabeceras:
// hasta ahí un error todavía es un sobre) y luego a fila por cada una; la
// FilaExportacion se reutiliza entre llamadas. Un error de empezar o de
// fila corta el recorrido y se devuelve tal cual.
//
// La lectura no lleva el plazo DB_TIMEOUT de leer (una exportación grande
// dura más): solo el comienzo, hasta la primera respuesta de la base, está
// acotado por él; después la corta únicamente ctx (el cliente que se va).
// Errores antes de empezar: SERVICIO_NO_DISPONIBLE, ERROR_INTERNO.
func (s *Store) ExportarSolicitudes(ctx context.Context, actor *models.Actor, f models.FiltroSolicitudes,
	empezar func() error, fila func(*models.FilaExportacion) error) error {
	ctx, cancelar := context.WithCancel(ctx)
	defer cancelar()
	vencido := time.AfterFunc(s.plazo, cancelar)
	q, orden := filtrarSolicitudes(s.r.WithContext(ctx), actor, &f)
	rows, err := q.Select(columnasExportacion).Order(orden).Rows()
	if !vencido.Stop() && err == nil {
		err = context.DeadlineExceeded // el plazo del comienzo venció justo al responder
	}
	if err != nil {
		if rows != nil {
			rows.Close()
		}
		return traducir(err)
	}
	defer rows.Close()
	if err := empezar(); err != nil {
		return err
	}
	var (
		x                                      models.FilaExportacion
		solicitante, vehiculo, nombreMotorista sql.NullString
		regreso                                sql.NullTime
		km                                     sql.NullInt64
	)
	for rows.Next() {
		if err := rows.Scan(&x.Codigo, &x.Estado, &solicitante, &x.Origen, &x.Destino, &x.FechaSalida, &regreso,
			&x.Pasajeros, &x.Motivo, &vehiculo, &nombreMotorista, &km); err != nil {
			return err
		}
		x.Solicitante, x.Vehiculo, x.Motorista = solicitante.String, vehiculo.String, nombreMotorista.String
		x.FechaRegreso = nil
		if regreso.Valid {
			x.FechaRegreso = &regreso.Time
		}
		x.KmRecorridos = nil
		if km.Valid { // la bitácora tiene kmInicial y kmFinal (§7.2)
			x.KmRecorridos = &km.Int64
		}
		if err := fila(&x); err != nil {
			return err
		}
	}
	return rows.Err()
}
