package tests

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"

	"solicitud-transporte/config"
	"solicitud-transporte/models"
)

// crearFeed pide POST /auth/calendario y devuelve la ruta del feed.
func (env *entorno) crearFeed(t *testing.T, token string) (ruta, feedToken string) {
	t.Helper()
	var d struct {
		URL string `json:"url"`
	}
	env.hacer(peticion{metodo: "POST", ruta: "/auth/calendario", token: token}).esperar(t, 201, "").leer(t, &d)
	u, err := url.Parse(d.URL)
	if err != nil || u.Scheme != "http" || u.Host != "example.com" {
		t.Fatalf("url = %q (%v)", d.URL, err)
	}
	feedToken = strings.TrimSuffix(strings.TrimPrefix(u.Path, "/calendario/"), ".ics")
	if len(feedToken) != 43 || !strings.HasSuffix(u.Path, ".ics") {
		t.Fatalf("token de feed %q: want 43 caracteres base64url", feedToken)
	}
	return u.Path, feedToken
}

// leerFeed pide el feed sin Bearer y lo analiza con go-ical, además de
// comprobar CRLF y líneas de 75 octetos como mucho.
func (env *entorno) leerFeed(t *testing.T, ruta string) (*ical.Calendar, string) {
	t.Helper()
	r := env.hacer(peticion{metodo: "GET", ruta: ruta})
	if r.status != 200 || r.header.Get("Content-Type") != "text/calendar; charset=utf-8" {
		t.Fatalf("feed: %d %q: %s", r.status, r.header.Get("Content-Type"), r.cuerpo)
	}
	crudo := string(r.cuerpo)
	if !strings.HasSuffix(crudo, "\r\n") || strings.Contains(strings.ReplaceAll(crudo, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(crudo, "\r\n", ""), "\r") {
		t.Fatalf("líneas que no terminan en CRLF:\n%q", crudo)
	}
	for _, l := range strings.Split(strings.TrimSuffix(crudo, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("línea de %d octetos: %q", len(l), l)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(r.cuerpo)).Decode()
	if err != nil {
		t.Fatalf("go-ical no lo lee: %v\n%s", err, crudo)
	}
	return cal, crudo
}

// TestCalendarioFeed: el feed de un solicitante y el de su motorista, leídos
// con go-ical: eventos, UID, SEQUENCE, horas, STATUS, escapes y plegado.
func TestCalendarioFeed(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	soli := env.loginComo("soli_cal", models.RolSolicitante)
	f := env.nuevaFlota("cal")

	largo := "Oficina central; edificio «Ñandú», ala norte, San Salvador — acceso por la 4.ª avenida, portón número tres"
	cuerpo := env.cuerpoSolicitud(2)
	cuerpo["origen"] = largo
	cuerpo["destino"] = "Juzgado de Santa Ana, sección penal"
	cuerpo["motivo"] = "Audiencia; traslado de expedientes, con acentos: acción, camión\ny segunda línea \\ fin"
	asig := env.crearSolicitud(t, soli.AccessToken, cuerpo)
	for _, p := range []string{"aprobar", "asignar"} {
		env.accion(f.admin, asig.ID, p, cuerpoAccion(p, f)).esperar(t, 200, "").leer(t, &asig)
	}
	pend := env.crearSolicitud(t, soli.AccessToken, env.cuerpoSolicitud(3))
	canc := env.crearSolicitud(t, soli.AccessToken, env.cuerpoSolicitud(4))
	env.accion(soli.AccessToken, canc.ID, "cancelar", map[string]any{"motivo": "Ya no hace falta"}).esperar(t, 200, "").leer(t, &canc)
	env.crearSolicitud(t, soli.AccessToken, env.cuerpoSolicitud(200)) // fuera de los 180 días

	rutaSoli, tokenSoli := env.crearFeed(t, soli.AccessToken)
	cal, crudo := env.leerFeed(t, rutaSoli)
	if v, _ := cal.Props.Text(ical.PropVersion); v != "2.0" {
		t.Errorf("VERSION = %q", v)
	}
	eventos := map[string]ical.Event{}
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(ical.PropUID)
		eventos[uid] = e
	}
	if len(eventos) != 3 || len(cal.Events()) != 3 {
		t.Fatalf("eventos = %d (UIDs distintos %d), want 3:\n%s", len(cal.Events()), len(eventos), crudo)
	}
	for _, c := range []struct {
		s      solicitudR
		status string
	}{{asig, "CONFIRMED"}, {pend, "TENTATIVE"}, {canc, "CANCELLED"}} {
		uid := fmt.Sprintf("solicitud-%d@solicitud-transporte", c.s.ID)
		e, ok := eventos[uid]
		if !ok {
			t.Fatalf("falta el evento %s", uid)
		}
		if st := e.Props.Get(ical.PropStatus).Value; st != c.status {
			t.Errorf("%s: STATUS = %q, want %q", c.s.Codigo, st, c.status)
		}
		if n, err := e.Props.Get(ical.PropSequence).Int(); err != nil || n != c.s.Version {
			t.Errorf("%s: SEQUENCE = %d (%v), want %d", c.s.Codigo, n, err, c.s.Version)
		}
		salida, _ := time.Parse(time.RFC3339, c.s.FechaSalida)
		if p := e.Props.Get(ical.PropDateTimeStart); !strings.HasSuffix(p.Value, "Z") {
			t.Errorf("DTSTART no está en UTC: %q", p.Value)
		}
		if got, err := e.DateTimeStart(nil); err != nil || !got.Equal(salida) {
			t.Errorf("%s: DTSTART = %v (%v), want %v", c.s.Codigo, got, err, salida)
		}
		if got, err := e.DateTimeEnd(nil); err != nil || !got.After(salida) {
			t.Errorf("%s: DTEND = %v (%v)", c.s.Codigo, got, err)
		}
		if _, err := e.Props.DateTime(ical.PropDateTimeStamp, nil); err != nil {
			t.Errorf("%s: DTSTAMP: %v", c.s.Codigo, err)
		}
		if got, _ := e.Props.Text(ical.PropSummary); got != c.s.Codigo+": "+c.s.Origen+" → "+c.s.Destino {
			t.Errorf("SUMMARY = %q", got)
		}
	}
	e := eventos[fmt.Sprintf("solicitud-%d@solicitud-transporte", asig.ID)]
	if got, _ := e.Props.Text(ical.PropLocation); got != largo {
		t.Errorf("LOCATION = %q, want %q", got, largo)
	}
	if got, _ := e.Props.Text(ical.PropDescription); !strings.Contains(got, "Motivo: "+cuerpo["motivo"].(string)) {
		t.Errorf("DESCRIPTION = %q", got)
	}
	for _, esc := range []string{`Oficina central\; edificio «Ñandú»\, ala norte`, `\n`, `\\ fin`} {
		if !strings.Contains(strings.ReplaceAll(crudo, "\r\n ", ""), esc) {
			t.Errorf("el .ics no tiene %q escapado", esc)
		}
	}
	lineas := strings.Split(crudo, "\r\n")
	plegado := false
	for i, l := range lineas {
		if strings.HasPrefix(l, "SUMMARY:"+asig.Codigo) {
			plegado = i+1 < len(lineas) && strings.HasPrefix(lineas[i+1], " ")
		}
	}
	if !plegado {
		t.Error("el SUMMARY largo no se plegó")
	}

	// El motorista ve solo su viaje.
	rutaMoto, _ := env.crearFeed(t, f.motorista.AccessToken)
	calMoto, _ := env.leerFeed(t, rutaMoto)
	if evs := calMoto.Events(); len(evs) != 1 {
		t.Fatalf("feed del motorista: %d eventos, want 1", len(evs))
	} else if uid, _ := evs[0].Props.Text(ical.PropUID); uid != fmt.Sprintf("solicitud-%d@solicitud-transporte", asig.ID) {
		t.Errorf("UID del motorista = %q", uid)
	}

	// El token no da nada más: no es un Bearer.
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: tokenSoli}).esperar(t, 401, "TOKEN_INVALIDO")

	// Reemplazar: la URL vieja da 404 en texto; la nueva, el feed.
	rutaNueva, _ := env.crearFeed(t, soli.AccessToken)
	feed404(t, env, rutaSoli)
	env.leerFeed(t, rutaNueva)
	// Revocar con DELETE.
	env.hacer(peticion{metodo: "DELETE", ruta: "/auth/calendario", token: soli.AccessToken}).esperar(t, 200, "")
	feed404(t, env, rutaNueva)
	env.hacer(peticion{metodo: "DELETE", ruta: "/auth/calendario", token: soli.AccessToken}).esperar(t, 200, "")
	feed404(t, env, "/calendario/desconocido.ics")
	feed404(t, env, "/calendario/"+strings.Repeat("A", 43)+".ics")
	env.hacer(peticion{metodo: "GET", ruta: "/calendario/" + tokenSoli}).esperar(t, 404, "NO_ENCONTRADO")

	// Ni el token ni la ruta con él llegan al log.
	logs := env.logsTexto()
	for _, secreto := range []string{tokenSoli, strings.TrimSuffix(strings.TrimPrefix(rutaNueva, "/calendario/"), ".ics"), strings.TrimSuffix(strings.TrimPrefix(rutaMoto, "/calendario/"), ".ics")} {
		if strings.Contains(logs, secreto) {
			t.Errorf("el token de un feed aparece en el log")
		}
	}
	if !strings.Contains(logs, "/calendario/[token oculto]") {
		t.Error("el log no registra las lecturas del feed con la ruta oculta")
	}

	// Auditoría: creado tres veces y revocado una (el segundo DELETE no
	// revoca nada).
	var pag paginaR[struct {
		Evento string `json:"evento"`
	}]
	env.hacer(peticion{metodo: "GET", ruta: "/auditoria?evento=CALENDARIO_CREADO,CALENDARIO_REVOCADO", token: f.admin}).esperar(t, 200, "").leer(t, &pag)
	cuenta := map[string]int{}
	for _, e := range pag.Elementos {
		cuenta[e.Evento]++
	}
	if cuenta["CALENDARIO_CREADO"] != 3 || cuenta["CALENDARIO_REVOCADO"] != 1 {
		t.Errorf("auditoría = %v", cuenta)
	}
}

