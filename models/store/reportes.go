package store

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// ResumenSolicitudes resume las solicitudes con fechaSalida en [desde,
// hasta) (API.md §7.4) con SQL agregado portable: cuenta por estado, por
// mes de TIMEZONE (los límites de cada mes los calcula models.Meses; el SQL
// solo compara instantes), el uso de cada vehículo y la mediana del tiempo
// de aprobación según el historial. Errores: PERMISOS_INSUFICIENTES (ni
// admin ni aprobador).
func (s *Store) ResumenSolicitudes(ctx context.Context, actor *models.Actor, desde, hasta time.Time) (*models.Resumen, error) {
	if !models.PuedeVerReportes(actor) {
		return nil, models.ErrSinPermisoReportes()
	}
	db, fin := s.leer(ctx)
	defer fin()
	periodo := func() *gorm.DB {
		return db.Model(&models.Solicitud{}).Where("fecha_salida >= ? AND fecha_salida < ?", desde.UTC(), hasta.UTC())
	}
	r := &models.Resumen{PorEstado: make(map[models.Estado]int64, len(models.Estados))}
	for _, e := range models.Estados {
		r.PorEstado[e] = 0
	}
	var porEstado []struct {
		Estado models.Estado
		N      int64
	}
	if err := periodo().Select("estado, COUNT(*) AS n").Group("estado").Scan(&porEstado).Error; err != nil {
		return nil, traducir(err)
	}
	for _, x := range porEstado {
		r.PorEstado[x.Estado] = x.N
		r.Total += x.N
	}
	var err error
	if r.PorMes, err = porMes(periodo(), desde, hasta, s.loc); err != nil {
		return nil, traducir(err)
	}
	if r.Vehiculos, err = s.usoVehiculos(db, periodo()); err != nil {
		return nil, traducir(err)
	}
	if r.AprobacionMedianaHoras, err = s.medianaAprobacion(db, desde, hasta); err != nil {
		return nil, traducir(err)
	}
	return r, nil
}

// porMes cuenta las solicitudes de q por mes de loc en una sola consulta:
// un CASE asigna a cada fila el índice de su mes comparando fecha_salida
// con los inicios de mes en UTC. Los meses sin solicitudes salen con 0.
func porMes(q *gorm.DB, desde, hasta time.Time, loc *time.Location) ([]models.TotalMes, error) {
	inicios, etiquetas := models.Meses(desde, hasta, loc)
	out := make([]models.TotalMes, len(etiquetas))
	for i, m := range etiquetas {
		out[i].Mes = m
	}
	var caso strings.Builder
	args := make([]any, 0, len(inicios))
	caso.WriteString("0") // un solo mes: todas al 0
	if len(inicios) > 1 {
		caso.Reset()
		caso.WriteString("CASE")
		for i := len(inicios) - 1; i >= 1; i-- {
			fmt.Fprintf(&caso, " WHEN fecha_salida >= ? THEN %d", i)
			args = append(args, inicios[i])
		}
		caso.WriteString(" ELSE 0 END")
	}
	var filas []struct {
		Mes int
		N   int64
	}
	if err := q.Select(caso.String()+" AS mes, COUNT(*) AS n", args...).Group("mes").Scan(&filas).Error; err != nil {
		return nil, err
	}
	for _, f := range filas {
		if f.Mes >= 0 && f.Mes < len(out) {
			out[f.Mes].Total = f.N
		}
	}
	return out, nil
}

// usoVehiculos agrega por vehículo los viajes de q (models.EstadosViaje) y
// sus horas reservadas; lista los vehículos activos y los que tuvieron
// viajes, por placa.
func (s *Store) usoVehiculos(db, q *gorm.DB) ([]models.UsoVehiculo, error) {
	var usos []struct {
		VehiculoID uint
		Viajes     int64
		Horas      float64
		// Km suma kmFinal − kmInicial de los viajes con la bitácora
		// completa (§7.2); Anotados cuenta esos viajes (0: no se conoce).
		Km       int64
		Anotados int64
	}
	err := q.Where("vehiculo_id IS NOT NULL AND estado IN ?", models.EstadosViaje).
		Select("vehiculo_id, COUNT(*) AS viajes, COALESCE(SUM(" + s.horasEntre("fecha_salida", "fin_ventana") + "), 0) AS horas, " +
			"COALESCE(SUM(viaje_km_final - viaje_km_inicial), 0) AS km, COUNT(viaje_km_final - viaje_km_inicial) AS anotados").
		Group("vehiculo_id").Scan(&usos).Error
	if err != nil {
		return nil, err
	}
	ids := make([]uint, 0, len(usos))
	for _, u := range usos {
		ids = append(ids, u.VehiculoID)
	}
	var vehiculos []models.Vehiculo
	consulta := db.Where("activo = ?", true)
	if len(ids) > 0 {
		consulta = db.Where("activo = ? OR id IN ?", true, ids)
	}
	if err := consulta.Order("placa").Find(&vehiculos).Error; err != nil {
		return nil, err
	}
	out := make([]models.UsoVehiculo, len(vehiculos))
	for i, v := range vehiculos {
		out[i] = models.UsoVehiculo{Vehiculo: v}
		for _, u := range usos {
			if u.VehiculoID == v.ID {
				out[i].Viajes, out[i].HorasReservadas = u.Viajes, math.Round(u.Horas*100)/100
				if u.Anotados > 0 {
					out[i].KmRecorridos = &u.Km
				}
			}
		}
	}
	return out, nil
}

// medianaAprobacion es la mediana, en horas, del tiempo entre la entrada de
// creación del historial y la de aprobación, de las solicitudes del periodo
// que fueron aprobadas. Portable: cuenta y luego lee el valor (o los dos)
// del medio en orden, sin traer el resto.
func (s *Store) medianaAprobacion(db *gorm.DB, desde, hasta time.Time) (*float64, error) {
	base := func() *gorm.DB {
		return db.Table("historial_solicitudes AS h").
			Joins("JOIN solicitudes s ON s.id = h.solicitud_id").
			Joins("JOIN historial_solicitudes c ON c.solicitud_id = h.solicitud_id AND c.estado_anterior IS NULL").
			Where("h.estado_nuevo = ? AND s.fecha_salida >= ? AND s.fecha_salida < ?", models.EstadoAprobada, desde.UTC(), hasta.UTC())
	}
	var n int64
	if err := base().Count(&n).Error; err != nil || n == 0 {
		return nil, err
	}
	var medio []float64
	err := base().Select(s.horasEntre("c.fecha", "h.fecha") + " AS x").Order("x").
		Limit(int(2 - n%2)).Offset(int((n - 1) / 2)).Scan(&medio).Error
	if err != nil || len(medio) == 0 {
		return nil, err
	}
	m := 0.0
	for _, x := range medio {
		m += x
	}
	m = math.Round(m/float64(len(medio))*100) / 100
	return &m, nil
}

// horasEntre es el SQL de las horas (con decimales) de la columna a a la b.
// Las dos bases guardan los instantes al segundo: SQLite como texto con
// zona, que strftime('%s') lee; PostgreSQL como timestamptz.
func (s *Store) horasEntre(a, b string) string {
	if s.dl.nombre == postgresDialecto.nombre {
		return fmt.Sprintf("(EXTRACT(EPOCH FROM (%s - %s)) / 3600.0)", b, a)
	}
	return fmt.Sprintf("((CAST(strftime('%%s', %s) AS INTEGER) - CAST(strftime('%%s', %s) AS INTEGER)) / 3600.0)", b, a)
}
