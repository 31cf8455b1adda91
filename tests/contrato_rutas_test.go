package tests

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"solicitud-transporte/config"
)

// TestContratoRutasAuth recorre las respuestas de las rutas implementadas,
// de éxito y de error; hacer() valida cada una contra el documento OpenAPI.
func TestContratoRutasAuth(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	casos := []struct {
		nombre string
		p      peticion
		status int
		codigo string
	}{
		{"salud", peticion{metodo: "GET", ruta: "/salud"}, 200, ""},
		{"login formulario", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: url.Values{"username": {adminUser}, "password": {adminPass}}}, 200, ""},
		{"login credenciales", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": adminUser, "password": "otra-cosa-larga"}}, 422, "CREDENCIALES_INVALIDAS"},
		{"login JSON roto", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: "{"}, 400, "SOLICITUD_MAL_FORMADA"},
		{"login texto", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: "hola", ctype: "text/plain"}, 415, "TIPO_CONTENIDO_NO_SOPORTADO"},
		{"login enorme", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `{"username":"` + strings.Repeat("a", 2<<20) + `"}`}, 413, "CUERPO_DEMASIADO_GRANDE"},
		{"refresh vacío", peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{}}, 422, "VALIDACION"},
		{"refresh inválido", peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": "x.y.z"}}, 401, "TOKEN_INVALIDO"},
		{"me sin token", peticion{metodo: "GET", ruta: "/auth/me"}, 401, "TOKEN_NO_PROPORCIONADO"},
		{"me", peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}, 200, ""},
		{"sesiones", peticion{metodo: "GET", ruta: "/auth/sesiones", token: s.AccessToken}, 200, ""},
		{"cerrar sesión ajena", peticion{metodo: "DELETE", ruta: "/auth/sesiones/no-existe", token: s.AccessToken}, 404, "NO_ENCONTRADO"},
		{"password actual mala", peticion{metodo: "PUT", ruta: "/auth/password", token: s.AccessToken, cuerpo: map[string]string{"passwordActual": "mala-mala-mala", "passwordNueva": "otra-contraseña-larga"}}, 422, "CREDENCIALES_INVALIDAS"},
		{"ruta desconocida", peticion{metodo: "GET", ruta: "/no-existe"}, 404, "NO_ENCONTRADO"},
		{"método no permitido", peticion{metodo: "DELETE", ruta: "/salud"}, 405, "METODO_NO_PERMITIDO"},
		{"token password", peticion{metodo: "POST", ruta: "/auth/token", cuerpo: url.Values{"grant_type": {"password"}, "username": {adminUser}, "password": {adminPass}}}, 200, ""},
		{"token grant desconocido", peticion{metodo: "POST", ruta: "/auth/token", cuerpo: url.Values{"grant_type": {"implicit"}}}, 400, ""},
		{"token credenciales", peticion{metodo: "POST", ruta: "/auth/token", cuerpo: url.Values{"grant_type": {"password"}, "username": {adminUser}, "password": {"mala-mala-mala"}}}, 400, ""},
		{"refresh", peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}}, 200, ""},
	}
	for _, c := range casos {
		r := env.hacer(c.p)
		if c.p.ruta == "/auth/token" {
			if r.status != c.status {
				t.Errorf("%s: status = %d, want %d; cuerpo: %s", c.nombre, r.status, c.status, r.cuerpo)
			}
			continue
		}
		r.esperar(t, c.status, c.codigo)
	}
	env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s.AccessToken, cuerpo: map[string]string{"alcance": "todas"}}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
}

// TestContratoLimite429 valida el 429 de /auth/* y su Retry-After.
func TestContratoLimite429(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *config.Config) { c.RateLimitAuthPerMinute = 1 })
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me"}).esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me"}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/token", cuerpo: url.Values{"grant_type": {"password"}}})
	if r.status != 429 {
		t.Fatalf("status = %d, want 429", r.status)
	}
}

// TestContratoDetectaDesvios comprueba que la validación falla de verdad
// cuando una respuesta se aparta del documento.
func TestContratoDetectaDesvios(t *testing.T) {
	t.Parallel()
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"abc"}}
	casos := []struct {
		nombre, metodo, ruta string
		status               int
		header               http.Header
		cuerpo               string
	}{
		{"campo renombrado", "GET", "/auth/me", 200, hdr,
			`{"exito":true,"mensaje":"Usuario actual","datos":{"id":1,"userName":"a","email":null,"rol":"admin","activo":true,"mfaHabilitado":false,"creadoEn":"2026-03-02T09:00:00-06:00"}}`},
		{"campo de más", "GET", "/auth/me", 200, hdr,
			`{"exito":true,"mensaje":"Usuario actual","datos":{"id":1,"username":"a","email":null,"rol":"admin","activo":true,"mfaHabilitado":false,"creadoEn":"2026-03-02T09:00:00-06:00","hash":"x"}}`},
		{"código no previsto", "GET", "/auth/me", 401, hdr,
			`{"exito":false,"mensaje":"Token inválido","detalle":"x","codigo":"CONFLICTO"}`},
		{"estado no declarado", "GET", "/auth/me", 418, hdr, `{"exito":false,"mensaje":"x","detalle":"x","codigo":"CONFLICTO"}`},
		{"sin X-Request-ID", "GET", "/salud", 200, http.Header{"Content-Type": {"application/json"}},
			`{"exito":true,"mensaje":"ok","datos":{"estado":"ok","baseDatos":"ok","version":"1"}}`},
		{"404 sin sobre", "GET", "/no-existe", 404, hdr, `{"message":"Not Found"}`},
		{"oauth con sobre", "POST", "/auth/token", 400, hdr, `{"exito":false,"mensaje":"x","detalle":"x","codigo":"VALIDACION"}`},
	}
	for _, c := range casos {
		req := httptest.NewRequest(c.metodo, c.ruta, nil)
		if msg := validarContrato(req, c.status, c.header, []byte(c.cuerpo)); msg == "" {
			t.Errorf("%s: la validación no detectó el desvío", c.nombre)
		}
	}
}

// TestContratoConcurrente valida respuestas desde varias goroutines a la
// vez: el documento y su router se comparten entre pruebas paralelas.
func TestContratoConcurrente(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken})
			env.hacer(peticion{metodo: "GET", ruta: "/no-existe"})
		}()
	}
	wg.Wait()
}