// feed404 comprueba que ruta da 404 en texto plano, no el sobre JSON.
func feed404(t *testing.T, env *entorno, ruta string) {
	t.Helper()
	r := env.hacer(peticion{metodo: "GET", ruta: ruta})
	if r.status != 404 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") || bytes.HasPrefix(r.cuerpo, []byte("{")) {
		t.Fatalf("%s: %d %q %s, want 404 en texto", ruta, r.status, r.header.Get("Content-Type"), r.cuerpo)
	}
}

// TestCalendarioRevocadoAlDesactivar: desactivar la cuenta revoca su feed y
// lo audita.
func TestCalendarioRevocadoAlDesactivar(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	s := env.loginComo("soli_baja", models.RolSolicitante)
	ruta, _ := env.crearFeed(t, s.AccessToken)
	env.leerFeed(t, ruta)
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", s.User.ID), token: admin, cuerpo: map[string]any{"activo": false}}).esperar(t, 200, "")
	feed404(t, env, ruta)
	// Reactivada, la URL vieja sigue muerta.
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", s.User.ID), token: admin, cuerpo: map[string]any{"activo": true}}).esperar(t, 200, "")
	feed404(t, env, ruta)
	var pag paginaR[struct {
		Detalle string `json:"detalle"`
	}]
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/auditoria?evento=CALENDARIO_REVOCADO&usuarioId=%d", s.User.ID), token: admin}).esperar(t, 200, "").leer(t, &pag)
	if len(pag.Elementos) != 1 || !strings.Contains(pag.Elementos[0].Detalle, "desactivar") {
		t.Errorf("auditoría = %+v", pag.Elementos)
	}
}

// TestCalendarioURLTrasProxy: X-Forwarded-Proto y X-Forwarded-Host cuentan
// solo si el par está en TRUSTED_PROXIES.
func TestCalendarioURLTrasProxy(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *config.Config) { c.TrustedProxies = []string{"192.0.2.1"} })
	s := env.loginAdmin().AccessToken
	cabeceras := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "transporte.ejemplo.org", "X-Forwarded-For": "203.0.113.9"}
	for _, c := range []struct{ ip, want string }{
		{"192.0.2.1:4000", "https://transporte.ejemplo.org/calendario/"},
		{"198.51.100.7:4000", "http://example.com/calendario/"},
	} {
		var d struct {
			URL string `json:"url"`
		}
		env.hacer(peticion{metodo: "POST", ruta: "/auth/calendario", token: s, headers: cabeceras, ip: c.ip}).esperar(t, 201, "").leer(t, &d)
		if !strings.HasPrefix(d.URL, c.want) {
			t.Errorf("desde %s: url = %q, want %s…", c.ip, d.URL, c.want)
		}
	}
}
