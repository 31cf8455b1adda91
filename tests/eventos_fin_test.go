package tests

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/cmd/server/aplicacion"
	"solicitud-transporte/config"
	"solicitud-transporte/models"
)

// TestEventosSSELatido: un flujo sin eventos recibe un comentario cada
// latido (15 s en producción), que los proxies no cierran; la métrica de
// suscriptores lo cuenta mientras está abierto. HEAD responde las cabeceras
// sin abrir un flujo.
func TestEventosSSELatido(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(100*time.Millisecond), func(c *config.Config) { c.MetricsAddr = "127.0.0.1:9090" })
	token := env.loginAdmin().AccessToken
	r := env.hacer(peticion{metodo: "HEAD", ruta: "/eventos", token: token})
	if r.status != 200 || len(r.cuerpo) != 0 || r.header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
		t.Fatalf("HEAD: %q %v", r.cuerpo, r.header)
	}
	fl := abrirFlujo(t, env.servidorHTTP(nil), token, "")
	if v := valorDe(env.series(), "solicitud_transporte_eventos_suscriptores"); v != 1 {
		t.Fatalf("eventos_suscriptores = %v, want 1", v)
	}
	for range 2 {
		select {
		case m := <-fl.mensajes:
			if m.comentario != "latido" || m.evento != "" || m.id != "" {
				t.Fatalf("mensaje = %+v, want el comentario «latido»", m)
			}
		case <-time.After(plazoEvento):
			t.Fatal("ningún latido")
		}
	}
}

// TestEventosSSETokenExpirado: cuando vence el token de acceso con que se
// abrió, el flujo envía token_expirado y termina.
func TestEventosSSETokenExpirado(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	fl := abrirFlujo(t, env.servidorHTTP(nil), env.loginComo("ana_x", models.RolSolicitante).AccessToken, "")
	env.reloj.Avanzar(59 * time.Minute)
	select {
	case <-fl.fin:
		t.Fatal("el flujo terminó antes de que venciera el token")
	case <-time.After(500 * time.Millisecond):
	}
	env.reloj.Avanzar(time.Minute)
	ms := fl.esperarFin(plazoEvento)
	if len(ms) != 1 || ms[0].evento != "token_expirado" || ms[0].id != "" {
		t.Fatalf("mensajes = %+v, want solo token_expirado", ms)
	}
}

// TestEventosSSEPurgaPorRetencion: Mantener borra los eventos más viejos
// que EVENTOS_RETENCION_DIAS; quien vuelve con uno de ellos recibe reinicio.
func TestEventosSSEPurgaPorRetencion(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	f := env.nuevaFlota("m")
	vieja := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(2))
	env.reloj.Avanzar(8 * 24 * time.Hour) // los tokens de antes ya vencieron
	nueva := env.crearSolicitud(t, env.login("solicitante_m", passPrueba).AccessToken, env.cuerpoSolicitud(3))
	ctx, parar := context.WithCancel(context.Background())
	defer parar()
	go env.app.Mantener(ctx, time.Hour)
	limite := time.Now().Add(plazoEvento)
	for {
		m, err := env.store.Marcas(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if m.PurgadoHasta > 0 {
			if m.PurgadoHasta >= m.Ultimo {
				t.Fatalf("se purgó también el evento reciente: %+v", m)
			}
			fl := abrirFlujo(t, env.servidorHTTP(nil), env.loginAdmin().AccessToken, strconv.FormatUint(m.PurgadoHasta-1, 10))
			if msg := fl.siguiente(plazoEvento); msg.evento != "reinicio" {
				t.Fatalf("primer mensaje = %+v, want reinicio (la solicitud %d quedó purgada, la %d no)", msg, vieja.ID, nueva.ID)
			}
			return
		}
		if time.Now().After(limite) {
			t.Fatal("Mantener no purgó los eventos viejos")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEventosSSERevocacion: el flujo termina enseguida (con
// sesion_revocada) cuando su sesión se revoca, por logout «todas» o por un
// admin, o la cuenta se desactiva; también si eso pasa en otra instancia.
func TestEventosSSERevocacion(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	b := env.otraInstancia()
	base, baseB := env.servidorHTTP(nil), env.servidorHTTP(b)
	admin := env.loginAdmin().AccessToken
	casos := []struct {
		nombre  string
		revocar func(s sesionTokens)
	}{
		{"logout todas", func(s sesionTokens) {
			env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s.AccessToken, cuerpo: map[string]string{"alcance": "todas"}}).esperar(t, 200, "")
		}},
		{"logout de la sesión", func(s sesionTokens) {
			env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s.AccessToken, cuerpo: map[string]string{}}).esperar(t, 200, "")
		}},
		{"admin revoca las sesiones", func(s sesionTokens) {
			env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/usuarios/%d/sesiones/revocar", s.User.ID), token: admin}).esperar(t, 200, "")
		}},
		{"admin desactiva la cuenta", func(s sesionTokens) {
			env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", s.User.ID), token: admin, cuerpo: map[string]any{"activo": false}}).esperar(t, 200, "")
		}},
	}
	for i, c := range casos {
		for j, en := range []string{base, baseB} {
			s := env.loginComo(fmt.Sprintf("rev_%d_%d", i, j), models.RolSolicitante)
			otra := env.login(s.User.Username, passPrueba) // otra sesión del mismo usuario
			fl := abrirFlujo(t, en, s.AccessToken, "")
			flOtra := abrirFlujo(t, en, otra.AccessToken, "")
			inicio := time.Now()
			c.revocar(s)
			ms := fl.esperarFin(plazoEvento)
			if len(ms) != 1 || ms[0].evento != "sesion_revocada" {
				t.Fatalf("%s (instancia %d): mensajes = %+v, want sesion_revocada", c.nombre, j, ms)
			}
			if d := time.Since(inicio); d > 2*time.Second {
				t.Errorf("%s (instancia %d): el flujo tardó %v en cerrarse", c.nombre, j, d)
			}
			if c.nombre == "logout de la sesión" {
				select {
				case <-flOtra.fin:
					t.Fatalf("el logout de una sesión cerró el flujo de otra")
				case <-time.After(300 * time.Millisecond):
				}
			}
		}
	}
}

