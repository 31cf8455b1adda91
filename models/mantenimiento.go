package models

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Mantenimiento es una ventana semiabierta [Desde, Hasta) en la que un
// vehículo está fuera de servicio (API.md §8). Bloquea el vehículo como un
// viaje asignado: no se le asigna nada que se solape con ella, y no se crea
// sobre un viaje asignado o en curso de ese vehículo ni sobre otro
// mantenimiento suyo.
type Mantenimiento struct {
	ID          uint      `gorm:"primaryKey"`
	VehiculoID  uint      `gorm:"not null"`
	Desde       time.Time `gorm:"not null"`
	Hasta       time.Time `gorm:"not null"`
	Motivo      string    `gorm:"size:500;not null"`
	CreadoPorID uint      `gorm:"not null"`
	CreadoPor   *Usuario  `gorm:"foreignKey:CreadoPorID"`
	CreadoEn    time.Time `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (Mantenimiento) TableName() string { return "mantenimientos" }

// MotivoMantenimientoMaximo es el largo máximo (en caracteres) del motivo.
const MotivoMantenimientoMaximo = 500

// NuevoMantenimiento es la entrada de POST /vehiculos/{id}/mantenimientos,
// con las fechas ya leídas por el borde HTTP (nil si no vinieron);
// Ilegibles son las que no se pudieron leer, para informarlas junto con el
// resto de la validación.
type NuevoMantenimiento struct {
	Desde     *time.Time
	Hasta     *time.Time
	Motivo    string
	Ilegibles []ErrorCampo
}

// Crear valida n y devuelve el mantenimiento del vehículo, creado por
// actorID en ahora, con los tiempos al segundo. Error: VALIDACION (desde,
// hasta: obligatorias, entre 1970 y 9999, hasta posterior a desde; motivo:
// obligatorio, hasta 500 caracteres).
func (n NuevoMantenimiento) Crear(vehiculoID, actorID uint, ahora time.Time) (*Mantenimiento, error) {
	var v Validacion
	ilegible := map[string]bool{}
	for _, e := range n.Ilegibles {
		v.Agregar(e.Campo, e.Mensaje)
		ilegible[e.Campo] = true
	}
	fecha := func(campo string, t *time.Time) (time.Time, bool) {
		switch {
		case ilegible[campo]:
		case t == nil:
			v.Agregar(campo, "es obligatoria")
		case !FechaEnRango(*t):
			v.Agregar(campo, MensajeFechaFueraDeRango)
		default:
			return AlSegundo(*t), true
		}
		return time.Time{}, false
	}
	desde, okDesde := fecha("desde", n.Desde)
	hasta, okHasta := fecha("hasta", n.Hasta)
	if okDesde && okHasta && !hasta.After(desde) {
		v.Agregar("hasta", "debe ser posterior a desde")
	}
	motivo := strings.TrimSpace(n.Motivo)
	switch {
	case motivo == "":
		v.Agregar("motivo", "es obligatorio")
	case !utf8.ValidString(motivo) || utf8.RuneCountInString(motivo) > MotivoMantenimientoMaximo:
		v.Agregar("motivo", fmt.Sprintf("no puede superar %d caracteres", MotivoMantenimientoMaximo))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &Mantenimiento{VehiculoID: vehiculoID, Desde: desde, Hasta: hasta, Motivo: motivo,
		CreadoPorID: actorID, CreadoEn: AlSegundo(ahora)}, nil
}

// Ventana describe [Desde, Hasta) en loc para un detalle de error.
func (m *Mantenimiento) Ventana(loc *time.Location) string {
	const f = "02/01/2006 15:04"
	return fmt.Sprintf("del %s al %s", m.Desde.In(loc).Format(f), m.Hasta.In(loc).Format(f))
}
