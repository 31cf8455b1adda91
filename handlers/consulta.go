package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"solicitud-transporte/models"
)

// consulta lee los parámetros de una lista y acumula sus errores, con los
// nombres de la query. Un parámetro presente pero vacío o mal escrito es un
// error, nunca se ignora; los parámetros desconocidos sí se ignoran. El
// resultado son los filtros tipados de models; las reglas del filtro ya
// tipado (p. ej. desde antes que hasta) son de models.
type consulta struct {
	q   url.Values
	loc *time.Location
	v   models.Validacion
}

func nuevaConsulta(q url.Values, loc *time.Location) *consulta {
	if loc == nil {
		loc = time.UTC
	}
	return &consulta{q: q, loc: loc}
}

// parseFiltroSolicitudes lee los parámetros de GET /solicitud/ (API.md §7);
// loc es TIMEZONE para las fechas AAAA-MM-DD. Error: VALIDACION con un error
// por parámetro mal escrito.
func parseFiltroSolicitudes(q url.Values, loc *time.Location) (models.FiltroSolicitudes, error) {
	c := nuevaConsulta(q, loc)
	f := models.FiltroSolicitudes{Orden: models.OrdenSolicitudDefecto}
	f.Pagina = c.pagina()
	f.Estados = lista(c, "estado", "debe ser una lista de: pendiente, aprobada, rechazada, asignada, en_curso, finalizada, cancelada", models.ParseEstado)
	f.Intervalo = c.intervalo(false, true)
	f.Texto = c.texto("q")
	if s, ok := c.valor("orden"); ok {
		if !models.EsOrdenSolicitud(s) {
			c.v.Agregar("orden", "debe ser fechaSalida, -fechaSalida, creadoEn o -creadoEn")
		} else {
			f.Orden = s
		}
	}
	return f, c.v.Err()
}

// parseFiltroUsuarios lee los parámetros de GET /usuarios/ (rol, activo, q,
// licenciaVenceAntes AAAA-MM-DD y la página). Error: VALIDACION.
func parseFiltroUsuarios(q url.Values) (models.FiltroUsuarios, error) {
	c := nuevaConsulta(q, nil)
	f := models.FiltroUsuarios{Pagina: c.pagina(), Activo: c.booleano("activo"), Texto: c.texto("q")}
	if s, ok := c.valor("rol"); ok {
		r, err := models.ParseRol(s)
		if err != nil {
			c.v.Agregar("rol", "debe ser admin, aprobador, motorista o solicitante")
		} else {
			f.Rol = &r
		}
	}
	if s, ok := c.valor("licenciaVenceAntes"); ok {
		if _, msg := models.ParseDia(s); msg != "" {
			c.v.Agregar("licenciaVenceAntes", msg)
		} else {
			f.LicenciaVenceAntes = &s
		}
	}
	return f, c.v.Err()
}

// parseFiltroVehiculos lee los parámetros de GET /vehiculos/. Error:
// VALIDACION.
func parseFiltroVehiculos(q url.Values) (models.FiltroVehiculos, error) {
	c := nuevaConsulta(q, nil)
	f := models.FiltroVehiculos{Pagina: c.pagina(), Activo: c.booleano("activo"), Texto: c.texto("q")}
	return f, c.v.Err()
}

// parseVentana lee desde y hasta (obligatorios, formatos de §7) de GET
// /vehiculos/disponibles como ventana semiabierta. Error: VALIDACION.
func parseVentana(q url.Values, loc *time.Location) (models.Intervalo, error) {
	c := nuevaConsulta(q, loc)
	i := c.intervalo(true, false)
	return i, c.v.Err()
}

// parseFiltroAgenda lee desde y hasta (obligatorios, formatos de §7, como
// franja semiabierta de a lo sumo 366 días), vehiculoId y motoristaId de GET
// /agenda. Error: VALIDACION.
func parseFiltroAgenda(q url.Values, loc *time.Location) (models.FiltroAgenda, error) {
	c := nuevaConsulta(q, loc)
	f := models.FiltroAgenda{Intervalo: c.intervalo(true, false), VehiculoID: c.id("vehiculoId"), MotoristaID: c.id("motoristaId")}
	f.Validar(&c.v)
	return f, c.v.Err()
}

