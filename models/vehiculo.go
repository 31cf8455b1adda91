package models

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Vehiculo es un vehículo de la flota (API.md §8). Placa es única y se
// guarda en mayúsculas, así la unicidad no depende de cómo se escribió.
type Vehiculo struct {
	ID        uint   `gorm:"primaryKey"`
	Placa     string `gorm:"size:20;not null;uniqueIndex"`
	Marca     string `gorm:"size:100;not null"`
	Modelo    string `gorm:"size:100;not null"`
	Capacidad int    `gorm:"not null"`
	Activo    bool   `gorm:"not null;index"`
	// Kilometraje es la última lectura conocida del odómetro: la fija el
	// admin o la sube el kmFinal de un viaje (API.md §7.2).
	Kilometraje   int       `gorm:"not null;default:0"`
	CreadoEn      time.Time `gorm:"not null"`
	ActualizadoEn time.Time `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (Vehiculo) TableName() string { return "vehiculos" }

var patronPlaca = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]*[A-Z0-9]$`)

// Límites de un vehículo.
const (
	capacidadMaxima = 100
	largoMarcaMax   = 100
)

// DatosVehiculo es la entrada de creación (todos los campos) y de PATCH (los
// nil no cambian). Activo nil al crear significa activo. Nulos son los
// campos que un PATCH mandó como null: todos son obligatorios, así que cada
// uno es VALIDACION.
type DatosVehiculo struct {
	Placa     *string
	Marca     *string
	Modelo    *string
	Capacidad *int
	Activo    *bool
	// Kilometraje corrige la lectura del odómetro (un cambio de odómetro
	// puede bajarla); ausente al crear es 0.
	Kilometraje *int
	Nulos       []string
}

// Rellenar valida d sobre v (el vehículo actual o uno vacío al crear) y deja
// en v el resultado. Error: VALIDACION.
func (d DatosVehiculo) Rellenar(v *Vehiculo, crear bool) error {
	var val Validacion
	for _, campo := range d.Nulos {
		val.Agregar(campo, "es obligatorio y no puede ser null")
	}
	obligatorio := func(campo string, p *string) {
		if p == nil && crear {
			val.Agregar(campo, "es obligatorio")
		}
	}
	obligatorio("placa", d.Placa)
	obligatorio("marca", d.Marca)
	obligatorio("modelo", d.Modelo)
	if d.Placa != nil {
		p := strings.ToUpper(strings.TrimSpace(*d.Placa))
		if n := utf8.RuneCountInString(p); n < 2 || n > 20 || !patronPlaca.MatchString(p) {
			val.Agregar("placa", "debe tener entre 2 y 20 letras sin acento, números, espacios o guiones")
		}
		v.Placa = p
	}
	for _, c := range []struct {
		campo string
		p     *string
		dst   *string
	}{{"marca", d.Marca, &v.Marca}, {"modelo", d.Modelo, &v.Modelo}} {
		if c.p == nil {
			continue
		}
		s := strings.TrimSpace(*c.p)
		if s == "" || utf8.RuneCountInString(s) > largoMarcaMax || !utf8.ValidString(s) {
			val.Agregar(c.campo, "debe tener entre 1 y 100 caracteres")
		}
		*c.dst = s
	}
	switch {
	case d.Capacidad == nil && crear:
		val.Agregar("capacidad", "es obligatoria")
	case d.Capacidad != nil && (*d.Capacidad < 1 || *d.Capacidad > capacidadMaxima):
		val.Agregar("capacidad", "debe estar entre 1 y 100")
	case d.Capacidad != nil:
		v.Capacidad = *d.Capacidad
	}
	switch {
	case d.Kilometraje != nil && (*d.Kilometraje < 0 || *d.Kilometraje > KmMaximo):
		val.Agregar("kilometraje", fmt.Sprintf("debe ser un número entero entre 0 y %d", KmMaximo))
	case d.Kilometraje != nil:
		v.Kilometraje = *d.Kilometraje
	}
	if d.Activo != nil {
		v.Activo = *d.Activo
	} else if crear {
		v.Activo = true
	}
	return val.Err()
}
