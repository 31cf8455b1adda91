package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

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

// EditarVehiculo aplica un PATCH. Errores: NO_ENCONTRADO, VALIDACION,
// CONFLICTO (placa de otro vehículo).
func (s *Store) EditarVehiculo(ctx context.Context, id uint, d models.DatosVehiculo) (*models.Vehiculo, error) {
	var v models.Vehiculo
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		if err := tx.Take(&v, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return models.Errorf(models.CodigoNoEncontrado, "El vehículo no existe.")
			}
			return err
		}
		if err := d.Rellenar(&v, false); err != nil {
			return err
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
// asignada o en curso cuya ventana se solape con [i.Desde, i.Hasta).
func (s *Store) VehiculosDisponibles(ctx context.Context, i models.Intervalo) ([]models.Vehiculo, error) {
	if i.Desde == nil || i.Hasta == nil {
		return nil, models.ErrCampo("desde", "es obligatorio")
	}
	db, fin := s.leer(ctx)
	defer fin()
	ocupados := db.Model(&models.Solicitud{}).Select("1").
		Where("solicitudes.vehiculo_id = vehiculos.id AND solicitudes.estado IN ? AND solicitudes.fecha_salida < ? AND solicitudes.fin_ventana > ?",
			models.EstadosOcupados, i.Hasta.UTC(), i.Desde.UTC())
	var vs []models.Vehiculo
	err := db.Where("activo = ? AND NOT EXISTS (?)", true, ocupados).Order("placa, id").Find(&vs).Error
	if vs == nil {
		vs = []models.Vehiculo{}
	}
	return vs, traducir(err)
}
