package tests

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/cmd/server/aplicacion"
)

// mensajeSSE es un mensaje de un flujo de GET /eventos; comentario es el
// texto de una línea «: …» (los latidos), sin los demás campos.
type mensajeSSE struct {
	id, evento, data string
	comentario       string
}

// eventoR es el data de un evento (API.md §11).
type eventoR struct {
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

// flujo es un GET /eventos abierto por HTTP real. Los mensajes llegan por
// mensajes; fin se cierra cuando el servidor termina el flujo.
type flujo struct {
	t        testing.TB
	resp     *http.Response
	mensajes chan mensajeSSE
	fin      chan struct{}
	cerrar   context.CancelFunc
}

// opcionesEventosPrueba acortan el sondeo y la revisión y fijan el latido
// (0: el de producción, 15 s).
func opcionesEventosPrueba(latido time.Duration) []aplicacion.Opcion {
	return opcionesEventosPruebaCon(latido, 0)
}

// opcionesEventosPruebaCon es opcionesEventosPrueba con un anillo de
// anillo eventos (0: el de producción).
func opcionesEventosPruebaCon(latido time.Duration, anillo int) []aplicacion.Opcion {
	return []aplicacion.Opcion{aplicacion.ConEventos(aplicacion.OpcionesEventos{
		Sondeo: 100 * time.Millisecond, Revision: 200 * time.Millisecond, Latido: latido, Anillo: anillo})}
}

// servidorHTTP sirve h (el router de env si es nil) en un puerto local: un
// flujo necesita una conexión de verdad, no un ResponseRecorder.
func (env *entorno) servidorHTTP(h *echo.Echo) string {
	env.t.Helper()
	if h == nil {
		h = env.e
	}
	srv := httptest.NewServer(h)
	env.t.Cleanup(srv.Close)
	return srv.URL
}

// abrirFlujo abre GET /eventos en base con token y, si no es vacío,
// Last-Event-ID; exige 200 text/event-stream. El flujo se cierra al terminar
// la prueba (antes que el servidor, que espera a sus peticiones).
func abrirFlujo(t testing.TB, base, token, ultimo string) *flujo {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/eventos", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if ultimo != "" {
		req.Header.Set("Last-Event-ID", ultimo)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET /eventos: %v", err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		t.Fatalf("GET /eventos = %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	f := &flujo{t: t, resp: resp, mensajes: make(chan mensajeSSE, 1024), fin: make(chan struct{}), cerrar: cancel}
	t.Cleanup(f.Cerrar)
	go f.leer()
	return f
}

// Cerrar corta el flujo desde el cliente.
func (f *flujo) Cerrar() {
	f.cerrar()
	f.resp.Body.Close()
}

// leer parte el cuerpo en mensajes SSE.
func (f *flujo) leer() {
	defer close(f.fin)
	r := bufio.NewReader(f.resp.Body)
	var m mensajeSSE
	for {
		linea, err := r.ReadString('\n')
		if err != nil {
			return
		}
		linea = strings.TrimSuffix(linea, "\n")
		switch {
		case linea == "":
			if m != (mensajeSSE{}) {
				f.mensajes <- m
			}
			m = mensajeSSE{}
		case strings.HasPrefix(linea, ":"):
			m.comentario = strings.TrimSpace(strings.TrimPrefix(linea, ":"))
		default:
			campo, valor, _ := strings.Cut(linea, ": ")
			switch campo {
			case "id":
				m.id = valor
			case "event":
				m.evento = valor
			case "data":
				m.data = valor
			default:
				m.evento = "CAMPO DESCONOCIDO " + linea
			}
		}
	}
}

// siguiente devuelve el próximo mensaje que no es un comentario; falla si
// no llega en plazo.
func (f *flujo) siguiente(plazo time.Duration) mensajeSSE {
	f.t.Helper()
	limite := time.After(plazo)
	for {
		select {
		case m := <-f.mensajes:
			if m.comentario == "" {
				return m
			}
		case <-limite:
			f.t.Fatalf("ningún mensaje en %v", plazo)
			return mensajeSSE{}
		}
	}
}

// siguienteEvento es siguiente para un evento de solicitud, ya decodificado
// y con el id del mensaje igual al del JSON.
func (f *flujo) siguienteEvento(plazo time.Duration) eventoR {
	f.t.Helper()
	m := f.siguiente(plazo)
	var e eventoR
	if err := json.Unmarshal([]byte(m.data), &e); err != nil || !strings.HasPrefix(m.evento, "solicitud.") {
		f.t.Fatalf("mensaje %+v no es un evento de solicitud (%v)", m, err)
	}
	if m.evento != e.Tipo || m.id != jsonNumero(e.ID) {
		f.t.Fatalf("mensaje %+v: id/event no coinciden con el data", m)
	}
	return e
}

// esperarFin espera a que el servidor cierre el flujo y devuelve los
// mensajes que no son comentarios recibidos hasta entonces.
func (f *flujo) esperarFin(plazo time.Duration) []mensajeSSE {
	f.t.Helper()
	var ms []mensajeSSE
	limite := time.After(plazo)
	for {
		select {
		case m := <-f.mensajes:
			if m.comentario == "" {
				ms = append(ms, m)
			}
		case <-f.fin:
			for {
				select {
				case m := <-f.mensajes:
					if m.comentario == "" {
						ms = append(ms, m)
					}
				default:
					return ms
				}
			}
		case <-limite:
			f.t.Fatalf("el flujo sigue abierto tras %v (mensajes: %+v)", plazo, ms)
			return nil
		}
	}
}

func jsonNumero(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
