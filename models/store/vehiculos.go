package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

func errPlacaOcupada() error {
	return models.Errorf(models.CodigoConflicto, "Ya existe un vehículo con esa placa.")
}

// CrearVehiculo registra un vehículo (activo salvo que se diga lo contrario).
// Errores: VALIDACION, CONFLICTO si la placa ya existe.
func (s *Store) CrearVehiculo(ctx context.Context, d models.DatosVehiculo) (*models.Vehiculo, error) {
	v := &models.Vehiculo{}
	if err := d.Rellenar(v, true); err != nil {
		return nil, err
	}
	v.CreadoEn, v.ActualizadoEn = s.now(), s.now()
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		v.ID = 0 // el de un intento deshecho (ver escribir)
		if err := tx.Create(v).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errPlacaOcupada()
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Vehiculo devuelve un vehículo. Errores: NO_ENCONTRADO.
func (s *Store) Vehiculo(ctx context.Context, id uint) (*models.Vehiculo, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var v models.Vehiculo
	if err := db.Take(&v, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, models.Errorf(models.CodigoNoEncontrado, "El vehículo no existe.")
		}
		return nil, traducir(err)
	}
	return &v, nil
}

// EditarVehiculo aplica un PATCH. Desactivar el vehículo, o bajar su
// capacidad por debajo de los pasajeros de un viaje asignado o en curso, es
// CONFLICTO nombrando esos viajes (hay que reasignarlos primero). Se decide
// en la misma transacción que el cambio y con la fila del vehículo tomada
// FOR UPDATE, la misma que toma asignar: en PostgreSQL una asignación
// simultánea espera y luego ve el vehículo inactivo, o la baja espera y ve
// el viaje asignado. Errores: NO_ENCONTRADO, VALIDACION, CONFLICTO (placa
// de otro vehículo, vehículo en uso).
func (s *Store) EditarVehiculo(ctx context.Context, id uint, d models.DatosVehiculo) (*models.Vehiculo, error) {
	var v models.Vehiculo
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		v = models.Vehiculo{} // nada de un intento deshecho (ver escribir)
		if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Take(&v, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return models.Errorf(models.CodigoNoEncontrado, "El vehículo no existe.")
			}
			return err
		}
		antes := v
		if err := d.Rellenar(&v, false); err != nil {
			return err
		}
		if err := vehiculoEnUso(tx, antes, v); err != nil {
			return err
		}
		if v == antes {
			return nil // nada que guardar
		}
		v.ActualizadoEn = s.now()
		if err := tx.Save(&v).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return errPlacaOcupada()
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// maxCodigosEnUso es cuántos códigos nombra como mucho el detalle de un
// vehículo en uso.
const maxCodigosEnUso = 20

// vehiculoEnUso comprueba, dentro de tx, que pasar de antes a despues no
// deje sin vehículo válido un viaje asignado o en curso: si se desactiva,
// ninguno puede usarlo; si baja la capacidad, ninguno puede llevar más
// pasajeros que la nueva. Error: CONFLICTO con los códigos en el detalle.
func vehiculoEnUso(tx *gorm.DB, antes, despues models.Vehiculo) error {
	q := tx.Model(&models.Solicitud{}).Where("vehiculo_id = ? AND estado IN ?", antes.ID, models.EstadosOcupados)
	var motivo string
	switch {
	case antes.Activo && !despues.Activo:
		motivo = "no se puede desactivar"
	case despues.Capacidad < antes.Capacidad:
		q = q.Where("pasajeros > ?", despues.Capacidad)
		motivo = fmt.Sprintf("no se puede bajar su capacidad a %d", despues.Capacidad)
	default:
		return nil
	}
	var codigos []string
	if err := q.Order("codigo").Limit(maxCodigosEnUso+1).Pluck("codigo", &codigos).Error; err != nil {
		return err
	}
	if len(codigos) == 0 {
		return nil
	}
	lista := strings.Join(codigos[:min(len(codigos), maxCodigosEnUso)], ", ")
	if len(codigos) > maxCodigosEnUso {
		lista += " y otras"
	}
	return models.Errorf(models.CodigoConflicto,
		"El vehículo %s %s: lo usan solicitudes asignadas o en curso (%s). Reasígnelas primero (POST /solicitud/{id}/reasignar).",
		antes.Placa, motivo, lista)
}

// ListarVehiculos devuelve una página de vehículos ordenados por placa.
func (s *Store) ListarVehiculos(ctx context.Context, f models.FiltroVehiculos) (*models.Resultado[models.Vehiculo], error) {
	db, fin := s.leer(ctx)
	defer fin()
	q := db.Model(&models.Vehiculo{})
	if f.Activo != nil {
		q = q.Where("activo = ?", *f.Activo)
	}
	if f.Texto != "" {
		p := patronLike(f.Texto)
		q = q.Where(`(LOWER(placa) LIKE ? ESCAPE '\' OR LOWER(marca) LIKE ? ESCAPE '\' OR LOWER(modelo) LIKE ? ESCAPE '\')`, p, p, p)
	}
	return paginar[models.Vehiculo](q, f.Pagina, "placa, id", nil)
}

// VehiculosDisponibles devuelve los vehículos activos sin ninguna solicitud
// asignada o en curso ni mantenimiento cuya ventana se solape con
// [i.Desde, i.Hasta).
func (s *Store) VehiculosDisponibles(ctx context.Context, i models.Intervalo) ([]models.Vehiculo, error) {
	if i.Desde == nil || i.Hasta == nil {
		return nil, models.ErrCampo("desde", "es obligatorio")
	}
	db, fin := s.leer(ctx)
	defer fin()
	ocupados := db.Model(&models.Solicitud{}).Select("1").
		Where("solicitudes.vehiculo_id = vehiculos.id AND solicitudes.estado IN ? AND solicitudes.fecha_salida < ? AND solicitudes.fin_ventana > ?",
			models.EstadosOcupados, i.Hasta.UTC(), i.Desde.UTC())
	enTaller := db.Model(&models.Mantenimiento{}).Select("1").
		Where("mantenimientos.vehiculo_id = vehiculos.id AND mantenimientos.desde < ? AND mantenimientos.hasta > ?",
			i.Hasta.UTC(), i.Desde.UTC())
	var vs []models.Vehiculo
	err := db.Where("activo = ? AND NOT EXISTS (?) AND NOT EXISTS (?)", true, ocupados, enTaller).Order("placa, id").Find(&vs).Error
	if vs == nil {
		vs = []models.Vehiculo{}
	}
	return vs, traducir(err)
}
