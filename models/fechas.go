package models

import "time"

// Límites de fechas de API.md §12. Toda fecha de entrada o de filtro cae
// entre FechaMinima y FechaMaxima (en UTC); una salida, como mucho
// AnticipacionMaxima después de ahora; un viaje dura como mucho
// DuracionMaximaViaje. Los tiempos se guardan al segundo: las fracciones se
// truncan antes de guardar, así lo que se muestra es lo que se guarda.
var (
	FechaMinima = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	FechaMaxima = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// Plazos de una solicitud.
const (
	AnticipacionMaxima  = 400 * 24 * time.Hour
	DuracionMaximaViaje = 31 * 24 * time.Hour
)

// MensajeFechaFueraDeRango es el error de campo de una fecha fuera de
// [FechaMinima, FechaMaxima].
const MensajeFechaFueraDeRango = "debe estar entre los años 1970 y 9999 (UTC)"

// FechaEnRango dice si t cae entre FechaMinima y FechaMaxima.
func FechaEnRango(t time.Time) bool {
	return !t.Before(FechaMinima) && !t.After(FechaMaxima)
}

// LimiteFiltro acota el límite exclusivo de un filtro (el instante siguiente
// a un hasta inclusivo, o el inicio del día siguiente) a FechaMaxima más un
// segundo menos un microsegundo: así nunca pasa al año 10000, que SQLite,
// que compara fechas como texto, ordenaría antes que el 2026.
func LimiteFiltro(t time.Time) time.Time {
	if tope := FechaMaxima.Add(time.Second - time.Microsecond); t.After(tope) {
		return tope
	}
	return t
}

// AlSegundo trunca t a segundos, en UTC: la forma en que se guardan los
// tiempos de una solicitud.
func AlSegundo(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// antesDeSalir son las acciones que solo tienen sentido antes de la salida.
var antesDeSalir = map[Accion]bool{AccionAprobar: true, AccionAsignar: true, AccionReasignar: true}

// ComprobarSalida rechaza aprobar, asignar o reasignar sol cuando su
// fechaSalida ya llegó (ahora no es anterior a ella). Error:
// TRANSICION_INVALIDA, con el estado y la acción en el detalle.
func ComprobarSalida(sol *Solicitud, accion Accion, ahora time.Time) error {
	if !antesDeSalir[accion] || ahora.Before(sol.FechaSalida) {
		return nil
	}
	return Errorf(CodigoTransicionInvalida,
		"No se puede %s la solicitud en estado %s: su fecha de salida (fechaSalida) ya pasó.", accion, sol.Estado)
}
