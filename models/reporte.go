package models

import "time"

// Reportes de la oficina de transporte (API.md §7.4): el resumen de un
// periodo y la fila de la exportación. Las reglas puras (meses en la zona,
// mediana, quién puede pedirlos) viven aquí; el SQL que los agrega, en el
// store.

// ResumenMaximoDias es el periodo más largo que admite GET
// /reportes/resumen (el de GET /agenda): un año, bisiesto incluido.
const ResumenMaximoDias = 366

// EstadosViaje son los estados en los que una solicitud con vehículo cuenta
// como viaje de ese vehículo en el resumen: asignada, en curso o ya hecha
// (una cancelada o rechazada no ocupó el vehículo).
var EstadosViaje = []Estado{EstadoAsignada, EstadoEnCurso, EstadoFinalizada}

// Resumen es el resumen de las solicitudes cuya fechaSalida cae en un
// periodo.
type Resumen struct {
	Total     int64
	PorEstado map[Estado]int64 // todos los estados, también los que cuentan 0
	PorMes    []TotalMes       // cada mes del periodo en TIMEZONE, en orden
	Vehiculos []UsoVehiculo    // los activos y los que tuvieron viajes, por placa
	// AprobacionMedianaHoras es la mediana, en horas, del tiempo entre la
	// creación y la aprobación de las solicitudes aprobadas (según el
	// historial); nil si no hay ninguna.
	AprobacionMedianaHoras *float64
}

// TotalMes es el número de solicitudes con salida en un mes (AAAA-MM en
// TIMEZONE).
type TotalMes struct {
	Mes   string
	Total int64
}

// UsoVehiculo es lo que un vehículo hizo en el periodo: viajes (solicitudes
// en EstadosViaje), horas reservadas (la suma de sus ventanas
// [fechaSalida, fin)) y kilómetros recorridos (nil mientras no se conozcan).
type UsoVehiculo struct {
	Vehiculo        Vehiculo
	Viajes          int64
	HorasReservadas float64
	KmRecorridos    *int64
}

// PuedeVerReportes dice si el actor puede pedir el resumen: admin y
// aprobador.
func PuedeVerReportes(actor *Actor) bool {
	return actor != nil && actor.Rol.Es(RolAdmin, RolAprobador)
}

// ErrSinPermisoReportes es el 403 del resumen para los demás roles.
func ErrSinPermisoReportes() error {
	return Errorf(CodigoPermisosInsuficientes, "Solo un administrador o un aprobador puede consultar los reportes.")
}

// Meses parte [desde, hasta) en los meses de loc que toca: inicios[i] es
// el comienzo del i-ésimo tramo (el primero es desde) y etiquetas[i] su mes
// AAAA-MM; el tramo i termina en inicios[i+1] o en hasta. Los límites son
// instantes UTC, así el store cuenta por mes con comparaciones de
// fecha_salida, sin aritmética de zonas en SQL (exacto también con horario
// de verano).
func Meses(desde, hasta time.Time, loc *time.Location) (inicios []time.Time, etiquetas []string) {
	t := desde
	for t.Before(hasta) {
		l := t.In(loc)
		inicios = append(inicios, t.UTC())
		etiquetas = append(etiquetas, l.Format("2006-01"))
		t = time.Date(l.Year(), l.Month()+1, 1, 0, 0, 0, 0, loc)
	}
	return inicios, etiquetas
}

// FilaExportacion es una solicitud tal como sale en la exportación (GET
// /solicitud/exportar): solo lo que muestran sus columnas, con los nombres
// ya resueltos. Vehiculo es la placa y Motorista el username ("" si no
// tiene); KmRecorridos nil si no se conoce.
type FilaExportacion struct {
	Codigo       string
	Estado       Estado
	Solicitante  string
	Origen       string
	Destino      string
	FechaSalida  time.Time
	FechaRegreso *time.Time
	Pasajeros    int
	Motivo       string
	Vehiculo     string
	Motorista    string
	KmRecorridos *int64
}
