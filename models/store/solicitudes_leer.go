package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// Lectura de solicitudes con lo que el DTO muestra de sus relaciones, en una
// sola consulta (JOIN) y escaneada a variables locales: con Preload eran una
// consulta más por relación, y la reflexión de GORM sobre cada campo (seis
// fechas por fila) costaba un tercio de una página (issue 13).

// columnasSolicitud son las columnas que escanearSolicitud lee, en su orden:
// la solicitud (alias s), los nombres del solicitante (su) y del motorista
// (m) y el vehículo (v).
const columnasSolicitud = `s.id, s.codigo, s.estado, s.origen, s.destino, s.fecha_salida, s.fecha_regreso,
	s.fin_ventana, s.motivo, s.pasajeros, s.observaciones, s.busqueda, s.solicitante_id, s.vehiculo_id,
	s.motorista_id, s.viaje_inicio_real, s.viaje_fin_real, s.viaje_km_inicial, s.viaje_km_final,
	s.viaje_combustible_litros, s.viaje_observaciones, s.motivo_rechazo, s.motivo_cancelacion, s.version,
	s.creado_en, s.actualizado_en, su.username, m.username,
	v.placa, v.marca, v.modelo, v.capacidad, v.activo, v.kilometraje, v.creado_en, v.actualizado_en`

// relacionesSolicitud son los JOIN de columnasSolicitud. LEFT también para
// el solicitante: una fila sin él sale como con la precarga, con nombre
// vacío, en vez de desaparecer.
const relacionesSolicitud = ` LEFT JOIN usuarios su ON su.id = s.solicitante_id
	LEFT JOIN usuarios m ON m.id = s.motorista_id
	LEFT JOIN vehiculos v ON v.id = s.vehiculo_id`

// sqlSolicitud lee una solicitud por id.
const sqlSolicitud = `SELECT ` + columnasSolicitud + ` FROM solicitudes s` + relacionesSolicitud + ` WHERE s.id = ?`

// escanearSolicitud lee la fila actual de filas (columnasSolicitud) en sol.
func escanearSolicitud(filas *sql.Rows, sol *models.Solicitud) error {
	var (
		id, pasajeros, version, solicitanteID     int64
		vehiculoID, motoristaID, kmIni, kmFin     sql.NullInt64
		capacidad, kilometraje                    sql.NullInt64
		regreso, inicio, fin, vCreado, vActualiza sql.NullTime
		litros                                    sql.NullFloat64
		viajeObs, rechazo, cancelacion            sql.NullString
		solicitante, motorista                    sql.NullString
		placa, marca, modelo                      sql.NullString
		activo                                    sql.NullBool
		estado                                    string
	)
	if err := filas.Scan(&id, &sol.Codigo, &estado, &sol.Origen, &sol.Destino, &sol.FechaSalida, &regreso,
		&sol.FinVentana, &sol.Motivo, &pasajeros, &sol.Observaciones, &sol.Busqueda, &solicitanteID, &vehiculoID,
		&motoristaID, &inicio, &fin, &kmIni, &kmFin,
		&litros, &viajeObs, &rechazo, &cancelacion, &version,
		&sol.CreadoEn, &sol.ActualizadoEn, &solicitante, &motorista,
		&placa, &marca, &modelo, &capacidad, &activo, &kilometraje, &vCreado, &vActualiza); err != nil {
		return err
	}
	sol.ID, sol.Estado, sol.Pasajeros, sol.Version = uint(id), models.Estado(estado), int(pasajeros), int(version)
	sol.FechaRegreso = nuloTiempo(regreso)
	sol.SolicitanteID = uint(solicitanteID)
	sol.Solicitante = models.Usuario{ID: sol.SolicitanteID, Username: solicitante.String}
	sol.Viaje = models.Viaje{InicioReal: nuloTiempo(inicio), FinReal: nuloTiempo(fin), KmInicial: nuloEntero(kmIni),
		KmFinal: nuloEntero(kmFin), Observaciones: nuloTexto(viajeObs)}
	if litros.Valid {
		sol.Viaje.CombustibleLitros = &litros.Float64
	}
	sol.MotivoRechazo, sol.MotivoCancelacion = nuloTexto(rechazo), nuloTexto(cancelacion)
	sol.VehiculoID, sol.Vehiculo = nil, nil
	if vehiculoID.Valid {
		vid := uint(vehiculoID.Int64)
		sol.VehiculoID = &vid
		if placa.Valid {
			sol.Vehiculo = &models.Vehiculo{ID: vid, Placa: placa.String, Marca: marca.String, Modelo: modelo.String,
				Capacidad: int(capacidad.Int64), Activo: activo.Bool, Kilometraje: int(kilometraje.Int64),
				CreadoEn: vCreado.Time, ActualizadoEn: vActualiza.Time}
		}
	}
	sol.MotoristaID, sol.Motorista = nil, nil
	if motoristaID.Valid {
		mid := uint(motoristaID.Int64)
		sol.MotoristaID = &mid
		if motorista.Valid {
			sol.Motorista = &models.Usuario{ID: mid, Username: motorista.String}
		}
	}
	return nil
}

