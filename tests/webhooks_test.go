package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/models"
)

var patronSecreto = regexp.MustCompile(`^whsec_[A-Za-z0-9+/]{43}=$`)

// TestWebhooksCRUD (§11.2): alta con el secreto una sola vez, lista,
// edición, borrado, roles y validación.
func TestWebhooksCRUD(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	apro := env.loginComo("apro", models.RolAprobador).AccessToken

	w := env.crearWebhook(t, admin, "http://127.0.0.1:9/hook", "solicitud.aprobada", "solicitud.creada", "solicitud.creada")
	if !patronSecreto.MatchString(w.Secreto) || w.ID == 0 || !w.Activo {
		t.Fatalf("creado = %+v", w)
	}
	if strings.Join(w.Eventos, ",") != "solicitud.creada,solicitud.aprobada" {
		t.Fatalf("eventos = %v, want en el orden del contrato y sin repetidos", w.Eventos)
	}
	ruta := fmt.Sprintf("/webhooks/%d", w.ID)
	for _, p := range []peticion{
		{metodo: "GET", ruta: ruta, token: admin},
		{metodo: "GET", ruta: "/webhooks", token: admin},
		{metodo: "PATCH", ruta: ruta, token: admin, cuerpo: map[string]any{"descripcion": "Nueva"}},
	} {
		r := env.hacer(p).esperar(t, 200, "")
		if strings.Contains(string(r.cuerpo), "secreto") || strings.Contains(string(r.cuerpo), w.Secreto[6:]) {
			t.Fatalf("%s %s muestra el secreto: %s", p.metodo, p.ruta, r.cuerpo)
		}
	}
	t.Run("solo admin", func(t *testing.T) {
		env.hacer(peticion{metodo: "GET", ruta: "/webhooks/", token: apro}).esperar(t, 403, "PERMISOS_INSUFICIENTES")
		env.hacer(peticion{metodo: "POST", ruta: "/webhooks/", token: apro, cuerpo: map[string]any{"url": "http://127.0.0.1/", "eventos": []string{"solicitud.creada"}}}).esperar(t, 403, "PERMISOS_INSUFICIENTES")
		env.hacer(peticion{metodo: "DELETE", ruta: ruta, token: apro}).esperar(t, 403, "PERMISOS_INSUFICIENTES")
		env.hacer(peticion{metodo: "GET", ruta: "/webhooks/"}).esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
	})
	t.Run("editar", func(t *testing.T) {
		var e webhookR
		env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: admin, cuerpo: map[string]any{
			"url": "https://127.0.0.1:8443/otro", "eventos": []string{"solicitud.cancelada"}, "activo": false, "descripcion": nil}}).esperar(t, 200, "").leer(t, &e)
		if e.URL != "https://127.0.0.1:8443/otro" || e.Activo || e.Descripcion != "" || strings.Join(e.Eventos, ",") != "solicitud.cancelada" {
			t.Fatalf("editado = %+v", e)
		}
		env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: admin, cuerpo: map[string]any{"url": nil}}).esperar(t, 422, "VALIDACION")
		env.hacer(peticion{metodo: "PATCH", ruta: "/webhooks/999", token: admin, cuerpo: map[string]any{"activo": true}}).esperar(t, 404, "NO_ENCONTRADO")
		// Como en toda la API, una clave desconocida se ignora: el secreto
		// no se cambia ni se muestra por PATCH.
		r := env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: admin, cuerpo: map[string]any{"secreto": "whsec_x"}}).esperar(t, 200, "")
		if strings.Contains(string(r.cuerpo), "secreto") {
			t.Fatalf("PATCH = %s", r.cuerpo)
		}
	})
	t.Run("validación", func(t *testing.T) {
		base := func() map[string]any {
			return map[string]any{"url": "http://127.0.0.1/hook", "eventos": []string{"solicitud.creada"}, "descripcion": "d"}
		}
		for _, c := range []struct {
			campo string
			valor any
		}{
			{"url", nil}, {"url", ""}, {"url", "ftp://127.0.0.1/"}, {"url", "javascript:alert(1)"}, {"url", "http:///sin-host"},
			{"url", "http://usuario:clave@127.0.0.1/"}, {"url", "http://127.0.0.1/" + strings.Repeat("a", 2000)},
			{"url", "http://nombre-que-no-existe.invalid/"}, {"url", "http://127.0.0.1:99999/"},
			{"eventos", nil}, {"eventos", []string{}}, {"eventos", []string{"solicitud.borrada"}}, {"eventos", []string{"ping"}},
			{"descripcion", strings.Repeat("d", 501)},
		} {
			cuerpo := base()
			if c.valor == nil {
				delete(cuerpo, c.campo)
			} else {
				cuerpo[c.campo] = c.valor
			}
			r := env.hacer(peticion{metodo: "POST", ruta: "/webhooks/", token: admin, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != c.campo {
				t.Fatalf("%s=%v: errores = %+v", c.campo, c.valor, r.errores)
			}
		}
		env.hacer(peticion{metodo: "POST", ruta: "/webhooks/", token: admin, cuerpo: map[string]any{"url": "http://127.0.0.1/", "eventos": []string{"solicitud.creada"}, "Url": "x"}}).esperar(t, 201, "")
		env.hacer(peticion{metodo: "POST", ruta: "/webhooks/", token: admin, cuerpo: `{"url":"http://127.0.0.1/","eventos":"solicitud.creada"}`}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
	})
	t.Run("borrar", func(t *testing.T) {
		env.hacer(peticion{metodo: "DELETE", ruta: ruta, token: admin}).esperar(t, 200, "")
		env.hacer(peticion{metodo: "GET", ruta: ruta, token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "DELETE", ruta: ruta, token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "GET", ruta: ruta + "/entregas", token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "GET", ruta: "/webhooks/01", token: admin}).esperar(t, 404, "NO_ENCONTRADO")
	})
}

// TestWebhooksRedPrivada (§11.2): sin WEBHOOK_PERMITIR_RED_PRIVADA, una URL
// cuyo host es o resuelve a loopback, privada, de enlace local o local
// única es 422 nombrando url, al crear y al editar.
func TestWebhooksRedPrivada(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t) // la opción por defecto: no permitida
	admin := env.loginAdmin().AccessToken
	for _, u := range []string{
		"http://127.0.0.1/", "http://127.1.2.3:8080/x", "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/",
		"http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://localhost:8000/", "http://LOCALHOST/",
		"http://[::ffff:127.0.0.1]/", "http://[::ffff:a00:1]/", "http://100.64.0.1/", "http://[fe80::1]/", "http://[fc00::1]/",
		"http://[fd12:3456::1]/", "http://0.0.0.0/", "http://[::]/", "http://224.0.0.1/", "https://2130706433/",
	} {
		r := env.hacer(peticion{metodo: "POST", ruta: "/webhooks/", token: admin, cuerpo: map[string]any{"url": u, "eventos": []string{"solicitud.creada"}}})
		if r.status != 422 || r.codigo != "VALIDACION" || len(r.errores) != 1 || r.errores[0].Campo != "url" {
			t.Fatalf("%s: %d %s", u, r.status, r.cuerpo)
		}
	}
	// Una dirección pública se acepta (no se le habla al crear).
	w := env.crearWebhook(t, admin, "http://93.184.216.34/hook", "solicitud.creada")
	r := env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/webhooks/%d", w.ID), token: admin, cuerpo: map[string]any{"url": "http://192.168.0.10/"}}).esperar(t, 422, "VALIDACION")
	if r.errores[0].Campo != "url" {
		t.Fatalf("errores = %+v", r.errores)
	}
}

// TestWebhooksRedPrivadaAlEntregar: la regla se aplica otra vez en cada
// intento, a la dirección que de verdad se marca (tras DNS). La URL se
// registra en una instancia que permite la red privada y la entrega la
// intenta otra que no (como si el operador la hubiera apagado después, o
// el nombre resolviera ahora a otra IP): el receptor no recibe nada.
func TestWebhooksRedPrivadaAlEntregar(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	estricta := env.instanciaWebhooks(t, func(c *configT) { c.WebhookPermitirRedPrivada = false })
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, nil)
	// localhost resuelve a 127.0.0.1: el control se hace tras resolver.
	w := env.crearWebhook(t, admin, strings.Replace(rec.URL, "127.0.0.1", "localhost", 1), "solicitud.creada")
	env.crearSolicitud(t, env.loginComo("sol", models.RolSolicitante).AccessToken, env.cuerpoSolicitud(2))
	if n, err := estricta.Webhooks.UnaPasada(context.Background()); err != nil || n != 1 {
		t.Fatalf("pasada = %d, %v", n, err)
	}
	if len(rec.todos()) != 0 {
		t.Fatal("el receptor en loopback recibió la entrega")
	}
	es := env.entregas(t, admin, w.ID)
	if len(es) != 1 || es[0].Resultado != "reintento" || es[0].EstadoHTTP != nil || es[0].Error == nil || !strings.Contains(*es[0].Error, "dirección no permitida") {
		t.Fatalf("entregas = %s", fmtJSON(es))
	}
}

