package tests

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"
)

type respuestaOAuth struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Error        string `json:"error"`
	Descripcion  string `json:"error_description"`
}

func (env *entorno) token(form url.Values) (*respuesta, respuestaOAuth) {
	env.t.Helper()
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/token", cuerpo: form})
	var o respuestaOAuth
	if err := json.Unmarshal(r.cuerpo, &o); err != nil {
		env.t.Fatalf("cuerpo no JSON: %s", r.cuerpo)
	}
	return r, o
}

// TestOAuthToken: /auth/token habla RFC 6749, no el sobre.
func TestOAuthToken(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	r, o := env.token(url.Values{"grant_type": {"password"}, "username": {adminUser}, "password": {adminPass}})
	if r.status != 200 || o.TokenType != "bearer" || o.ExpiresIn != 3600 || o.AccessToken == "" || o.RefreshToken == "" {
		t.Fatalf("password grant: %d %s", r.status, r.cuerpo)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: o.AccessToken}).esperar(t, 200, "")

	r, o2 := env.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {o.RefreshToken}})
	if r.status != 200 || o2.RefreshToken == o.RefreshToken {
		t.Fatalf("refresh grant: %d %s", r.status, r.cuerpo)
	}

	casos := []struct {
		nombre string
		form   url.Values
		ctype  string
		error  string
	}{
		{"credenciales", url.Values{"grant_type": {"password"}, "username": {adminUser}, "password": {"equivocada-123"}}, "", "invalid_grant"},
		{"sin grant_type", url.Values{"username": {adminUser}}, "", "invalid_request"},
		{"grant desconocido", url.Values{"grant_type": {"client_credentials"}}, "", "unsupported_grant_type"},
		{"refresh sin token", url.Values{"grant_type": {"refresh_token"}}, "", "invalid_request"},
		{"refresh basura", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x.y.z"}}, "", "invalid_grant"},
		{"json en vez de formulario", nil, "application/json", "invalid_request"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			var r *respuesta
			if c.form == nil {
				r = env.hacer(peticion{metodo: "POST", ruta: "/auth/token", cuerpo: `{"grant_type":"password"}`, ctype: c.ctype})
			} else {
				r = env.hacer(peticion{metodo: "POST", ruta: "/auth/token", cuerpo: c.form})
			}
			var o respuestaOAuth
			_ = json.Unmarshal(r.cuerpo, &o)
			if r.status != 400 || o.Error != c.error || o.Descripcion == "" {
				t.Fatalf("status %d cuerpo %s; want 400 %s", r.status, r.cuerpo, c.error)
			}
			if c.error == "invalid_grant" && c.nombre == "credenciales" && o.Descripcion != "Credenciales inválidas" {
				t.Fatalf("error_description = %q", o.Descripcion)
			}
		})
	}

	// Reutilizar el refresh pasada la gracia: invalid_grant y la sesión cae.
	env.reloj.Avanzar(11 * time.Second)
	if r, o := env.token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {o.RefreshToken}}); r.status != 400 || o.Error != "invalid_grant" {
		t.Fatalf("reutilización: %d %s", r.status, r.cuerpo)
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: o2.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
}

func TestOAuthLimiteDeTasa(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.RateLimitAuthPerMinute = 1 })
	env.token(url.Values{"grant_type": {"password"}, "username": {adminUser}, "password": {adminPass}})
	r, o := env.token(url.Values{"grant_type": {"password"}, "username": {adminUser}, "password": {adminPass}})
	if r.status != 429 || o.Error != "too_many_requests" || o.Descripcion != "Demasiadas solicitudes" || r.header.Get("Retry-After") != "60" {
		t.Fatalf("status %d Retry-After %q cuerpo %s", r.status, r.header.Get("Retry-After"), r.cuerpo)
	}
}