func nuloTiempo(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

func nuloEntero(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func nuloTexto(s sql.NullString) *string {
	if !s.Valid {
		return nil
	}
	return &s.String
}

// leerSolicitudes ejecuta q (que selecciona columnasSolicitud) y escanea
// sus filas.
func leerSolicitudes(q *gorm.DB, capacidad int) ([]models.Solicitud, error) {
	filas, err := q.Rows()
	if err != nil {
		return nil, err
	}
	return escanearFilas(filas, capacidad)
}

// escanearFilas lee y cierra filas de columnasSolicitud.
func escanearFilas(filas *sql.Rows, capacidad int) ([]models.Solicitud, error) {
	defer filas.Close()
	out := make([]models.Solicitud, 0, capacidad)
	for filas.Next() {
		out = append(out, models.Solicitud{})
		if err := escanearSolicitud(filas, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, filas.Err()
}

func cargarSolicitud(db *gorm.DB, id uint) (*models.Solicitud, error) {
	sols, err := leerSolicitudes(db.Raw(sqlSolicitud, id), 1)
	if err != nil {
		return nil, err
	}
	if len(sols) == 0 {
		return nil, gorm.ErrRecordNotFound
	}
	return &sols[0], nil
}

// ordenesAlias son ordenes con las columnas de la solicitud calificadas (s.),
// para ordenar la página ya unida a sus relaciones.
var ordenesAlias = func() map[string]string {
	m := make(map[string]string, len(ordenes))
	for k, v := range ordenes {
		partes := strings.Split(v, ", ")
		for i := range partes {
			partes[i] = "s." + partes[i]
		}
		m[k] = strings.Join(partes, ", ")
	}
	return m
}()

// ListarSolicitudes devuelve una página de las solicitudes que el actor
// puede ver (§5) y que cumplen f, con el total.
//
// Dos consultas: el total y la página. La página elige los id con los
// filtros, el orden y LIMIT (solo índices: las columnas de orden y el id
// están en ellos) y después les une la fila y sus relaciones.
func (s *Store) ListarSolicitudes(ctx context.Context, actor *models.Actor, f models.FiltroSolicitudes) (*models.Resultado[models.Solicitud], error) {
	db, fin := s.leer(ctx)
	defer fin()
	q, orden := filtrarSolicitudes(db, actor, &f)
	p := f.Pagina.Normalizada()
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, traducir(err)
	}
	var filas []models.Solicitud
	if total > int64(p.Offset()) {
		ids := q.Select("id").Order(orden).Limit(p.PorPagina).Offset(p.Offset())
		if indice := s.indiceLista(actor, f); indice != "" {
			ids = ids.Table("`solicitudes` INDEXED BY " + indice)
		}
		var err error
		filas, err = leerSolicitudes(db.Raw(`SELECT `+columnasSolicitud+` FROM (?) p JOIN solicitudes s ON s.id = p.id`+
			relacionesSolicitud+` ORDER BY `+ordenesAlias[f.Orden], ids), p.PorPagina)
		if err != nil {
			return nil, traducir(err)
		}
	}
	return models.NuevoResultado(p, total, filas), nil
}
