package models

import (
	"net/url"
	"strconv"
	"strings"
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

// consulta lee los parámetros de una lista y acumula sus errores, con los
// nombres de la query. Un parámetro presente pero vacío o mal escrito es un
// error, nunca se ignora; los parámetros desconocidos sí se ignoran.
type consulta struct {
	q   url.Values
	loc *time.Location
	v   Validacion
}

func nuevaConsulta(q url.Values, loc *time.Location) *consulta {
	if loc == nil {
		loc = time.UTC
	}
	return &consulta{q: q, loc: loc}
}

// valor devuelve el parámetro y si vino. Repetido (?pagina=1&pagina=2) es
// un error: no se elige uno en silencio.
func (c *consulta) valor(nombre string) (string, bool) {
	vs, ok := c.q[nombre]
	if !ok {
		return "", false
	}
	if len(vs) > 1 {
		c.v.Agregar(nombre, "se indicó más de una vez")
		return "", false
	}
	return strings.TrimSpace(vs[0]), true
}

// pagina lee pagina y porPagina.
func (c *consulta) pagina() Pagina {
	p := Pagina{Pagina: 1, PorPagina: PorPaginaDefecto}
	if s, ok := c.valor("pagina"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1_000_000 {
			c.v.Agregar("pagina", "debe ser un número entero desde 1")
		} else {
			p.Pagina = n
		}
	}
	if s, ok := c.valor("porPagina"); ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > PorPaginaMaximo {
			c.v.Agregar("porPagina", "debe ser un número entero entre 1 y 100")
		} else {
			p.PorPagina = n
		}
	}
	return p
}

// texto lee un texto libre de búsqueda (vacío = sin filtro), hasta 100
// caracteres.
func (c *consulta) texto(nombre string) string {
	s, _ := c.valor(nombre)
	if len([]rune(s)) > 100 {
		c.v.Agregar(nombre, "no puede superar 100 caracteres")
		return ""
	}
	return s
}

// booleano lee true/false.
func (c *consulta) booleano(nombre string) *bool {
	s, ok := c.valor(nombre)
	if !ok {
		return nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil || (s != "true" && s != "false") {
		c.v.Agregar(nombre, "debe ser true o false")
		return nil
	}
	return &b
}

// id lee un identificador positivo.
func (c *consulta) id(nombre string) *uint {
	s, ok := c.valor(nombre)
	if !ok {
		return nil
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 0 {
		c.v.Agregar(nombre, "debe ser un número entero positivo")
		return nil
	}
	u := uint(n)
	return &u
}

// lista lee una lista separada por comas (o el parámetro repetido) y
// convierte cada elemento con parse; cualquier elemento inválido es un error
// del parámetro.
func lista[T any](c *consulta, nombre, mensaje string, parse func(string) (T, error)) []T {
	vs, ok := c.q[nombre]
	if !ok {
		return nil
	}
	var out []T
	for _, parte := range strings.Split(strings.Join(vs, ","), ",") {
		x, err := parse(strings.TrimSpace(parte))
		if err != nil {
			c.v.Agregar(nombre, mensaje)
			return nil
		}
		out = append(out, x)
	}
	return out
}

// Intervalo son los límites de fecha de un filtro: Desde inclusivo, Hasta
// exclusivo (un "hasta" inclusivo del cliente se convierte al instante
// siguiente), ambos en UTC; nil = sin límite.
type Intervalo struct {
	Desde *time.Time
	Hasta *time.Time
}

// intervalo lee desde y hasta: RFC 3339 con zona, o YYYY-MM-DD (inicio,
// resp. fin, de ese día en la zona). Si inclusivo, un hasta RFC 3339 incluye
// ese instante (filtros de lista); si no, la ventana es semiabierta
// (disponibilidad). desde > hasta es un error de hasta.
func (c *consulta) intervalo(obligatorio, inclusivo bool) Intervalo {
	var r Intervalo
	for _, campo := range []string{"desde", "hasta"} {
		s, ok := c.valor(campo)
		if !ok {
			if obligatorio {
				c.v.Agregar(campo, "es obligatorio")
			}
			continue
		}
		t, dia, err := parseFecha(s, c.loc)
		if err != nil {
			c.v.Agregar(campo, "debe ser una fecha RFC 3339 con zona horaria o AAAA-MM-DD")
			continue
		}
		if campo == "desde" {
			r.Desde = &t
			continue
		}
		switch {
		case dia:
			l := t.In(c.loc)
			t = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, c.loc).UTC()
		case inclusivo:
			t = t.Add(time.Nanosecond)
		}
		r.Hasta = &t
	}
	if r.Desde != nil && r.Hasta != nil && !r.Hasta.After(*r.Desde) {
		c.v.Agregar("hasta", "debe ser posterior a desde")
	}
	return r
}

// parseFecha acepta RFC 3339 con zona o una fecha YYYY-MM-DD (su inicio en
// loc; dia lo indica). Devuelve UTC.
func parseFecha(s string, loc *time.Location) (t time.Time, dia bool, err error) {
	if len(s) == len("2006-01-02") {
		t, err = time.ParseInLocation("2006-01-02", s, loc)
		return t.UTC(), true, err
	}
	t, err = time.Parse(time.RFC3339, s)
	return t.UTC(), false, err
}
