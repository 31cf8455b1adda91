package tests

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/config"
	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// TestCatalogoErrores recorre las filas del catálogo de API.md §2 que produce
// el núcleo: cada una con su estado, su código y el sobre completo.
func TestCatalogoErrores(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *config.Config) { c.BodyLimit = "1K" })
	// Rutas de prueba: un panic, un error cualquiera y una ruta solo de admin.
	env.e.GET("/prueba/panic", func(echo.Context) error { panic("secreto interno que no debe salir") })
	env.e.GET("/prueba/error", func(echo.Context) error { return errors.New("detalle interno de la base") })
	env.e.GET("/prueba/admin", func(c echo.Context) error { return c.NoContent(204) },
		middleware.Autenticar(env.auth), middleware.RequiereRol(models.RolAdmin))

	admin := env.loginAdmin()
	sol := env.loginComo("solicitante1", models.RolSolicitante)
	grande := `{"username":"` + strings.Repeat("a", 2000) + `"}`

	casos := []struct {
		nombre string
		p      peticion
		status int
		codigo string
	}{
		{"json roto", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `{"username":`}, 400, "SOLICITUD_MAL_FORMADA"},
		{"tipo equivocado", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `{"username":5,"password":"x"}`}, 400, "SOLICITUD_MAL_FORMADA"},
		{"datos sobrantes", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `{"username":"a"} {"x":1}`}, 400, "SOLICITUD_MAL_FORMADA"},
		{"lista en vez de objeto", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `[]`}, 400, "SOLICITUD_MAL_FORMADA"},
		{"sin token", peticion{metodo: "GET", ruta: "/auth/me"}, 401, "TOKEN_NO_PROPORCIONADO"},
		{"esquema basic", peticion{metodo: "GET", ruta: "/auth/me", headers: map[string]string{"Authorization": "Basic YTpi"}}, 401, "TOKEN_NO_PROPORCIONADO"},
		{"bearer vacío", peticion{metodo: "GET", ruta: "/auth/me", headers: map[string]string{"Authorization": "Bearer "}}, 401, "TOKEN_NO_PROPORCIONADO"},
		{"token en la query", peticion{metodo: "GET", ruta: "/auth/me?access_token=" + admin.AccessToken + "&token=" + admin.AccessToken}, 401, "TOKEN_NO_PROPORCIONADO"},
		{"token basura", peticion{metodo: "GET", ruta: "/auth/me", token: "no.es.jwt"}, 401, "TOKEN_INVALIDO"},
		{"rol insuficiente", peticion{metodo: "GET", ruta: "/prueba/admin", token: sol.AccessToken}, 403, "PERMISOS_INSUFICIENTES"},
		{"ruta desconocida", peticion{metodo: "GET", ruta: "/no/existe"}, 404, "NO_ENCONTRADO"},
		{"ruta desconocida bajo /auth", peticion{metodo: "GET", ruta: "/auth/nada"}, 404, "NO_ENCONTRADO"},
		{"sesión desconocida", peticion{metodo: "DELETE", ruta: "/auth/sesiones/no-existe", token: admin.AccessToken}, 404, "NO_ENCONTRADO"},
		{"método no permitido", peticion{metodo: "DELETE", ruta: "/salud"}, 405, "METODO_NO_PERMITIDO"},
		{"método no permitido en login", peticion{metodo: "GET", ruta: "/auth/login"}, 405, "METODO_NO_PERMITIDO"},
		{"cuerpo demasiado grande", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: grande}, 413, "CUERPO_DEMASIADO_GRANDE"},
		{"texto plano", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: "hola", ctype: "text/plain"}, 415, "TIPO_CONTENIDO_NO_SOPORTADO"},
		{"xml", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: "<a/>", ctype: "application/xml"}, 415, "TIPO_CONTENIDO_NO_SOPORTADO"},
		{"credenciales", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": adminUser, "password": "equivocada-123456"}}, 422, "CREDENCIALES_INVALIDAS"},
		{"validación", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{}}, 422, "VALIDACION"},
		{"panic", peticion{metodo: "GET", ruta: "/prueba/panic"}, 500, "ERROR_INTERNO"},
		{"error inesperado", peticion{metodo: "GET", ruta: "/prueba/error"}, 500, "ERROR_INTERNO"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			r := env.hacer(c.p).esperar(t, c.status, c.codigo)
			if r.header.Get("X-Request-ID") == "" {
				t.Error("falta X-Request-ID")
			}
			if strings.Contains(string(r.cuerpo), "secreto interno") || strings.Contains(string(r.cuerpo), "base") && c.status == 500 {
				t.Errorf("el cuerpo filtra detalles internos: %s", r.cuerpo)
			}
		})
	}
	if !strings.Contains(env.logsTexto(), "secreto interno que no debe salir") {
		t.Error("el panic debe quedar en el log con su request id")
	}

	t.Run("validación nombra cada campo", func(t *testing.T) {
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{}}).esperar(t, 422, "VALIDACION")
		campos := map[string]bool{}
		for _, e := range r.errores {
			campos[e.Campo] = e.Mensaje != ""
		}
		if !campos["username"] || !campos["password"] {
			t.Fatalf("errores = %+v, want username y password", r.errores)
		}
	})

	t.Run("cuerpo grande sin Content-Length", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/auth/login", strings.NewReader(grande))
		req.ContentLength = -1
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		env.e.ServeHTTP(rec, req)
		if rec.Code != 413 || !strings.Contains(rec.Body.String(), "CUERPO_DEMASIADO_GRANDE") {
			t.Fatalf("status = %d, cuerpo %s", rec.Code, rec.Body)
		}
	})

	t.Run("413 bajo /auth lleva no-store y límite de tasa", func(t *testing.T) {
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: grande}).esperar(t, 413, "CUERPO_DEMASIADO_GRANDE")
		if r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-RateLimit-Limit") == "" {
			t.Fatalf("cabeceras: %v", r.header)
		}
	})

	t.Run("HEAD sin cuerpo", func(t *testing.T) {
		req := httptest.NewRequest("HEAD", "/no/existe", nil)
		rec := httptest.NewRecorder()
		env.e.ServeHTTP(rec, req)
		if rec.Code != 404 || rec.Body.Len() != 0 {
			t.Fatalf("HEAD: status %d, cuerpo %q", rec.Code, rec.Body)
		}
	})
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	casos := []struct {
		nombre, enviado string
		conserva        bool
	}{
		{"válido", "abc-123_X.y", true},
		{"128 caracteres", strings.Repeat("a", 128), true},
		{"129 caracteres", strings.Repeat("a", 129), false},
		{"caracter no permitido", "abc def", false},
		{"inyección en log", "a\nb", false},
		{"vacío", "", false},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			r := env.hacer(peticion{metodo: "GET", ruta: "/salud", headers: map[string]string{"X-Request-ID": c.enviado}})
			got := r.header.Get("X-Request-ID")
			if c.conserva && got != c.enviado {
				t.Fatalf("X-Request-ID = %q, want %q", got, c.enviado)
			}
			if !c.conserva && (got == c.enviado || got == "") {
				t.Fatalf("X-Request-ID = %q: debía generarse uno nuevo", got)
			}
		})
	}
}

