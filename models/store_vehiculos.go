package models

import (
	"net/url"
	"time"
)

// FiltroVehiculos es la consulta de GET /vehiculos/: activo, q (en placa,
// marca o modelo) y la página.
type FiltroVehiculos struct {
	Activo *bool
	Texto  string
	Pagina
}

// ParseFiltroVehiculos lee los parámetros de la lista. Error: VALIDACION.
func ParseFiltroVehiculos(q url.Values) (FiltroVehiculos, error) {
	c := nuevaConsulta(q, nil)
	f := FiltroVehiculos{Pagina: c.pagina(), Activo: c.booleano("activo"), Texto: c.texto("q")}
	return f, c.v.Err()
}

// ParseVentana lee desde y hasta (obligatorios, formatos de §7) de GET
// /vehiculos/disponibles como ventana semiabierta. Error: VALIDACION.
func ParseVentana(q url.Values, loc *time.Location) (Intervalo, error) {
	c := nuevaConsulta(q, loc)
	i := c.intervalo(true, false)
	return i, c.v.Err()
}