// TestEventosSSEVariasInstancias (§10, §11.1): un evento confirmado a
// través de una instancia llega en menos de 2 s al suscriptor de otra.
func TestEventosSSEVariasInstancias(t *testing.T) {
	t.Parallel()
	// El sondeo de producción (500 ms): es lo que se promete.
	env := nuevoEntorno(t)
	b := env.otraInstancia()
	f := env.nuevaFlota("i")
	fl := abrirFlujo(t, env.servidorHTTP(b), f.admin, "")
	for range 3 {
		inicio := time.Now()
		s := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(2))
		if e := fl.siguienteEvento(plazoEvento); e.Solicitud.ID != s.ID {
			t.Fatalf("evento = %+v, want la creación de %d", e, s.ID)
		}
		if d := time.Since(inicio); d > 2*time.Second {
			t.Errorf("el evento tardó %v en llegar a la otra instancia", d)
		}
	}
}

// TestEventosSSEServidorReal: con los plazos de lectura y escritura de un
// http.Server (como los de cmd/server), un flujo sigue vivo mucho después
// de ellos y sigue entregando.
func TestEventosSSEServidorReal(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(200*time.Millisecond))
	srv := httptest.NewUnstartedServer(env.e)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 500*time.Millisecond, 500*time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	f := env.nuevaFlota("s")
	fl := abrirFlujo(t, srv.URL, f.admin, "")
	time.Sleep(2 * time.Second)
	s := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(2))
	if e := fl.siguienteEvento(plazoEvento); e.Solicitud.ID != s.ID {
		t.Fatalf("evento = %+v", e)
	}
	select {
	case <-fl.fin:
		t.Fatal("el servidor cortó el flujo")
	default:
	}
}

// TestEventosSSESinFugas: 200 suscriptores que se conectan y se van no
// dejan goroutines ni suscripciones detrás.
func TestEventosSSESinFugas(t *testing.T) {
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	srv := httptest.NewServer(env.e)
	t.Cleanup(srv.Close)
	token := env.loginAdmin().AccessToken
	cliente := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	base := runtime.NumGoroutine()

	var wg sync.WaitGroup
	flujos := make([]*http.Response, 200)
	for i := range flujos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", srv.URL+"/eventos", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := cliente.Do(req)
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("suscriptor %d: %v %v", i, err, resp)
				return
			}
			flujos[i] = resp
		}()
	}
	wg.Wait()
	if n := env.app.Eventos.Suscriptores(); n != 200 {
		t.Fatalf("suscriptores = %d, want 200", n)
	}
	for _, r := range flujos {
		if r != nil {
			r.Body.Close()
		}
	}
	limite := time.Now().Add(20 * time.Second)
	for {
		n, g := env.app.Eventos.Suscriptores(), runtime.NumGoroutine()
		if n == 0 && g <= base+2 {
			break
		}
		if time.Now().After(limite) {
			t.Fatalf("tras cerrar: %d suscriptores y %d goroutines (antes %d)", n, g, base)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestEventosSSECORS: un frontend de otro origen listado puede reconectar
// con fetch enviando Authorization y Last-Event-ID.
func TestEventosSSECORS(t *testing.T) {
	t.Parallel()
	const app = "https://app.ejemplo.org"
	env := nuevoEntorno(t, func(c *configT) { c.CORSAllowedOrigins = []string{app} })
	r := env.hacer(peticion{metodo: "OPTIONS", ruta: "/eventos", headers: map[string]string{
		"Origin": app, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization,last-event-id"}})
	permitidas := strings.ToLower(r.header.Get("Access-Control-Allow-Headers"))
	if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != app ||
		!strings.Contains(permitidas, "authorization") || !strings.Contains(permitidas, "last-event-id") {
		t.Fatalf("preflight de GET /eventos: %d %v", r.status, r.header)
	}
}

// TestEventosSSERevocacionEnEstaInstancia: un logout en la misma instancia
// cierra el flujo sin esperar a la revisión periódica (aquí de un minuto):
// la escritura en /auth/ la pide al momento.
func TestEventosSSERevocacionEnEstaInstancia(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, []aplicacion.Opcion{aplicacion.ConEventos(aplicacion.OpcionesEventos{Revision: time.Minute})})
	s := env.loginComo("rev_local", models.RolSolicitante)
	fl := abrirFlujo(t, env.servidorHTTP(nil), s.AccessToken, "")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s.AccessToken, cuerpo: map[string]string{}}).esperar(t, 200, "")
	if ms := fl.esperarFin(plazoEvento); len(ms) != 1 || ms[0].evento != "sesion_revocada" {
		t.Fatalf("mensajes = %+v, want sesion_revocada", ms)
	}
}
