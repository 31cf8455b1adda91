package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Solicitud es un pedido de transporte (API.md §7). FinVentana es el fin de
// la ventana semiabierta [FechaSalida, FinVentana): FechaRegreso, o el fin del
// día de salida en TIMEZONE; se guarda como columna para que la comprobación
// de conflictos use un índice. Version crece en cada cambio (bloqueo
// optimista y compare-and-swap de las transiciones).
type Solicitud struct {
	ID     uint   `gorm:"primaryKey"`
	Codigo string `gorm:"size:20;not null;uniqueIndex"`
	// Índices: idx_sol_estado_creado (estado, creado_en) sirve el listado por
	// estado en el orden por defecto y su total; idx_sol_creado e
	// idx_sol_salida/idx_sol_estado_salida los otros órdenes y desde/hasta;
	// idx_sol_solicitante (solicitante_id, estado, creado_en) la visibilidad;
	// idx_sol_vehiculo_ventana y idx_sol_motorista_ventana (columna, estado,
	// fecha_salida) la comprobación de conflictos.
	Estado        Estado     `gorm:"size:20;not null;index:idx_sol_estado_creado,priority:1;index:idx_sol_estado_salida,priority:1;index:idx_sol_vehiculo_ventana,priority:2;index:idx_sol_motorista_ventana,priority:2;index:idx_sol_solicitante,priority:2"`
	Origen        string     `gorm:"size:200;not null"`
	Destino       string     `gorm:"size:200;not null"`
	FechaSalida   time.Time  `gorm:"not null;index:idx_sol_salida;index:idx_sol_estado_salida,priority:2;index:idx_sol_vehiculo_ventana,priority:3;index:idx_sol_motorista_ventana,priority:3"`
	FechaRegreso  *time.Time ``
	FinVentana    time.Time  `gorm:"not null"`
	Motivo        string     `gorm:"size:1000;not null"`
	Pasajeros     int        `gorm:"not null"`
	Observaciones string     `gorm:"size:1000;not null"`
	// Busqueda es origen, destino y motivo en minúsculas (Go, no SQL: LOWER
	// de SQLite solo entiende ASCII), para que q encuentre "Ávila" con "ávila".
	Busqueda string `gorm:"size:1500;not null"`

	SolicitanteID uint      `gorm:"not null;index:idx_sol_solicitante,priority:1"`
	Solicitante   Usuario   `gorm:"foreignKey:SolicitanteID"`
	VehiculoID    *uint     `gorm:"index:idx_sol_vehiculo_ventana,priority:1"`
	Vehiculo      *Vehiculo `gorm:"foreignKey:VehiculoID"`
	MotoristaID   *uint     `gorm:"index:idx_sol_motorista_ventana,priority:1"`
	Motorista     *Usuario  `gorm:"foreignKey:MotoristaID"`

	// Viaje es la bitácora (API.md §7.2), en columnas viaje_*.
	Viaje Viaje `gorm:"embedded;embeddedPrefix:viaje_"`

	MotivoRechazo     *string   `gorm:"size:1000"`
	MotivoCancelacion *string   `gorm:"size:1000"`
	Version           int       `gorm:"not null"`
	CreadoEn          time.Time `gorm:"not null;index:idx_sol_creado;index:idx_sol_estado_creado,priority:2;index:idx_sol_solicitante,priority:3"`
	ActualizadoEn     time.Time `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (Solicitud) TableName() string { return "solicitudes" }

// Relacion devuelve qué es el actor para s.
func (s *Solicitud) Relacion(actor *Actor) Relacion {
	return Relacion{
		Dueno:     s.SolicitanteID == actor.ID,
		Motorista: s.MotoristaID != nil && *s.MotoristaID == actor.ID,
	}
}

// PuedeVer aplica la visibilidad de §5: admin y aprobador ven todas; los
// demás, las que crearon y aquellas de las que son el motorista asignado.
// Una solicitud invisible se contesta como inexistente (NO_ENCONTRADO).
func PuedeVer(actor *Actor, s *Solicitud) bool {
	if actor.Rol.Es(RolAdmin, RolAprobador) {
		return true
	}
	r := s.Relacion(actor)
	return r.Dueno || r.Motorista
}

// Límites de los campos de una solicitud (API.md §7).
const (
	largoLugarMin   = 3
	largoLugarMax   = 200
	largoTextoMax   = 1000
	pasajerosMinimo = 1
	pasajerosMaximo = 60
)

// NuevaSolicitud son los datos de creación ya convertidos por la capa HTTP.
// FechaSalida y Pasajeros nil: no vinieron. Ilegibles son los campos que
// llegaron pero no se pudieron convertir (una fecha que no es RFC 3339), con
// su mensaje: validar los informa en el lugar del campo, junto con los demás
// errores, así la respuesta no depende de en qué capa se detectó cada uno.
type NuevaSolicitud struct {
	Origen        string
	Destino       string
	FechaSalida   *time.Time
	FechaRegreso  *time.Time
	Motivo        string
	Pasajeros     *int
	Observaciones *string
	Ilegibles     []ErrorCampo
}

// ilegible devuelve el mensaje con el que la capa HTTP rechazó campo, si lo
// rechazó.
func (n NuevaSolicitud) ilegible(campo string) (string, bool) {
	for _, e := range n.Ilegibles {
		if e.Campo == campo {
			return e.Mensaje, true
		}
	}
	return "", false
}

// datosSolicitud son los campos editables ya validados y normalizados.
type datosSolicitud struct {
	origen, destino, motivo, observaciones string
	salida                                 time.Time
	regreso                                *time.Time
	pasajeros                              int
}

// validar comprueba cada campo (nombres como en el JSON) y devuelve los
// datos limpios, con las fechas truncadas al segundo. ahora es la
// referencia de "futuro" y de la anticipación máxima de fechaSalida; con
// conAhora false esas dos reglas no se aplican (un PATCH que no cambia
// fechaSalida no la vuelve a juzgar contra el reloj). Error: VALIDACION con
// un error por campo.
func (n NuevaSolicitud) validar(ahora time.Time, conAhora bool) (datosSolicitud, error) {
	var v Validacion
	d := datosSolicitud{
		origen: strings.TrimSpace(n.Origen), destino: strings.TrimSpace(n.Destino),
		motivo: strings.TrimSpace(n.Motivo),
	}
	validarLugar(&v, "origen", d.origen)
	validarLugar(&v, "destino", d.destino)
	validarTexto(&v, "motivo", d.motivo, true)
	if n.Observaciones != nil {
		d.observaciones = strings.TrimSpace(*n.Observaciones)
		validarTexto(&v, "observaciones", d.observaciones, false)
	}
	switch {
	case n.Pasajeros == nil:
		v.Agregar("pasajeros", "es obligatorio")
	case *n.Pasajeros < pasajerosMinimo || *n.Pasajeros > pasajerosMaximo:
		v.Agregar("pasajeros", "debe estar entre 1 y 60")
	default:
		d.pasajeros = *n.Pasajeros
	}
	switch m, malo := n.ilegible("fechaSalida"); {
	case malo:
		v.Agregar("fechaSalida", m)
	case n.FechaSalida == nil:
		v.Agregar("fechaSalida", "es obligatoria")
	case !FechaEnRango(*n.FechaSalida):
		v.Agregar("fechaSalida", MensajeFechaFueraDeRango)
	case conAhora && !AlSegundo(*n.FechaSalida).After(ahora):
		v.Agregar("fechaSalida", "debe ser una fecha futura")
	case conAhora && AlSegundo(*n.FechaSalida).Sub(ahora) > AnticipacionMaxima:
		v.Agregar("fechaSalida", "no puede ser más de 400 días después de hoy")
	default:
		d.salida = AlSegundo(*n.FechaSalida)
	}
	switch m, malo := n.ilegible("fechaRegreso"); {
	case malo:
		v.Agregar("fechaRegreso", m)
	case n.FechaRegreso == nil:
	case !FechaEnRango(*n.FechaRegreso):
		v.Agregar("fechaRegreso", MensajeFechaFueraDeRango)
	case d.salida.IsZero():
		// sin una salida válida no hay con qué compararlo
	case !AlSegundo(*n.FechaRegreso).After(d.salida):
		v.Agregar("fechaRegreso", "debe ser posterior a fechaSalida")
	case AlSegundo(*n.FechaRegreso).Sub(d.salida) > DuracionMaximaViaje:
		v.Agregar("fechaRegreso", "el viaje no puede durar más de 31 días desde fechaSalida")
	default:
		r := AlSegundo(*n.FechaRegreso)
		d.regreso = &r
	}
	for _, e := range n.Ilegibles {
		if e.Campo != "fechaSalida" && e.Campo != "fechaRegreso" {
			v.Agregar(e.Campo, e.Mensaje)
		}
	}
	return d, v.Err()
}

func validarLugar(v *Validacion, campo, s string) {
	n := utf8.RuneCountInString(s)
	switch {
	case s == "":
		v.Agregar(campo, "es obligatorio")
	case !utf8.ValidString(s):
		v.Agregar(campo, "contiene caracteres no válidos")
	case n < largoLugarMin || n > largoLugarMax:
		v.Agregar(campo, "debe tener entre 3 y 200 caracteres")
	}
}

func validarTexto(v *Validacion, campo, s string, obligatorio bool) {
	switch {
	case s == "" && obligatorio:
		v.Agregar(campo, "es obligatorio")
	case !utf8.ValidString(s):
		v.Agregar(campo, "contiene caracteres no válidos")
	case utf8.RuneCountInString(s) > largoTextoMax:
		v.Agregar(campo, "no puede superar 1000 caracteres")
	}
}

// EdicionSolicitud es un PATCH ya convertido por la capa HTTP: los campos
// nil no cambian. Nulos son los campos que llegaron como null (nombres del
// JSON): null borra un campo opcional (fechaRegreso, observaciones) y es
// VALIDACION en uno obligatorio. VaciarFechaSalida y VaciarFechaRegreso
// dicen que el cliente mandó la fecha como "": fechaRegreso se borra;
// fechaSalida es obligatoria y da VALIDACION. Ilegibles, como en
// NuevaSolicitud. Version es la que el cliente leyó; si ya no es la actual,
// CONFLICTO.
type EdicionSolicitud struct {
	Origen             *string
	Destino            *string
	FechaSalida        *time.Time
	VaciarFechaSalida  bool
	FechaRegreso       *time.Time
	VaciarFechaRegreso bool
	Motivo             *string
	Pasajeros          *int
	Observaciones      *string
	Version            *int
	Nulos              []string
	Ilegibles          []ErrorCampo
}

// opcionalesSolicitud son los campos que un PATCH puede borrar con null.
var opcionalesSolicitud = map[string]bool{"fechaRegreso": true, "observaciones": true}

// fusionar combina la edición con s y devuelve la solicitud resultante como
// NuevaSolicitud, para validarla con las mismas reglas que la creación: lo
// que la edición no trae conserva el valor guardado.
func (e EdicionSolicitud) fusionar(s *Solicitud) NuevaSolicitud {
	salida, pasajeros, observaciones := s.FechaSalida, s.Pasajeros, s.Observaciones
	n := NuevaSolicitud{
		Origen: s.Origen, Destino: s.Destino, FechaSalida: &salida, FechaRegreso: s.FechaRegreso,
		Motivo: s.Motivo, Pasajeros: &pasajeros, Observaciones: &observaciones,
		Ilegibles: append([]ErrorCampo(nil), e.Ilegibles...),
	}
	for _, campo := range e.Nulos {
		switch {
		case campo == "fechaRegreso":
			e.VaciarFechaRegreso = true
		case campo == "observaciones":
			e.Observaciones = ptr("")
		case !opcionalesSolicitud[campo]:
			n.Ilegibles = append(n.Ilegibles, ErrorCampo{Campo: campo, Mensaje: "es obligatorio y no puede ser null"})
		}
	}
	if e.Origen != nil {
		n.Origen = *e.Origen
	}
	if e.Destino != nil {
		n.Destino = *e.Destino
	}
	switch {
	case e.VaciarFechaSalida:
		n.FechaSalida = nil
	case e.FechaSalida != nil:
		n.FechaSalida = e.FechaSalida
	}
	switch {
	case e.VaciarFechaRegreso:
		n.FechaRegreso = nil
	case e.FechaRegreso != nil:
		n.FechaRegreso = e.FechaRegreso
	}
	if e.Motivo != nil {
		n.Motivo = *e.Motivo
	}
	if e.Pasajeros != nil {
		n.Pasajeros = e.Pasajeros
	}
	if e.Observaciones != nil {
		n.Observaciones = e.Observaciones
	}
	return n
}

// cambiaSalida dice si la edición trae una fechaSalida distinta de la
// guardada (al segundo): solo entonces se juzga contra el reloj.
func (e EdicionSolicitud) cambiaSalida(s *Solicitud) bool {
	return e.FechaSalida != nil && !AlSegundo(*e.FechaSalida).Equal(s.FechaSalida)
}

// igual dice si d deja s como está.
func (d datosSolicitud) igual(s *Solicitud) bool {
	mismoRegreso := (d.regreso == nil) == (s.FechaRegreso == nil) &&
		(d.regreso == nil || d.regreso.Equal(*s.FechaRegreso))
	return d.origen == s.Origen && d.destino == s.Destino && d.motivo == s.Motivo &&
		d.observaciones == s.Observaciones && d.pasajeros == s.Pasajeros &&
		d.salida.Equal(s.FechaSalida) && mismoRegreso
}

// DatosAccion es el cuerpo de una acción: Motivo para rechazar, cancelar y
// reasignar; VehiculoID y MotoristaID para asignar (ambos) y reasignar (al
// menos uno; el que falta se conserva); KmInicial para iniciar; KmFinal,
// CombustibleLitros y Observaciones para finalizar (todos opcionales, ver
// Viaje). Lo que no aplica a la acción se ignora.
type DatosAccion struct {
	Motivo            string
	VehiculoID        *uint
	MotoristaID       *uint
	KmInicial         *int
	KmFinal           *int
	CombustibleLitros *float64
	Observaciones     *string
}

// Validar comprueba los campos que accion necesita. Error: VALIDACION.
func (d DatosAccion) Validar(accion Accion) error {
	var v Validacion
	switch accion {
	case AccionRechazar, AccionCancelar:
		validarTexto(&v, "motivo", strings.TrimSpace(d.Motivo), true)
	case AccionAsignar:
		if d.VehiculoID == nil {
			v.Agregar("vehiculoId", "es obligatorio")
		}
		if d.MotoristaID == nil {
			v.Agregar("motoristaId", "es obligatorio")
		}
	case AccionReasignar:
		validarTexto(&v, "motivo", strings.TrimSpace(d.Motivo), true)
		if d.VehiculoID == nil && d.MotoristaID == nil {
			v.Agregar("vehiculoId", "indique el vehículo nuevo, el motorista nuevo o ambos")
		}
	}
	d.validarViaje(&v, accion)
	return v.Err()
}

// Reasignacion es lo que cambia un reasignar sobre sol: el vehículo y el
// motorista resultantes y cuáles de ellos son nuevos (solo esos se
// comprueban). Error: VALIDACION si no cambia ninguno.
type Reasignacion struct {
	VehiculoID, MotoristaID         uint
	CambiaVehiculo, CambiaMotorista bool
}

// Reasignar calcula la reasignación que d pide sobre sol (ya asignada).
// Error: VALIDACION si d deja el mismo vehículo y el mismo motorista.
func (d DatosAccion) Reasignar(sol *Solicitud) (Reasignacion, error) {
	var r Reasignacion
	if sol.VehiculoID != nil {
		r.VehiculoID = *sol.VehiculoID
	}
	if sol.MotoristaID != nil {
		r.MotoristaID = *sol.MotoristaID
	}
	if d.VehiculoID != nil && *d.VehiculoID != r.VehiculoID {
		r.VehiculoID, r.CambiaVehiculo = *d.VehiculoID, true
	}
	if d.MotoristaID != nil && *d.MotoristaID != r.MotoristaID {
		r.MotoristaID, r.CambiaMotorista = *d.MotoristaID, true
	}
	if !r.CambiaVehiculo && !r.CambiaMotorista {
		var v Validacion
		if d.VehiculoID != nil {
			v.Agregar("vehiculoId", "es el vehículo ya asignado: indique otro o cambie el motorista")
		}
		if d.MotoristaID != nil {
			v.Agregar("motoristaId", "es el motorista ya asignado: indique otro o cambie el vehículo")
		}
		return r, v.Err()
	}
	return r, nil
}

// OrdenSolicitudDefecto es el orden de la lista de solicitudes si no se pide
// otro: las más recientes primero.
const OrdenSolicitudDefecto = "-creadoEn"

// EsOrdenSolicitud dice si s es uno de los órdenes de la lista de
// solicitudes (API.md §7): fechaSalida, -fechaSalida, creadoEn o -creadoEn.
func EsOrdenSolicitud(s string) bool {
	switch s {
	case "fechaSalida", "-fechaSalida", "creadoEn", "-creadoEn":
		return true
	}
	return false
}

// textoBusqueda es el valor de la columna Busqueda.
func textoBusqueda(origen, destino, motivo string) string {
	return strings.ToLower(origen + "\n" + destino + "\n" + motivo)
}

// finVentana es el fin de la ventana de una solicitud: el regreso, o el
// inicio del día siguiente al de la salida en loc (ventana semiabierta).
func finVentana(salida time.Time, regreso *time.Time, loc *time.Location) time.Time {
	if regreso != nil {
		return regreso.UTC()
	}
	l := salida.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc).UTC()
}
