package models

import "time"

// TipoOcupacion dice qué ocupa una franja de la agenda (API.md §7.3).
type TipoOcupacion string

// Tipos de ocupación.
const (
	OcupacionViaje         TipoOcupacion = "viaje"
	OcupacionMantenimiento TipoOcupacion = "mantenimiento"
)

// MaxDiasAgenda es el largo máximo de la consulta de GET /agenda.
const MaxDiasAgenda = 366

// FiltroAgenda es la consulta de GET /agenda ya leída: la franja
// semiabierta [Desde, Hasta) (obligatoria) y, opcionales, un vehículo y un
// motorista.
type FiltroAgenda struct {
	Intervalo
	VehiculoID  *uint
	MotoristaID *uint
}

// Validar anota en v las reglas de la franja que no son de formato: no más
// de MaxDiasAgenda días.
func (f FiltroAgenda) Validar(v *Validacion) {
	if f.Desde != nil && f.Hasta != nil && f.Hasta.Sub(*f.Desde) > MaxDiasAgenda*24*time.Hour {
		v.Agregar("hasta", "la franja no puede superar 366 días")
	}
}

// RefSolicitud nombra una solicitud en la agenda: id, código y estado.
type RefSolicitud struct {
	ID     uint
	Codigo string
	Estado Estado
}

// Ocupacion es una franja ocupada [Desde, Hasta) de la agenda: un viaje
// (solicitud asignada o en curso) o un mantenimiento de un vehículo.
// Vehiculo, Motorista y Solicitud son nil cuando no aplican.
type Ocupacion struct {
	Tipo      TipoOcupacion
	Desde     time.Time
	Hasta     time.Time
	Vehiculo  *Vehiculo
	Motorista *Referencia
	Solicitud *RefSolicitud
	Motivo    string
}
