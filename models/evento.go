package models

import "time"

// TipoEvento es el tipo de un evento de solicitud (API.md §11).
type TipoEvento string

// Tipos de evento. Cada creación, edición y movimiento de una solicitud
// produce exactamente uno, en la misma transacción que el cambio.
const (
	EventoCreada      TipoEvento = "solicitud.creada"
	EventoActualizada TipoEvento = "solicitud.actualizada"
	EventoAprobada    TipoEvento = "solicitud.aprobada"
	EventoRechazada   TipoEvento = "solicitud.rechazada"
	EventoAsignada    TipoEvento = "solicitud.asignada"
	EventoReasignada  TipoEvento = "solicitud.reasignada"
	EventoIniciada    TipoEvento = "solicitud.iniciada"
	EventoFinalizada  TipoEvento = "solicitud.finalizada"
	EventoCancelada   TipoEvento = "solicitud.cancelada"
)

// TiposEvento son todos los tipos, en el orden del contrato (los webhooks
// se suscriben a un subconjunto de ellos).
var TiposEvento = []TipoEvento{
	EventoCreada, EventoActualizada, EventoAprobada, EventoRechazada, EventoAsignada,
	EventoReasignada, EventoIniciada, EventoFinalizada, EventoCancelada,
}

// EsTipoEvento dice si t es uno de TiposEvento.
func EsTipoEvento(t string) bool {
	for _, v := range TiposEvento {
		if string(v) == t {
			return true
		}
	}
	return false
}

// eventoDeAccion es el tipo que anuncia cada acción.
var eventoDeAccion = map[Accion]TipoEvento{
	AccionAprobar: EventoAprobada, AccionRechazar: EventoRechazada, AccionAsignar: EventoAsignada,
	AccionReasignar: EventoReasignada, AccionIniciar: EventoIniciada, AccionFinalizar: EventoFinalizada,
	AccionCancelar: EventoCancelada, AccionEditar: EventoActualizada,
}

// Evento devuelve el tipo de evento que anuncia la acción a.
func (a Accion) Evento() TipoEvento { return eventoDeAccion[a] }

// Evento es una fila de la bandeja de salida (outbox): un hecho ya
// confirmado sobre una solicitud. Su ID crece con el orden de confirmación
// (el store lo garantiza también con varias instancias), así un suscriptor
// que recuerda el último ID visto sabe exactamente qué le falta.
//
// La solicitud se describe como quedó tras el cambio (codigo, estado,
// version) y el actor se guarda con su username: un evento es un hecho
// inmutable, no una vista de la solicitud actual.
type Evento struct {
	ID            uint64     `gorm:"primaryKey"`
	Tipo          TipoEvento `gorm:"size:40;not null"`
	Fecha         time.Time  `gorm:"not null"`
	SolicitudID   uint       `gorm:"not null"`
	Codigo        string     `gorm:"size:20;not null"`
	Estado        Estado     `gorm:"size:20;not null"`
	Version       int        `gorm:"not null"`
	ActorID       *uint
	ActorUsername *string `gorm:"size:150"`

	// Visible es quién puede ver la solicitud ahora (no cuando ocurrió el
	// evento): el store lo lee de la solicitud al entregar, porque §11.1
	// decide la visibilidad en el momento de la entrega.
	Visible VisibilidadSolicitud `gorm:"-"`
}

// TableName fija el nombre de la tabla.
func (Evento) TableName() string { return "eventos" }

// VisibilidadSolicitud es lo que §5 necesita de una solicitud para decidir
// quién la ve: su dueño y su motorista actual.
type VisibilidadSolicitud struct {
	SolicitanteID uint
	MotoristaID   *uint
}

// PuedeVerEvento aplica §5 a un evento: actor lo recibe si puede ver la
// solicitud tal como está ahora (e.Visible).
func PuedeVerEvento(actor *Actor, e *Evento) bool {
	return PuedeVer(actor, &Solicitud{SolicitanteID: e.Visible.SolicitanteID, MotoristaID: e.Visible.MotoristaID})
}

// NuevoEvento describe el evento de un cambio de sol (ya con su estado y
// version nuevos) hecho por actor en fecha.
func NuevoEvento(tipo TipoEvento, sol *Solicitud, actor *Actor, fecha time.Time) *Evento {
	e := &Evento{Tipo: tipo, Fecha: AlSegundo(fecha), SolicitudID: sol.ID, Codigo: sol.Codigo,
		Estado: sol.Estado, Version: sol.Version}
	if actor != nil {
		id, nombre := actor.ID, actor.Username
		e.ActorID, e.ActorUsername = &id, &nombre
	}
	return e
}

// MarcasEventos son los límites de la bandeja de salida.
type MarcasEventos struct {
	// Ultimo es el id del último evento confirmado (0 si no hay ninguno).
	Ultimo uint64
	// PurgadoHasta es el mayor id borrado por retención: un Last-Event-ID
	// menor ya no se puede repetir.
	PurgadoHasta uint64
}

// EstadoUsuario es lo que decide, en cada entrega, si un suscriptor de
// GET /eventos sigue recibiendo y qué ve: su rol y si está activo ahora.
type EstadoUsuario struct {
	Rol    Rol
	Activo bool
}

// EstadoSuscriptores es la foto de los suscriptores que la central pide al
// store antes de repartir: el estado de cada usuario (los que faltan ya no
// existen) y las claves de la lista negra (ClaveJTI, ClaveSesion) presentes.
type EstadoSuscriptores struct {
	Usuarios  map[uint]EstadoUsuario
	Revocadas map[string]bool
}