// TestWebhooksEntrega: el evento llega firmado como Standard Webhooks, con
// webhook-id igual al id del evento y el cuerpo de §11; solo los tipos
// suscritos.
func TestWebhooksEntrega(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, nil)
	otro := nuevoReceptor(t, nil)
	w := env.crearWebhook(t, admin, rec.URL+"/hook?x=1", "solicitud.creada", "solicitud.cancelada")
	env.crearWebhook(t, admin, otro.URL, "solicitud.aprobada")
	sol := env.loginComo("sol", models.RolSolicitante)
	s := env.crearSolicitud(t, sol.AccessToken, env.cuerpoSolicitud(2))
	if n := env.pasada(t); n != 1 {
		t.Fatalf("intentos = %d, want 1", n)
	}
	rs := rec.todos()
	if len(rs) != 1 || len(otro.todos()) != 0 {
		t.Fatalf("recibidos = %d y %d, want 1 y 0", len(rs), len(otro.todos()))
	}
	h, cuerpo := rs[0].header, rs[0].cuerpo
	verificarFirma(t, w.Secreto, h, cuerpo)
	if h.Get("Content-Type") != "application/json" || !strings.HasPrefix(h.Get("User-Agent"), "solicitud-transporte-webhooks/") {
		t.Fatalf("cabeceras = %v", h)
	}
	if ts := h.Get("webhook-timestamp"); ts != strconv.FormatInt(env.reloj.Now().Unix(), 10) {
		t.Fatalf("webhook-timestamp = %s, want %d", ts, env.reloj.Now().Unix())
	}
	var ev struct {
		ID        uint64 `json:"id"`
		Tipo      string `json:"tipo"`
		Fecha     string `json:"fecha"`
		Solicitud struct {
			ID      uint   `json:"id"`
			Codigo  string `json:"codigo"`
			Estado  string `json:"estado"`
			Version int    `json:"version"`
		} `json:"solicitud"`
		Actor *struct {
			ID       uint   `json:"id"`
			Username string `json:"username"`
		} `json:"actor"`
	}
	dec := json.NewDecoder(strings.NewReader(string(cuerpo)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		t.Fatalf("cuerpo %s: %v", cuerpo, err)
	}
	if h.Get("webhook-id") != strconv.FormatUint(ev.ID, 10) || ev.Tipo != "solicitud.creada" || ev.Solicitud.ID != s.ID ||
		ev.Solicitud.Codigo != s.Codigo || ev.Solicitud.Estado != "pendiente" || ev.Actor == nil || ev.Actor.Username != "sol" {
		t.Fatalf("webhook-id %s, cuerpo %s", h.Get("webhook-id"), cuerpo)
	}
	if _, err := time.Parse(time.RFC3339, ev.Fecha); err != nil || !strings.HasSuffix(ev.Fecha, "-06:00") {
		t.Fatalf("fecha = %q, want RFC 3339 en TIMEZONE", ev.Fecha)
	}
	es := env.entregas(t, admin, w.ID)
	if len(es) != 1 || es[0].Resultado != "entregada" || es[0].EstadoHTTP == nil || *es[0].EstadoHTTP != 204 ||
		es[0].EventoID == nil || *es[0].EventoID != ev.ID || es[0].Intento != 1 || es[0].Error != nil {
		t.Fatalf("entregas = %s", fmtJSON(es))
	}
	if n := env.pasada(t); n != 0 || len(rec.todos()) != 1 {
		t.Fatalf("una entrega ya hecha se repitió (%d intentos)", n)
	}
	if !strings.Contains(env.logsTexto(), "resultado=entregada") || strings.Contains(env.logsTexto(), w.Secreto[6:]) ||
		strings.Contains(env.logsTexto(), s.Codigo) {
		t.Fatalf("log: %s", env.logsTexto())
	}
}

