package models

import (
	"net/url"
	"time"
)

// ordenesSolicitud son los valores de orden aceptados y su SQL; id desempata
// para que la paginación sea estable.
var ordenesSolicitud = map[string]string{
	"fechaSalida": "fecha_salida ASC, id ASC", "-fechaSalida": "fecha_salida DESC, id DESC",
	"creadoEn": "creado_en ASC, id ASC", "-creadoEn": "creado_en DESC, id DESC",
}

// FiltroSolicitudes es la consulta de GET /solicitud/ ya validada.
type FiltroSolicitudes struct {
	Estados []Estado
	Intervalo
	Texto string
	Orden string
	Pagina
}

// ParseFiltroSolicitudes lee los parámetros de la lista (API.md §7); loc es
// TIMEZONE para las fechas AAAA-MM-DD. Error: VALIDACION con un error por
// parámetro mal escrito.
func ParseFiltroSolicitudes(q url.Values, loc *time.Location) (FiltroSolicitudes, error) {
	c := nuevaConsulta(q, loc)
	f := FiltroSolicitudes{Orden: "-creadoEn"}
	f.Pagina = c.pagina()
	f.Estados = lista(c, "estado", "debe ser una lista de: pendiente, aprobada, rechazada, asignada, en_curso, finalizada, cancelada", ParseEstado)
	f.Intervalo = c.intervalo(false, true)
	f.Texto = c.texto("q")
	if s, ok := c.valor("orden"); ok {
		if _, valido := ordenesSolicitud[s]; !valido {
			c.v.Agregar("orden", "debe ser fechaSalida, -fechaSalida, creadoEn o -creadoEn")
		} else {
			f.Orden = s
		}
	}
	return f, c.v.Err()
}
