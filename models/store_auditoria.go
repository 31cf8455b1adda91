package models

import (
	"fmt"
	"net/url"
	"time"
)

// Referencia es un usuario nombrado en una respuesta: solo id y username.
type Referencia struct {
	ID       uint
	Username string
}

// EntradaAuditoria es un registro con sus usuarios resueltos (nil si no hay).
type EntradaAuditoria struct {
	RegistroAuditoria
	Usuario *Referencia
	Actor   *Referencia
}

// FiltroAuditoria es la consulta de GET /auditoria.
type FiltroAuditoria struct {
	UsuarioID *uint
	Eventos   []Evento
	Intervalo
	Pagina
}

// ParseEvento convierte texto en uno de Eventos.
func ParseEvento(s string) (Evento, error) {
	for _, e := range Eventos {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("evento desconocido %q", s)
}

// ParseFiltroAuditoria lee usuarioId, evento (lista separada por comas),
// desde y hasta (formatos de §7, sobre la fecha del evento) y la página.
// Error: VALIDACION.
func ParseFiltroAuditoria(q url.Values, loc *time.Location) (FiltroAuditoria, error) {
	c := nuevaConsulta(q, loc)
	f := FiltroAuditoria{Pagina: c.pagina(), UsuarioID: c.id("usuarioId")}
	f.Eventos = lista(c, "evento", "debe ser uno de los eventos de auditoría (p. ej. LOGIN_EXITOSO)", ParseEvento)
	f.Intervalo = c.intervalo(false, true)
	return f, c.v.Err()
}