// TestWebhooksReintentos: un receptor que falla dos veces y luego acepta
// recibe el mismo mensaje (mismo webhook-id y cuerpo) tras esperas
// crecientes del reloj inyectado.
func TestWebhooksReintentos(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, func(n int, w http.ResponseWriter) {
		if n <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	w := env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	env.crearSolicitud(t, env.loginComo("sol", models.RolSolicitante).AccessToken, env.cuerpoSolicitud(2))
	paso := func(avance time.Duration, intentos int) {
		t.Helper()
		env.reloj.Avanzar(avance)
		if n := env.pasada(t); n != intentos {
			t.Fatalf("tras %s: %d intentos, want %d", avance, n, intentos)
		}
	}
	paso(0, 1)
	paso(4*time.Second, 0)
	paso(time.Second, 1) // 5 s después del primero
	paso(59*time.Second, 0)
	paso(time.Second, 1) // 1 min después del segundo
	paso(time.Hour, 0)   // entregado: no hay más
	rs := rec.todos()
	if len(rs) != 3 {
		t.Fatalf("recibidos = %d", len(rs))
	}
	for _, r := range rs[1:] {
		if r.header.Get("webhook-id") != rs[0].header.Get("webhook-id") || string(r.cuerpo) != string(rs[0].cuerpo) {
			t.Fatalf("un reintento cambió el mensaje: %v %s", r.header, r.cuerpo)
		}
		verificarFirma(t, w.Secreto, r.header, r.cuerpo)
	}
	es := env.entregas(t, env.loginAdmin().AccessToken, w.ID)
	if len(es) != 3 || es[0].Resultado != "entregada" || es[1].Resultado != "reintento" || es[2].Resultado != "reintento" ||
		es[0].Intento != 3 || es[2].Intento != 1 || *es[1].EstadoHTTP != 500 {
		t.Fatalf("entregas = %s", fmtJSON(es))
	}
}

// TestWebhooksFallida: un receptor que siempre falla se reintenta durante
// 24 h y luego la entrega es fallida; no se intenta más.
func TestWebhooksFallida(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	rec := nuevoReceptor(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) })
	w := env.crearWebhook(t, env.loginAdmin().AccessToken, rec.URL, "solicitud.creada")
	env.crearSolicitud(t, env.loginComo("sol", models.RolSolicitante).AccessToken, env.cuerpoSolicitud(2))
	inicio := env.reloj.Now()
	var ultimo time.Duration
	for range 40 {
		if env.pasada(t) == 1 {
			ultimo = env.reloj.Now().Sub(inicio)
		}
		if n, _ := env.store.EnviosPendientes(context.Background()); n == 0 {
			break
		}
		env.reloj.Avanzar(time.Hour)
	}
	if ultimo != 24*time.Hour {
		t.Fatalf("último intento a los %s, want 24h", ultimo)
	}
	env.reloj.Avanzar(48 * time.Hour)
	antes := len(rec.todos())
	env.pasada(t)
	if len(rec.todos()) != antes {
		t.Fatal("una entrega fallida se volvió a intentar")
	}
	es := env.entregas(t, env.loginAdmin().AccessToken, w.ID)
	if es[0].Resultado != "fallida" || len(es) != antes || len(es) > 12 {
		t.Fatalf("entregas (%d intentos) = %s", antes, fmtJSON(es))
	}
	for _, e := range es[1:] {
		if e.Resultado != "reintento" {
			t.Fatalf("entregas = %s", fmtJSON(es))
		}
	}
}

