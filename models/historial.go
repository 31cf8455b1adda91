package models

import "time"

// Historial es una entrada del historial de una solicitud: su creación
// (EstadoAnterior nil) o un cambio de estado, quién lo hizo y por qué. Se
// escribe en la misma transacción que el cambio.
type Historial struct {
	ID             uint      `gorm:"primaryKey"`
	SolicitudID    uint      `gorm:"not null;index"`
	EstadoAnterior *Estado   `gorm:"size:20"`
	EstadoNuevo    Estado    `gorm:"size:20;not null"`
	UsuarioID      uint      `gorm:"not null"`
	Usuario        Usuario   `gorm:"foreignKey:UsuarioID"`
	Comentario     string    `gorm:"size:1000;not null"`
	Fecha          time.Time `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (Historial) TableName() string { return "historial_solicitudes" }

// ContadorSolicitudes es el último número de código emitido en un año: el código
// ST-YYYY-NNNNNN se toma incrementando esta fila dentro de la transacción de
// creación, así dos creaciones simultáneas nunca obtienen el mismo número
// (y el índice único de Solicitud.Codigo lo garantiza de todos modos).
type ContadorSolicitudes struct {
	Anio   int `gorm:"primaryKey;autoIncrement:false"`
	Numero int `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (ContadorSolicitudes) TableName() string { return "contadores_codigo" }
