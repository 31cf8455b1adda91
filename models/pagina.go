package models

import (
	"time"
)

// Reglas de paginación comunes a todas las listas (API.md §7).
const (
	PorPaginaDefecto = 20
	PorPaginaMaximo  = 100
)

// Pagina es la página pedida de una lista, desde 1.
type Pagina struct {
	Pagina    int
	PorPagina int
}

// Offset es cuántos elementos hay antes de la página.
func (p Pagina) Offset() int { return (p.Pagina - 1) * p.PorPagina }

// Normalizada aplica los valores por defecto a una Pagina sin rellenar, así
// un filtro vacío nunca divide por cero ni pide LIMIT 0.
func (p Pagina) Normalizada() Pagina {
	if p.Pagina < 1 {
		p.Pagina = 1
	}
	if p.PorPagina < 1 || p.PorPagina > PorPaginaMaximo {
		p.PorPagina = PorPaginaDefecto
	}
	return p
}

// Resultado es una página de una lista con el total de elementos que
// cumplen el filtro.
type Resultado[T any] struct {
	Elementos    []T
	Total        int64
	Pagina       int
	PorPagina    int
	TotalPaginas int
}

// NuevoResultado arma la página p de una lista con total elementos.
func NuevoResultado[T any](p Pagina, total int64, elementos []T) *Resultado[T] {
	if elementos == nil {
		elementos = []T{}
	}
	return &Resultado[T]{
		Elementos: elementos, Total: total, Pagina: p.Pagina, PorPagina: p.PorPagina,
		TotalPaginas: int((total + int64(p.PorPagina) - 1) / int64(p.PorPagina)),
	}
}

// Intervalo son los límites de fecha de un filtro: Desde inclusivo, Hasta
// exclusivo (un "hasta" inclusivo del cliente se convierte al instante
// siguiente), ambos en UTC; nil = sin límite.
type Intervalo struct {
	Desde *time.Time
	Hasta *time.Time
}

// Validar anota en v un error de hasta si el intervalo está vacío: con
// ambos límites, Hasta (exclusivo) debe ser posterior a Desde.
func (i Intervalo) Validar(v *Validacion) {
	if i.Desde != nil && i.Hasta != nil && !i.Hasta.After(*i.Desde) {
		v.Agregar("hasta", "debe ser posterior a desde")
	}
}