// TestWebhooksRedireccion: un 3xx es un intento fallido; la redirección no
// se sigue.
func TestWebhooksRedireccion(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	destino := nuevoReceptor(t, nil)
	rec := nuevoReceptor(t, func(_ int, w http.ResponseWriter) {
		w.Header().Set("Location", destino.URL+"/robado")
		w.WriteHeader(http.StatusFound)
	})
	w := env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	env.crearSolicitud(t, env.loginComo("sol", models.RolSolicitante).AccessToken, env.cuerpoSolicitud(2))
	env.pasada(t)
	if len(rec.todos()) != 1 || len(destino.todos()) != 0 {
		t.Fatalf("recibidos = %d y %d en el destino de la redirección, want 1 y 0", len(rec.todos()), len(destino.todos()))
	}
	es := env.entregas(t, admin, w.ID)
	if len(es) != 1 || es[0].Resultado != "reintento" || *es[0].EstadoHTTP != 302 || !strings.Contains(*es[0].Error, "redirección") {
		t.Fatalf("entregas = %s", fmtJSON(es))
	}
}

// TestWebhooksReceptorLento: un intento espera al receptor como mucho el
// plazo, y mientras tanto la API atiende sin esperar.
func TestWebhooksReceptorLento(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	soltar := make(chan struct{})
	rec := nuevoReceptor(t, func(_ int, w http.ResponseWriter) {
		select {
		case <-soltar:
		case <-time.After(5 * time.Second):
		}
	})
	t.Cleanup(func() { close(soltar) })
	w := env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	sol := env.loginComo("sol", models.RolSolicitante).AccessToken
	env.crearSolicitud(t, sol, env.cuerpoSolicitud(2))
	hecho := make(chan time.Duration)
	go func() {
		inicio := time.Now()
		env.app.Webhooks.UnaPasada(context.Background())
		hecho <- time.Since(inicio)
	}()
	for len(rec.todos()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	// El receptor tiene el intento en vilo: la API sigue contestando,
	// escrituras incluidas (el POST no ocupa la base).
	inicio := time.Now()
	env.crearSolicitud(t, sol, env.cuerpoSolicitud(3))
	env.hacer(peticion{metodo: "GET", ruta: "/webhooks/", token: admin}).esperar(t, 200, "")
	if d := time.Since(inicio); d > plazoPrueba {
		t.Fatalf("la API tardó %s con un receptor lento", d)
	}
	if d := <-hecho; d > plazoPrueba+2*time.Second {
		t.Fatalf("la pasada tardó %s, want ≈ %s", d, plazoPrueba)
	}
	es := env.entregas(t, admin, w.ID)
	if len(es) != 1 || es[0].EstadoHTTP != nil || !strings.Contains(*es[0].Error, "tiempo agotado") || es[0].Resultado != "reintento" {
		t.Fatalf("entregas = %s", fmtJSON(es))
	}
	t.Run("probar también tiene plazo", func(t *testing.T) {
		inicio := time.Now()
		var e entregaR
		r := env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/webhooks/%d/probar", w.ID), token: admin}).esperar(t, 200, "")
		r.leer(t, &e)
		if e.Resultado != "fallida" || e.EventoID != nil || time.Since(inicio) > plazoPrueba+2*time.Second {
			t.Fatalf("probar = %s en %s", r.cuerpo, time.Since(inicio))
		}
	})
}

// TestWebhooksProbar: el ping llega firmado y queda en el registro.
func TestWebhooksProbar(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, nil)
	w := env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	var e entregaR
	r := env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/webhooks/%d/probar", w.ID), token: admin}).esperar(t, 200, "")
	r.leer(t, &e)
	if r.mensaje != "Ping entregado" || e.Resultado != "entregada" || e.EventoID != nil || e.Intento != 1 || *e.EstadoHTTP != 204 {
		t.Fatalf("probar = %s", r.cuerpo)
	}
	rs := rec.todos()
	if len(rs) != 1 || !strings.HasPrefix(rs[0].header.Get("webhook-id"), "ping_") ||
		!strings.Contains(string(rs[0].cuerpo), `"tipo":"ping"`) {
		t.Fatalf("recibido = %v %s", rs, rs[0].cuerpo)
	}
	verificarFirma(t, w.Secreto, rs[0].header, rs[0].cuerpo)
	if es := env.entregas(t, admin, w.ID); len(es) != 1 || es[0].EventoID != nil {
		t.Fatalf("entregas = %s", fmtJSON(es))
	}
	env.hacer(peticion{metodo: "POST", ruta: "/webhooks/999/probar", token: admin}).esperar(t, 404, "NO_ENCONTRADO")
}

