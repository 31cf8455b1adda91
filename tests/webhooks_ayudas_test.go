package tests

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/cmd/server/aplicacion"
)

// plazoPrueba es el plazo de un intento de entrega en las pruebas (10 s en
// producción): un receptor lento se nota sin esperar 10 s.
const plazoPrueba = 300 * time.Millisecond

// entornoWebhooks es un entorno cuya entrega de webhooks se mueve a mano
// (pasada), al ritmo del reloj de la prueba, y que permite URLs en
// 127.0.0.1 (los receptores de httptest escuchan ahí).
func entornoWebhooks(t *testing.T, ajustar ...func(*configT)) *entorno {
	t.Helper()
	ajustes := append([]func(*configT){func(c *configT) { c.WebhookPermitirRedPrivada = true }}, ajustar...)
	return nuevoEntornoCon(t, []aplicacion.Opcion{aplicacion.SinEntregaDeFondo(), aplicacion.ConPlazoWebhooks(plazoPrueba)}, ajustes...)
}

// pasada mueve la entrega una vez y devuelve cuántos intentos hizo.
func (env *entorno) pasada(t testing.TB) int {
	t.Helper()
	n, err := env.app.Webhooks.UnaPasada(context.Background())
	if err != nil {
		t.Fatalf("pasada: %v", err)
	}
	return n
}

// instanciaWebhooks arma otra aplicación sobre la misma base con la
// configuración de env cambiada por ajustar, sin entrega de fondo.
func (env *entorno) instanciaWebhooks(t testing.TB, ajustar func(*configT)) *aplicacion.Aplicacion {
	t.Helper()
	cfg := *env.cfg
	if ajustar != nil {
		ajustar(&cfg)
	}
	log := slog.New(slog.NewTextHandler(escritorSeguro{env.logMu, env.logs}, nil))
	app, err := aplicacion.Nueva(context.Background(), &cfg, env.reloj.Now, log, "test-b",
		aplicacion.SinEntregaDeFondo(), aplicacion.ConPlazoWebhooks(plazoPrueba))
	if err != nil {
		t.Fatalf("otra instancia: %v", err)
	}
	t.Cleanup(func() { app.Close() })
	return app
}

// recibido es una petición que llegó a un receptor.
type recibido struct {
	header http.Header
	cuerpo []byte
}

// receptor es un servidor de prueba que anota lo que recibe y contesta con
// responder (n es el número de la petición, desde 1); nil contesta 200.
type receptor struct {
	*httptest.Server
	mu        sync.Mutex
	recibidos []recibido
	responder func(n int, w http.ResponseWriter)
}

func nuevoReceptor(t testing.TB, responder func(n int, w http.ResponseWriter)) *receptor {
	r := &receptor{responder: responder}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.recibidos = append(r.recibidos, recibido{header: req.Header.Clone(), cuerpo: b})
		n := len(r.recibidos)
		r.mu.Unlock()
		if r.responder != nil {
			r.responder(n, w)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receptor) todos() []recibido {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recibido(nil), r.recibidos...)
}

// webhookR es un webhook en una respuesta.
type webhookR struct {
	ID          uint     `json:"id"`
	URL         string   `json:"url"`
	Eventos     []string `json:"eventos"`
	Descripcion string   `json:"descripcion"`
	Activo      bool     `json:"activo"`
	Secreto     string   `json:"secreto"`
}

// entregaR es un intento del registro.
type entregaR struct {
	EventoID   *uint64 `json:"eventoId"`
	Intento    int     `json:"intento"`
	EstadoHTTP *int    `json:"estadoHttp"`
	DuracionMs int64   `json:"duracionMs"`
	Error      *string `json:"error"`
	Resultado  string  `json:"resultado"`
}

// crearWebhook registra url suscrito a eventos y lo devuelve con su secreto.
func (env *entorno) crearWebhook(t testing.TB, admin, url string, eventos ...string) webhookR {
	t.Helper()
	var w webhookR
	env.hacer(peticion{metodo: "POST", ruta: "/webhooks/", token: admin, cuerpo: map[string]any{
		"url": url, "eventos": eventos, "descripcion": "Prueba"}}).esperar(t, 201, "").leer(t, &w)
	return w
}

// entregas devuelve el registro del webhook id, el más reciente primero.
func (env *entorno) entregas(t testing.TB, admin string, id uint) []entregaR {
	t.Helper()
	var p struct {
		Elementos []entregaR `json:"elementos"`
	}
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/webhooks/%d/entregas?porPagina=100", id), token: admin}).esperar(t, 200, "").leer(t, &p)
	return p.Elementos
}

// verificarFirma comprueba webhook-signature como lo haría un receptor,
// escrito aquí desde la especificación de Standard Webhooks y sin usar el
// código del servidor: clave = base64 decodificada de lo que sigue a
// "whsec_"; firma = base64(HMAC-SHA256(clave, id + "." + timestamp + "." +
// cuerpo)); la cabecera lleva una o más firmas "v1,<firma>" separadas por
// espacios.
func verificarFirma(t testing.TB, secreto string, h http.Header, cuerpo []byte) {
	t.Helper()
	clave, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secreto, "whsec_"))
	if err != nil || len(clave) < 24 {
		t.Fatalf("secreto %q: clave de %d bytes, %v", secreto, len(clave), err)
	}
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	if id == "" || ts == "" {
		t.Fatalf("faltan cabeceras: %v", h)
	}
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		t.Fatalf("webhook-timestamp = %q", ts)
	}
	mac := hmac.New(sha256.New, clave)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(cuerpo)
	esperada := mac.Sum(nil)
	for _, f := range strings.Fields(h.Get("webhook-signature")) {
		version, firma, ok := strings.Cut(f, ",")
		if !ok || version != "v1" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(firma)
		if err == nil && hmac.Equal(b, esperada) {
			return
		}
	}
	t.Fatalf("webhook-signature %q no verifica", h.Get("webhook-signature"))
}