func TestSalud(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	var d struct {
		Estado, BaseDatos, Version string
		Esquema                    int64
	}
	env.hacer(peticion{metodo: "GET", ruta: "/salud"}).esperar(t, 200, "").leer(t, &d)
	if d.Estado != "ok" || d.BaseDatos != "ok" || d.Version == "" || d.Esquema != env.store.Esquema() || d.Esquema < 1 {
		t.Fatalf("salud = %+v, want esquema %d", d, env.store.Esquema())
	}
	env.store.Close()
	env.hacer(peticion{metodo: "GET", ruta: "/salud"}).esperar(t, 503, "SERVICIO_NO_DISPONIBLE")
	// Con la base caída, una operación que la necesita es 503, nunca 500 ni 404.
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": adminUser, "password": adminPass}}).
		esperar(t, 503, "SERVICIO_NO_DISPONIBLE")
}

func TestLogsSinSecretos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me?x=" + s.AccessToken, token: s.AccessToken})
	logs := env.logsTexto()
	for _, secreto := range []string{adminPass, s.AccessToken, s.RefreshToken} {
		if strings.Contains(logs, secreto) {
			t.Fatalf("el log contiene un secreto")
		}
	}
	if !strings.Contains(logs, "usuarioId=1") || !strings.Contains(logs, "requestId=") {
		t.Fatalf("el log debe tener usuarioId y requestId: %s", logs)
	}
	_ = http.StatusOK
}
