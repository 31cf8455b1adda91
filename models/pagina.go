package models

import (
	"strings"
	"time"

	"gorm.io/gorm"
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

func (p Pagina) offset() int { return (p.Pagina - 1) * p.PorPagina }

// normalizada aplica los valores por defecto a una Pagina sin rellenar, así
// un filtro vacío nunca divide por cero ni pide LIMIT 0.
func (p Pagina) normalizada() Pagina {
	if p.Pagina < 1 {
		p.Pagina = 1
	}
	if p.PorPagina < 1 || p.PorPagina > PorPaginaMaximo {
		p.PorPagina = PorPaginaDefecto
	}
	return p
}

// paginar cuenta las filas de q y trae la página p en orden (el orden debe
// terminar en id, para que la paginación sea estable). extra ajusta solo la
// consulta de la página (p. ej. precargas). Una página más allá del final no
// consulta filas: devuelve elementos vacíos y el total.
func paginar[T any](q *gorm.DB, p Pagina, orden string, extra func(*gorm.DB) *gorm.DB) (*Resultado[T], error) {
	p = p.normalizada()
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, traducir(err)
	}
	var filas []T
	if total > int64(p.offset()) {
		pq := q.Order(orden).Limit(p.PorPagina).Offset(p.offset())
		if extra != nil {
			pq = extra(pq)
		}
		if err := pq.Find(&filas).Error; err != nil {
			return nil, traducir(err)
		}
	}
	return nuevoResultado(p, total, filas), nil
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

func nuevoResultado[T any](p Pagina, total int64, elementos []T) *Resultado[T] {
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

// patronLike escapa s para LIKE con ESCAPE '\' y lo rodea de comodines, en
// minúsculas (la comparación se hace contra LOWER(columna)).
func patronLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}