// TestWebhooksArriendo: un intento reclamado que nunca termina (el proceso
// murió: kill -9) se repite cuando vence su arriendo, también tras
// reiniciar; antes no.
func TestWebhooksArriendo(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, nil)
	w := env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	env.crearSolicitud(t, env.loginComo("sol", models.RolSolicitante).AccessToken, env.cuerpoSolicitud(2))
	ctx := context.Background()
	cuerpo := func(e *models.Evento) ([]byte, error) { return models.CuerpoEvento(e, nil) }
	if n, err := env.store.DespacharEventos(ctx, cuerpo); err != nil || n != 1 {
		t.Fatalf("despachar = %d, %v", n, err)
	}
	// Lo reclama una instancia que muere sin anotar nada.
	arriendo := env.app.Webhooks.Arriendo()
	ahora := env.reloj.Now()
	if es, err := env.store.ReclamarEnvios(ctx, ahora, ahora.Add(arriendo), 10); err != nil || len(es) != 1 {
		t.Fatalf("reclamar = %v, %v", es, err)
	}
	env.reiniciar()
	env.reloj.Avanzar(arriendo - time.Second)
	if n := env.pasada(t); n != 0 {
		t.Fatalf("se repitió antes de vencer el arriendo (%d)", n)
	}
	env.reloj.Avanzar(time.Second)
	if n := env.pasada(t); n != 1 || len(rec.todos()) != 1 {
		t.Fatalf("tras el arriendo: %d intentos, %d recibidos", n, len(rec.todos()))
	}
	es := env.entregas(t, env.loginAdmin().AccessToken, w.ID)
	if len(es) != 1 || es[0].Intento != 2 || es[0].Resultado != "entregada" {
		t.Fatalf("entregas = %s", fmtJSON(es))
	}
}

