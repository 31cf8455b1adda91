package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

func errVehiculoNoEncontrado() error {
	return models.Errorf(models.CodigoNoEncontrado, "El vehículo no existe.")
}

// CrearMantenimiento registra una ventana de mantenimiento del vehículo
// (API.md §8). En la misma transacción toma la fila del vehículo FOR
// UPDATE, la misma que toman asignar y reasignar: de un mantenimiento y una
// asignación simultáneos del vehículo en la misma franja, el segundo espera
// al primero y ve lo que confirmó, así nunca salen bien los dos. Errores:
// NO_ENCONTRADO (vehículo), VALIDACION, CONFLICTO_ASIGNACION (un viaje
// asignado o en curso del vehículo, o otro mantenimiento suyo, se solapa).
func (s *Store) CrearMantenimiento(ctx context.Context, actor *models.Actor, vehiculoID uint, n models.NuevoMantenimiento) (*models.Mantenimiento, error) {
	m, err := n.Crear(vehiculoID, actor.ID, s.now())
	if err != nil {
		return nil, err
	}
	var out *models.Mantenimiento
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		m.ID = 0 // el de un intento deshecho (ver escribir)
		var veh models.Vehiculo
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Limit(1).Find(&veh, vehiculoID).Error; err != nil {
			return err
		}
		if veh.ID == 0 {
			return errVehiculoNoEncontrado()
		}
		codigo, err := ocupado(tx, "vehiculo_id", veh.ID, 0, m.Desde, m.Hasta)
		if err != nil {
			return err
		}
		if codigo != "" {
			return models.Errorf(models.CodigoConflictoAsignacion,
				"El vehículo %s tiene asignada la solicitud %s en ese horario: reasígnela primero (POST /solicitud/{id}/reasignar).", veh.Placa, codigo)
		}
		otro, err := mantenimientoEn(tx, veh.ID, m.Desde, m.Hasta)
		if err != nil {
			return err
		}
		if otro != nil {
			return models.Errorf(models.CodigoConflictoAsignacion,
				"El vehículo %s ya tiene un mantenimiento %s que se solapa con ese horario.", veh.Placa, otro.Ventana(s.loc))
		}
		if err := tx.Omit(clause.Associations).Create(m).Error; err != nil {
			return err
		}
		out, err = cargarMantenimiento(tx, m.ID)
		return err
	})
	return out, err
}

func conCreador(db *gorm.DB) *gorm.DB {
	return db.Preload("CreadoPor", func(db *gorm.DB) *gorm.DB { return db.Select("id", "username") })
}

func cargarMantenimiento(db *gorm.DB, id uint) (*models.Mantenimiento, error) {
	var m models.Mantenimiento
	if err := conCreador(db).Take(&m, id).Error; err != nil {
		return nil, err
	}
	return &m, nil
}

// mantenimientoEn devuelve un mantenimiento del vehículo que se solapa con
// la ventana semiabierta [inicio, fin), o nil.
func mantenimientoEn(db *gorm.DB, vehiculoID uint, inicio, fin time.Time) (*models.Mantenimiento, error) {
	var ms []models.Mantenimiento
	err := db.Where("vehiculo_id = ? AND desde < ? AND hasta > ?", vehiculoID, fin.UTC(), inicio.UTC()).
		Order("desde").Limit(1).Find(&ms).Error
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	return &ms[0], nil
}

// enMantenimiento es el CONFLICTO_ASIGNACION de asignar o reasignar un
// vehículo en la franja de uno de sus mantenimientos; nil si no hay.
func enMantenimiento(tx *gorm.DB, veh *models.Vehiculo, inicio, fin time.Time, loc *time.Location) error {
	m, err := mantenimientoEn(tx, veh.ID, inicio, fin)
	if err != nil || m == nil {
		return err
	}
	return models.Errorf(models.CodigoConflictoAsignacion,
		"El vehículo %s está en mantenimiento %s (%s).", veh.Placa, m.Ventana(loc), models.Recortar(m.Motivo, 200))
}

// Mantenimientos devuelve una página de los mantenimientos del vehículo, el
// más reciente (el que empieza más tarde) primero. Errores: NO_ENCONTRADO.
func (s *Store) Mantenimientos(ctx context.Context, vehiculoID uint, p models.Pagina) (*models.Resultado[models.Mantenimiento], error) {
	db, fin := s.leer(ctx)
	defer fin()
	var n int64
	if err := db.Model(&models.Vehiculo{}).Where("id = ?", vehiculoID).Count(&n).Error; err != nil {
		return nil, traducir(err)
	}
	if n == 0 {
		return nil, errVehiculoNoEncontrado()
	}
	q := db.Model(&models.Mantenimiento{}).Where("vehiculo_id = ?", vehiculoID)
	return paginar[models.Mantenimiento](q, p, "desde DESC, id DESC", conCreador)
}

// BorrarMantenimiento elimina el mantenimiento mid del vehículo: el vehículo
// vuelve a estar libre en esa franja. Errores: NO_ENCONTRADO (también si
// mid es de otro vehículo).
func (s *Store) BorrarMantenimiento(ctx context.Context, vehiculoID, mid uint) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND vehiculo_id = ?", mid, vehiculoID).Delete(&models.Mantenimiento{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return models.Errorf(models.CodigoNoEncontrado, "El mantenimiento no existe en ese vehículo.")
		}
		return nil
	})
}
