package models

import (
	"fmt"
	"time"
)

// EventoAuditoria es el tipo de un evento de seguridad (API.md §6).
type EventoAuditoria string

// Eventos de auditoría.
const (
	EventoLoginExitoso       EventoAuditoria = "LOGIN_EXITOSO"
	EventoLoginFallido       EventoAuditoria = "LOGIN_FALLIDO"
	EventoCuentaBloqueada    EventoAuditoria = "CUENTA_BLOQUEADA"
	EventoCuentaDesbloqueada EventoAuditoria = "CUENTA_DESBLOQUEADA"
	EventoRefreshReutilizado EventoAuditoria = "REFRESH_REUTILIZADO"
	EventoLogout             EventoAuditoria = "LOGOUT"
	EventoSesionesRevocadas  EventoAuditoria = "SESIONES_REVOCADAS"
	EventoPasswordCambiado   EventoAuditoria = "PASSWORD_CAMBIADO"
	EventoMFAActivado        EventoAuditoria = "MFA_ACTIVADO"
	EventoMFADesactivado     EventoAuditoria = "MFA_DESACTIVADO"
	EventoMFAFallido         EventoAuditoria = "MFA_FALLIDO"
	EventoMFARestablecido    EventoAuditoria = "MFA_RESTABLECIDO"
	EventoUsuarioCreado      EventoAuditoria = "USUARIO_CREADO"
	EventoUsuarioActualizado EventoAuditoria = "USUARIO_ACTUALIZADO"
	// Feeds de calendario (API.md §7.3; la lista de §6 no los nombra).
	EventoCalendarioCreado   EventoAuditoria = "CALENDARIO_CREADO"
	EventoCalendarioRevocado EventoAuditoria = "CALENDARIO_REVOCADO"
)

// Eventos lista los eventos válidos.
var Eventos = []EventoAuditoria{
	EventoLoginExitoso, EventoLoginFallido, EventoCuentaBloqueada, EventoCuentaDesbloqueada,
	EventoRefreshReutilizado, EventoLogout, EventoSesionesRevocadas, EventoPasswordCambiado,
	EventoMFAActivado, EventoMFADesactivado, EventoMFAFallido, EventoMFARestablecido,
	EventoUsuarioCreado, EventoUsuarioActualizado, EventoCalendarioCreado, EventoCalendarioRevocado,
}

// RegistroAuditoria es una entrada del registro de auditoría. UsuarioID es la
// cuenta afectada; ActorID quien actuó.
type RegistroAuditoria struct {
	ID uint `gorm:"primaryKey"`
	// Los índices (evento, fecha) y (usuario_id, fecha) sirven los filtros de
	// GET /auditoria en su orden (más reciente primero) sin ordenar en memoria.
	Evento    EventoAuditoria `gorm:"size:40;not null;index;index:idx_aud_evento_fecha,priority:1"`
	Fecha     time.Time       `gorm:"not null;index;index:idx_aud_evento_fecha,priority:2;index:idx_aud_usuario_fecha,priority:2"`
	UsuarioID *uint           `gorm:"index;index:idx_aud_usuario_fecha,priority:1"`
	ActorID   *uint
	IP        string `gorm:"size:64"`
	UserAgent string `gorm:"size:255"`
	RequestID string `gorm:"size:128"`
	Detalle   string `gorm:"size:500"`
}

// TableName fija el nombre de la tabla.
func (RegistroAuditoria) TableName() string { return "auditoria" }

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

// ParseEvento convierte texto en uno de Eventos.
func ParseEvento(s string) (EventoAuditoria, error) {
	for _, e := range Eventos {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("evento desconocido %q", s)
}