// TestWebhooksDosInstancias (§10): dos instancias sobre una base entregan a
// la vez y cada evento llega exactamente una vez.
func TestWebhooksDosInstancias(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	b := env.instanciaWebhooks(t, nil)
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, func(_ int, w http.ResponseWriter) {
		time.Sleep(10 * time.Millisecond) // que los intentos se solapen
		w.WriteHeader(http.StatusOK)
	})
	env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	sol := env.loginComo("sol", models.RolSolicitante).AccessToken
	const n = 24
	for i := range n {
		env.crearSolicitud(t, sol, env.cuerpoSolicitud(2+i%20))
	}
	var wg sync.WaitGroup
	for _, app := range []interface {
		UnaPasada(context.Context) (int, error)
	}{env.app.Webhooks, b.Webhooks} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if _, err := app.UnaPasada(context.Background()); err != nil {
					t.Error(err)
					return
				}
				if p, _ := env.store.EnviosPendientes(context.Background()); p == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	cuenta := map[string]int{}
	for _, r := range rec.todos() {
		cuenta[r.header.Get("webhook-id")]++
	}
	if len(cuenta) != n {
		t.Fatalf("%d eventos distintos recibidos, want %d", len(cuenta), n)
	}
	for id, c := range cuenta {
		if c != 1 {
			t.Fatalf("evento %s recibido %d veces", id, c)
		}
	}
}

