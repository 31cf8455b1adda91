package models

import (
	"fmt"
	"time"
)

// Evento es el tipo de un evento de seguridad (API.md §6).
type Evento string

// Eventos de auditoría.
const (
	EventoLoginExitoso       Evento = "LOGIN_EXITOSO"
	EventoLoginFallido       Evento = "LOGIN_FALLIDO"
	EventoCuentaBloqueada    Evento = "CUENTA_BLOQUEADA"
	EventoCuentaDesbloqueada Evento = "CUENTA_DESBLOQUEADA"
	EventoRefreshReutilizado Evento = "REFRESH_REUTILIZADO"
	EventoLogout             Evento = "LOGOUT"
	EventoSesionesRevocadas  Evento = "SESIONES_REVOCADAS"
	EventoPasswordCambiado   Evento = "PASSWORD_CAMBIADO"
	EventoMFAActivado        Evento = "MFA_ACTIVADO"
	EventoMFADesactivado     Evento = "MFA_DESACTIVADO"
	EventoMFAFallido         Evento = "MFA_FALLIDO"
	EventoMFARestablecido    Evento = "MFA_RESTABLECIDO"
	EventoUsuarioCreado      Evento = "USUARIO_CREADO"
	EventoUsuarioActualizado Evento = "USUARIO_ACTUALIZADO"
	// Feeds de calendario (API.md §7.3; la lista de §6 no los nombra).
	EventoCalendarioCreado   Evento = "CALENDARIO_CREADO"
	EventoCalendarioRevocado Evento = "CALENDARIO_REVOCADO"
)

// Eventos lista los eventos válidos.
var Eventos = []Evento{
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
	Evento    Evento    `gorm:"size:40;not null;index;index:idx_aud_evento_fecha,priority:1"`
	Fecha     time.Time `gorm:"not null;index;index:idx_aud_evento_fecha,priority:2;index:idx_aud_usuario_fecha,priority:2"`
	UsuarioID *uint     `gorm:"index;index:idx_aud_usuario_fecha,priority:1"`
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
func ParseEvento(s string) (Evento, error) {
	for _, e := range Eventos {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("evento desconocido %q", s)
}
