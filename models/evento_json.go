package models

import (
	"encoding/json"
	"time"
)

// EventoJSON es la forma pública de un evento (API.md §11): la misma en
// GET /eventos y en el cuerpo de un webhook. Vive aquí, y no en handlers,
// porque la entrega de webhooks (models/webhooks) también la necesita: una
// sola definición para los dos canales.
type EventoJSON struct {
	ID        uint64              `json:"id"`
	Tipo      TipoEvento          `json:"tipo"`
	Fecha     string              `json:"fecha"`
	Solicitud EventoSolicitudJSON `json:"solicitud"`
	Actor     *EventoActorJSON    `json:"actor"`
}

// EventoSolicitudJSON es la solicitud tal como quedó tras el cambio.
type EventoSolicitudJSON struct {
	ID      uint   `json:"id"`
	Codigo  string `json:"codigo"`
	Estado  Estado `json:"estado"`
	Version int    `json:"version"`
}

// EventoActorJSON es quien hizo el cambio.
type EventoActorJSON struct {
	ID       uint   `json:"id"`
	Username string `json:"username"`
}

// AEventoJSON describe e con la fecha en loc (TIMEZONE), RFC 3339.
func AEventoJSON(e *Evento, loc *time.Location) EventoJSON {
	if loc == nil {
		loc = time.UTC
	}
	out := EventoJSON{ID: e.ID, Tipo: e.Tipo, Fecha: e.Fecha.In(loc).Format(time.RFC3339),
		Solicitud: EventoSolicitudJSON{ID: e.SolicitudID, Codigo: e.Codigo, Estado: e.Estado, Version: e.Version}}
	if e.ActorID != nil {
		a := EventoActorJSON{ID: *e.ActorID}
		if e.ActorUsername != nil {
			a.Username = *e.ActorUsername
		}
		out.Actor = &a
	}
	return out
}

// CuerpoEvento es el JSON de AEventoJSON en bytes.
func CuerpoEvento(e *Evento, loc *time.Location) ([]byte, error) {
	return json.Marshal(AEventoJSON(e, loc))
}