// TestWebhooksBorrarYDesactivar: borrar o desactivar un webhook descarta
// sus envíos pendientes; reactivarlo no trae lo ocurrido mientras tanto.
func TestWebhooksBorrarYDesactivar(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t)
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) })
	w1 := env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	w2 := env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	sol := env.loginComo("sol", models.RolSolicitante).AccessToken
	env.crearSolicitud(t, sol, env.cuerpoSolicitud(2))
	env.pasada(t)
	pendientes := func() int64 {
		n, err := env.store.EnviosPendientes(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if p := pendientes(); p != 2 {
		t.Fatalf("pendientes = %d, want 2", p)
	}
	env.hacer(peticion{metodo: "DELETE", ruta: fmt.Sprintf("/webhooks/%d", w1.ID), token: admin}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/webhooks/%d", w2.ID), token: admin, cuerpo: map[string]any{"activo": false}}).esperar(t, 200, "")
	if p := pendientes(); p != 0 {
		t.Fatalf("pendientes = %d, want 0", p)
	}
	env.crearSolicitud(t, sol, env.cuerpoSolicitud(3)) // mientras está inactivo
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/webhooks/%d", w2.ID), token: admin, cuerpo: map[string]any{"activo": true}}).esperar(t, 200, "")
	env.reloj.Avanzar(time.Hour)
	antes := len(rec.todos())
	if n := env.pasada(t); n != 0 || len(rec.todos()) != antes {
		t.Fatalf("tras reactivar: %d intentos", n)
	}
}

// TestWebhooksMetricas (§10): los envíos pendientes y los intentos por
// resultado se ven en /metrics.
func TestWebhooksMetricas(t *testing.T) {
	t.Parallel()
	env := entornoWebhooks(t, func(c *configT) { c.MetricsAddr = "127.0.0.1:9090" })
	admin := env.loginAdmin().AccessToken
	rec := nuevoReceptor(t, func(_ int, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) })
	env.crearWebhook(t, admin, rec.URL, "solicitud.creada")
	env.crearSolicitud(t, env.loginComo("sol", models.RolSolicitante).AccessToken, env.cuerpoSolicitud(2))
	env.pasada(t)
	r := httptest.NewRecorder()
	env.metricas.Handler().ServeHTTP(r, httptest.NewRequest("GET", "/metrics", nil))
	for _, linea := range []string{
		"solicitud_transporte_webhooks_envios_pendientes 1",
		`solicitud_transporte_webhooks_entregas_total{resultado="reintento"} 1`,
		`solicitud_transporte_webhooks_entregas_total{resultado="entregada"} 0`,
	} {
		if !strings.Contains(r.Body.String(), linea+"\n") {
			t.Fatalf("falta %q en /metrics", linea)
		}
	}
}
