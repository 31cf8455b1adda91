package models

import (
	"context"
	"time"
)

// Actor es el usuario autenticado que hace la petición, tal como está en la
// base de datos en este momento (no como lo dice el token).
type Actor struct {
	ID       uint
	Username string
	Rol      Rol
	SesionID string
	JTI      string
	// TokenExpira es el exp del token de acceso presentado.
	TokenExpira time.Time
}

// Origen describe de dónde viene la petición, para la auditoría.
type Origen struct {
	IP        string
	UserAgent string
	RequestID string
}

type claveContexto int

const (
	claveActor claveContexto = iota
	claveOrigen
)

// ConActor devuelve ctx con el actor autenticado.
func ConActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, claveActor, a)
}

// ActorDe devuelve el actor de ctx, o nil si la petición es anónima.
func ActorDe(ctx context.Context) *Actor {
	a, _ := ctx.Value(claveActor).(*Actor)
	return a
}

// ConOrigen devuelve ctx con el origen de la petición.
func ConOrigen(ctx context.Context, o Origen) context.Context {
	return context.WithValue(ctx, claveOrigen, o)
}

// OrigenDe devuelve el origen de la petición (vacío si no se conoce).
func OrigenDe(ctx context.Context) Origen {
	o, _ := ctx.Value(claveOrigen).(Origen)
	return o
}
