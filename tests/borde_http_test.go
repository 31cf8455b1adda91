package tests

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// Reglas HTTP y de tokens de API.md §12.

func TestHEADComoGET(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	env.crearSolicitud(t, admin.AccessToken, env.cuerpoSolicitud(1))

	for _, ruta := range []string{"/salud", "/solicitud/", "/solicitud", "/solicitud/1", "/solicitud/1/historial", "/solicitud/999",
		"/auth/me", "/usuarios/?rol=nada", "/openapi.json", "/docs/", "/docs/swagger-ui.css", "/no/existe"} {
		t.Run(ruta, func(t *testing.T) {
			get := httptest.NewRequest("GET", ruta, nil)
			head := httptest.NewRequest("HEAD", ruta, nil)
			for _, r := range []*http.Request{get, head} {
				r.Header.Set("Authorization", "Bearer "+admin.AccessToken)
				r.Header.Set("X-Request-ID", "fijo")
			}
			g, h := env.cruda(get), env.cruda(head)
			if g.Code == http.StatusMethodNotAllowed {
				t.Fatalf("GET %s = 405", ruta)
			}
			if h.Code != g.Code {
				t.Fatalf("HEAD = %d, GET = %d; cuerpo HEAD %s", h.Code, g.Code, h.Body)
			}
			if h.Body.Len() != 0 {
				t.Fatalf("HEAD con cuerpo: %q", h.Body)
			}
			for k := range g.Header() {
				if k == "Content-Length" || k == "Date" || k == "X-Ratelimit-Remaining" {
					continue
				}
				if g.Header().Get(k) != h.Header().Get(k) {
					t.Errorf("cabecera %s: GET %q, HEAD %q", k, g.Header().Get(k), h.Header().Get(k))
				}
			}
			if cl := h.Header().Get("Content-Length"); cl != "" && cl != fmt.Sprint(g.Body.Len()) {
				t.Errorf("Content-Length de HEAD = %s, el cuerpo de GET mide %d", cl, g.Body.Len())
			}
		})
	}
	t.Run("HEAD donde solo hay POST es 405", func(t *testing.T) {
		h := env.cruda(httptest.NewRequest("HEAD", "/auth/login", nil))
		if h.Code != http.StatusMethodNotAllowed || h.Body.Len() != 0 {
			t.Fatalf("HEAD /auth/login = %d %q", h.Code, h.Body)
		}
	})
}

func TestCSPDocs(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	for _, ruta := range []string{"/docs", "/docs/"} {
		rec := env.cruda(httptest.NewRequest("GET", ruta, nil))
		csp := rec.Header().Get("Content-Security-Policy")
		if rec.Code != 200 || !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'self' 'sha256-") ||
			strings.Contains(csp, "'unsafe-eval'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
			t.Fatalf("GET %s = %d, Content-Security-Policy %q", ruta, rec.Code, csp)
		}
	}
}

// TestCuerpoQueNoLlega usa un servidor HTTP real con ReadTimeout corto: el
// cliente manda las cabeceras y una parte del cuerpo y se calla. La respuesta
// es 408 en el sobre, no un 400 ni un corte sin respuesta.
func TestCuerpoQueNoLlega(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	sol := env.loginComo("sol", models.RolSolicitante)
	srv := httptest.NewUnstartedServer(env.e)
	srv.Config.ReadTimeout = 300 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)

	casos := []struct{ nombre, ruta, ctype, token, parcial string }{
		{"JSON autenticado", "/solicitud/", "application/json", sol.AccessToken, `{"origen":"San Sal`},
		{"formulario de login", "/auth/login", "application/x-www-form-urlencoded", "", "username=sol&pass"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			cab := "POST " + c.ruta + " HTTP/1.1\r\nHost: prueba\r\nContent-Type: " + c.ctype + "\r\nContent-Length: 500\r\n"
			if c.token != "" {
				cab += "Authorization: Bearer " + c.token + "\r\n"
			}
			if _, err := io.WriteString(conn, cab+"\r\n"+c.parcial); err != nil {
				t.Fatal(err)
			}
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			req := httptest.NewRequest("POST", c.ruta, nil)
			res, err := http.ReadResponse(bufio.NewReader(conn), req)
			if err != nil {
				t.Fatalf("sin respuesta: %v", err)
			}
			cuerpo, _ := io.ReadAll(res.Body)
			if msg := validarContrato(req, res.StatusCode, res.Header, cuerpo); msg != "" {
				t.Errorf("no cumple el documento OpenAPI: %s\ncuerpo: %s", msg, cuerpo)
			}
			var sobre struct {
				Exito   bool   `json:"exito"`
				Codigo  string `json:"codigo"`
				Mensaje string `json:"mensaje"`
				Detalle string `json:"detalle"`
			}
			if err := json.Unmarshal(cuerpo, &sobre); err != nil || res.StatusCode != http.StatusRequestTimeout ||
				sobre.Exito || sobre.Codigo != "TIEMPO_AGOTADO" || sobre.Detalle == "" {
				t.Fatalf("status %d, cuerpo %s", res.StatusCode, cuerpo)
			}
		})
	}
}