// parseFiltroAuditoria lee usuarioId, evento (lista separada por comas),
// desde y hasta (formatos de §7, sobre la fecha del evento) y la página de
// GET /auditoria. Error: VALIDACION.
func parseFiltroAuditoria(q url.Values, loc *time.Location) (models.FiltroAuditoria, error) {
	c := nuevaConsulta(q, loc)
	f := models.FiltroAuditoria{Pagina: c.pagina(), UsuarioID: c.id("usuarioId")}
	f.Eventos = lista(c, "evento", "debe ser uno de los eventos de auditoría (p. ej. LOGIN_EXITOSO)", models.ParseEvento)
	f.Intervalo = c.intervalo(false, true)
	return f, c.v.Err()
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
func (c *consulta) pagina() models.Pagina {
	p := models.Pagina{Pagina: 1, PorPagina: models.PorPaginaDefecto}
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
		if err != nil || n < 1 || n > models.PorPaginaMaximo {
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

// id lee un identificador positivo en decimal canónico (como idCanonico).
func (c *consulta) id(nombre string) *uint {
	s, ok := c.valor(nombre)
	if !ok {
		return nil
	}
	u, ok := idCanonico(s)
	if !ok {
		c.v.Agregar(nombre, "debe ser un número entero positivo, sin ceros a la izquierda")
		return nil
	}
	return &u
}

// idCanonico lee un id en decimal canónico: solo dígitos ASCII, sin signo,
// sin ceros a la izquierda, mayor que cero y de 32 bits. «01», «+1», «1e3» o
// «１» no son el id 1 (API.md §12): un recurso tiene una sola URL.
func idCanonico(s string) (uint, bool) {
	if s == "" || len(s) > 10 || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return uint(n), true
}

// maxValoresLista es el máximo de valores de una lista de la query
// (estado=a,b,…; evento=…), contando también los del parámetro repetido.
const maxValoresLista = 20

// lista lee una lista separada por comas (o el parámetro repetido) y
// convierte cada elemento con parse; cualquier elemento inválido, o más de
// maxValoresLista, es un error del parámetro.
func lista[T any](c *consulta, nombre, mensaje string, parse func(string) (T, error)) []T {
	vs, ok := c.q[nombre]
	if !ok {
		return nil
	}
	partes := strings.Split(strings.Join(vs, ","), ",")
	if len(partes) > maxValoresLista {
		c.v.Agregar(nombre, fmt.Sprintf("admite como máximo %d valores", maxValoresLista))
		return nil
	}
	var out []T
	for _, parte := range partes {
		x, err := parse(strings.TrimSpace(parte))
		if err != nil {
			c.v.Agregar(nombre, mensaje)
			return nil
		}
		out = append(out, x)
	}
	return out
}

// intervalo lee desde y hasta: RFC 3339 con zona, o YYYY-MM-DD (inicio,
// resp. fin, de ese día en la zona). Si inclusivo, un hasta RFC 3339 incluye
// ese instante (filtros de lista); si no, la ventana es semiabierta
// (disponibilidad). Cada fecha cae entre los años 1970 y 9999
// (models.FechaEnRango). Que desde quede antes que hasta lo comprueba
// models.Intervalo.Validar.
func (c *consulta) intervalo(obligatorio, inclusivo bool) models.Intervalo {
	var r models.Intervalo
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
		if !models.FechaEnRango(t) {
			c.v.Agregar(campo, models.MensajeFechaFueraDeRango)
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
			// El siguiente instante que las dos bases distinguen:
			// PostgreSQL guarda microsegundos (un nanosegundo se perdería
			// al redondear y el instante hasta quedaría fuera).
			t = t.Add(time.Microsecond)
		}
		t = models.LimiteFiltro(t)
		r.Hasta = &t
	}
	r.Validar(&c.v)
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
