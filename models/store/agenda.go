package store

import (
	"context"
	"sort"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// fuenteAgenda llena la agenda con un tipo de ocupación: las franjas que se
// solapan con [f.Desde, f.Hasta) y que el actor puede ver.
type fuenteAgenda func(db *gorm.DB, actor *models.Actor, f models.FiltroAgenda) ([]models.Ocupacion, error)

// fuentesAgenda son todas las fuentes de GET /agenda; Agenda las une y las
// ordena. Un tipo nuevo de ocupación es una fuente más aquí.
var fuentesAgenda = []fuenteAgenda{viajesAgenda, mantenimientosAgenda}

// Agenda devuelve las franjas ocupadas que se solapan con la franja del
// filtro, la más antigua primero (API.md §7.3). Admin y aprobador ven todo;
// un motorista, solo sus viajes (los demás roles no llegan: 403 en el borde).
func (s *Store) Agenda(ctx context.Context, actor *models.Actor, f models.FiltroAgenda) ([]models.Ocupacion, error) {
	if f.Desde == nil || f.Hasta == nil {
		return nil, models.ErrCampo("desde", "es obligatorio")
	}
	db, fin := s.leer(ctx)
	defer fin()
	out := []models.Ocupacion{}
	for _, fuente := range fuentesAgenda {
		os, err := fuente(db, actor, f)
		if err != nil {
			return nil, traducir(err)
		}
		out = append(out, os...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Desde.Equal(out[j].Desde) {
			return out[i].Desde.Before(out[j].Desde)
		}
		return out[i].Hasta.Before(out[j].Hasta)
	})
	return out, nil
}

// conReferencias carga el vehículo y el motorista (solo id y username) de
// las solicitudes de la agenda y del feed de calendario.
func conReferencias(db *gorm.DB) *gorm.DB {
	return db.Preload("Motorista", func(db *gorm.DB) *gorm.DB { return db.Select("id", "username") }).Preload("Vehiculo")
}

// viajesAgenda son las solicitudes asignadas o en curso cuya ventana
// [fecha_salida, fin_ventana) se solapa con la del filtro.
func viajesAgenda(db *gorm.DB, actor *models.Actor, f models.FiltroAgenda) ([]models.Ocupacion, error) {
	q := conReferencias(db).Where("estado IN ? AND fecha_salida < ? AND fin_ventana > ?",
		models.EstadosOcupados, f.Hasta.UTC(), f.Desde.UTC())
	if f.VehiculoID != nil {
		q = q.Where("vehiculo_id = ?", *f.VehiculoID)
	}
	if f.MotoristaID != nil {
		q = q.Where("motorista_id = ?", *f.MotoristaID)
	}
	if !actor.Rol.Es(models.RolAdmin, models.RolAprobador) {
		q = q.Where("motorista_id = ?", actor.ID)
	}
	var ss []models.Solicitud
	if err := q.Order("fecha_salida, id").Find(&ss).Error; err != nil {
		return nil, err
	}
	out := make([]models.Ocupacion, len(ss))
	for i := range ss {
		s := &ss[i]
		o := models.Ocupacion{Tipo: models.OcupacionViaje, Desde: s.FechaSalida, Hasta: s.FinVentana, Vehiculo: s.Vehiculo,
			Solicitud: &models.RefSolicitud{ID: s.ID, Codigo: s.Codigo, Estado: s.Estado}, Motivo: s.Motivo}
		if s.Motorista != nil {
			o.Motorista = &models.Referencia{ID: s.Motorista.ID, Username: s.Motorista.Username}
		}
		out[i] = o
	}
	return out, nil
}

// mantenimientosAgenda son los mantenimientos (§8) que se solapan con la
// franja del filtro. Solo admin y aprobador los ven (un motorista ve solo
// sus viajes), y no hay ninguno cuando el filtro pide un motorista.
func mantenimientosAgenda(db *gorm.DB, actor *models.Actor, f models.FiltroAgenda) ([]models.Ocupacion, error) {
	if !actor.Rol.Es(models.RolAdmin, models.RolAprobador) || f.MotoristaID != nil {
		return nil, nil
	}
	q := db.Where("desde < ? AND hasta > ?", f.Hasta.UTC(), f.Desde.UTC())
	if f.VehiculoID != nil {
		q = q.Where("vehiculo_id = ?", *f.VehiculoID)
	}
	var ms []models.Mantenimiento
	if err := q.Order("desde, id").Find(&ms).Error; err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, nil
	}
	ids := make([]uint, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.VehiculoID)
	}
	var vs []models.Vehiculo
	if err := db.Where("id IN ?", ids).Find(&vs).Error; err != nil {
		return nil, err
	}
	porID := make(map[uint]*models.Vehiculo, len(vs))
	for i := range vs {
		porID[vs[i].ID] = &vs[i]
	}
	out := make([]models.Ocupacion, len(ms))
	for i, m := range ms {
		out[i] = models.Ocupacion{Tipo: models.OcupacionMantenimiento, Desde: m.Desde, Hasta: m.Hasta,
			Vehiculo: porID[m.VehiculoID], Motivo: m.Motivo}
	}
	return out, nil
}
