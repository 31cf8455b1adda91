package tests

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Sesiones de navegador (API.md §4.9): el refresh token en la cookie
// HttpOnly st_refresh.

// cookieDe es la cookie st_refresh que fija la respuesta, o nil.
func cookieDe(r *respuesta) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "st_refresh" {
			return c
		}
	}
	return nil
}

// exigirCookie comprueba los atributos de §4.9 y devuelve la cookie.
func exigirCookie(t *testing.T, r *respuesta, maxAge int, segura bool) *http.Cookie {
	t.Helper()
	c := cookieDe(r)
	if c == nil {
		t.Fatalf("sin Set-Cookie st_refresh; cabeceras %v", r.header)
	}
	if c.Value == "" || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/auth" ||
		c.MaxAge != maxAge || c.Secure != segura {
		t.Fatalf("cookie %q: want valor, HttpOnly, SameSite=Strict, Path=/auth, Max-Age=%d, Secure=%v",
			r.header.Values("Set-Cookie"), maxAge, segura)
	}
	return c
}

// exigirCookieBorrada comprueba un Set-Cookie st_refresh con Max-Age=0.
func exigirCookieBorrada(t *testing.T, r *respuesta) {
	t.Helper()
	c := cookieDe(r)
	if c == nil || c.MaxAge >= 0 || c.Value != "" || c.Path != "/auth" || !c.HttpOnly {
		t.Fatalf("se esperaba borrar la cookie (Max-Age=0); Set-Cookie %q", r.header.Values("Set-Cookie"))
	}
	if !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("Set-Cookie sin Max-Age=0: %q", r.header.Get("Set-Cookie"))
	}
}

// sinRefreshEnDatos exige que datos no tenga la clave refreshToken.
func sinRefreshEnDatos(t *testing.T, r *respuesta) sesionTokens {
	t.Helper()
	var crudo map[string]json.RawMessage
	r.leer(t, &crudo)
	if _, ok := crudo["refreshToken"]; ok {
		t.Fatalf("en modo cookie datos no lleva refreshToken: %s", r.cuerpo)
	}
	var s sesionTokens
	r.leer(t, &s)
	if s.AccessToken == "" {
		t.Fatalf("sin accessToken: %s", r.cuerpo)
	}
	return s
}

func (env *entorno) loginCookie(username, password string) (*respuesta, sesionTokens, *http.Cookie) {
	env.t.Helper()
	t := env.t.(*testing.T)
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login",
		cuerpo: map[string]any{"username": username, "password": password, "modoCookie": true}}).esperar(t, 200, "")
	s := sinRefreshEnDatos(t, r)
	return r, s, exigirCookie(t, r, s.RefreshExpiresIn, env.cfg.CookieSegura())
}

// refrescarCookie es POST /auth/refresh sin cuerpo, con la cookie y, si
// csrf, la cabecera X-CSRF: 1.
func (env *entorno) refrescarCookie(c *http.Cookie, csrf bool) *respuesta {
	env.t.Helper()
	h := map[string]string{"Cookie": "st_refresh=" + c.Value}
	if csrf {
		h["X-CSRF"] = "1"
	}
	return env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", headers: h})
}

func TestCookieLogin(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	_, s, _ := env.loginCookie(adminUser, adminPass)
	if s.RefreshExpiresIn != 86400 {
		t.Fatalf("refreshExpiresIn = %d, want 86400", s.RefreshExpiresIn)
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 200, "")

	// Sin modoCookie (o en false, o por formulario): como siempre, sin cookie.
	for _, cuerpo := range []any{
		map[string]any{"username": adminUser, "password": adminPass},
		map[string]any{"username": adminUser, "password": adminPass, "modoCookie": false},
		url.Values{"username": {adminUser}, "password": {adminPass}},
	} {
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: cuerpo}).esperar(t, 200, "")
		var s sesionTokens
		r.leer(t, &s)
		if s.RefreshToken == "" || cookieDe(r) != nil {
			t.Fatalf("login sin modoCookie: refreshToken en datos y sin cookie; %v %s", r.header, r.cuerpo)
		}
	}
	// modoCookie de tipo equivocado: 400.
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login",
		cuerpo: map[string]any{"username": adminUser, "password": adminPass, "modoCookie": "sí"}}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
}

// TestCookieSecure: COOKIE_SECURE=false quita Secure (desarrollo en http://).
func TestCookieSecure(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.CookieSecure.Valor, c.CookieSecure.Definido = false, true })
	env.loginCookie(adminUser, adminPass) // exigirCookie comprueba Secure=false
}

func TestCookieRefresh(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	_, s0, c0 := env.loginCookie(adminUser, adminPass)

	// Sin X-CSRF: 403 que nombra la cabecera; la cookie no se gasta.
	r := env.refrescarCookie(c0, false).esperar(t, 403, "PERMISOS_INSUFICIENTES")
	if !strings.Contains(r.detalle, "X-CSRF") {
		t.Fatalf("detalle %q no nombra X-CSRF", r.detalle)
	}
	if cookieDe(r) != nil {
		t.Fatal("un 403 por X-CSRF no toca la cookie")
	}
	// X-CSRF con otro valor tampoco.
	env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh",
		headers: map[string]string{"Cookie": "st_refresh=" + c0.Value, "X-CSRF": "0"}}).esperar(t, 403, "PERMISOS_INSUFICIENTES")

	r = env.refrescarCookie(c0, true).esperar(t, 200, "")
	s1 := sinRefreshEnDatos(t, r)
	c1 := exigirCookie(t, r, 86400, true)
	if c1.Value == c0.Value || s1.AccessToken == s0.AccessToken {
		t.Fatal("el refresh por cookie debe rotar la cookie y dar otro token de acceso")
	}
	if claimsDe(t, s1.AccessToken)["sid"] != claimsDe(t, s0.AccessToken)["sid"] {
		t.Fatal("el refresh por cookie sigue en la misma sesión")
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s1.AccessToken}).esperar(t, 200, "")

	// Con cuerpo {} (y por formulario vacío) también usa la cookie.
	env.reloj.Avanzar(time.Second)
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{},
		headers: map[string]string{"Cookie": "st_refresh=" + c1.Value, "X-CSRF": "1"}}).esperar(t, 200, "")
	c2 := exigirCookie(t, r, 86400, true)
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: url.Values{},
		headers: map[string]string{"Cookie": "st_refresh=" + c2.Value, "X-CSRF": "1"}}).esperar(t, 200, "")
	c3 := exigirCookie(t, r, 86400, true)

	// Un refreshToken en el cuerpo gana a la cookie: modo clásico, sin cookie.
	var clasico sesionTokens
	otra := env.loginAdmin()
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": otra.RefreshToken},
		headers: map[string]string{"Cookie": "st_refresh=" + c3.Value}}).esperar(t, 200, "")
	r.leer(t, &clasico)
	if clasico.RefreshToken == "" || cookieDe(r) != nil {
		t.Fatalf("con refreshToken en el cuerpo la respuesta es la de §4.2: %v %s", r.header, r.cuerpo)
	}
	// Sin cuerpo ni cookie: 422 nombrando refreshToken, como antes.
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", headers: map[string]string{"X-CSRF": "1"}}).esperar(t, 422, "VALIDACION")
	if len(r.errores) != 1 || r.errores[0].Campo != "refreshToken" {
		t.Fatalf("errores = %+v", r.errores)
	}
	// Un token de acceso en la cookie no es un refresh token: 401 y se borra.
	r = env.refrescarCookie(&http.Cookie{Value: s1.AccessToken}, true).esperar(t, 401, "TOKEN_INVALIDO")
	exigirCookieBorrada(t, r)
}

// TestCookieGraciaYReutilizacion: §4.2 sin cambios por la cookie.
func TestCookieGraciaYReutilizacion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	otra := env.loginAdmin() // otra sesión del mismo usuario: no cae
	_, s0, c0 := env.loginCookie(adminUser, adminPass)
	r := env.refrescarCookie(c0, true).esperar(t, 200, "")
	c1 := exigirCookie(t, r, 86400, true)

	// Otra pestaña con la cookie vieja, dentro de la gracia: el mismo sucesor.
	env.reloj.Avanzar(5 * time.Second)
	r = env.refrescarCookie(c0, true).esperar(t, 200, "")
	g := sinRefreshEnDatos(t, r)
	if cg := exigirCookie(t, r, 86395, true); cg.Value != c1.Value {
		t.Fatal("dentro de la gracia la cookie debe traer el mismo refresh token sucesor")
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: g.AccessToken}).esperar(t, 200, "")

	// Pasada la gracia: reutilización, 401, la cookie se borra y la sesión muere.
	env.reloj.Avanzar(6 * time.Second)
	r = env.refrescarCookie(c0, true).esperar(t, 401, "TOKEN_REVOCADO")
	exigirCookieBorrada(t, r)
	exigirCookieBorrada(t, env.refrescarCookie(c1, true).esperar(t, 401, "TOKEN_REVOCADO"))
	for _, tok := range []string{s0.AccessToken, g.AccessToken} {
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: tok}).esperar(t, 401, "TOKEN_REVOCADO")
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: otra.AccessToken}).esperar(t, 200, "")
}

// TestCookieDuracionMaxima: la cookie vive lo que le queda a la sesión y,
// pasada la duración máxima, el refresh por cookie es 401 TOKEN_EXPIRADO.
func TestCookieDuracionMaxima(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.SessionMaxValue, c.SessionMaxUnit = 2, c.RefreshExpUnit })
	_, _, c0 := env.loginCookie(adminUser, adminPass) // Max-Age = 7200: el fin de la sesión
	if c0.MaxAge != 7200 {
		t.Fatalf("Max-Age = %d, want 7200 (la sesión dura 2 horas)", c0.MaxAge)
	}
	env.reloj.Avanzar(time.Hour)
	c1 := exigirCookie(t, env.refrescarCookie(c0, true).esperar(t, 200, ""), 3600, true)
	env.reloj.Avanzar(time.Hour + time.Second)
	r := env.refrescarCookie(c1, true).esperar(t, 401, "TOKEN_EXPIRADO")
	exigirCookieBorrada(t, r)
}

func TestCookieLogout(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	_, s, c := env.loginCookie(adminUser, adminPass)
	_, s2, c2 := env.loginCookie(adminUser, adminPass)

	// alcance otras: esta sesión sigue, su cookie también.
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s2.AccessToken, cuerpo: map[string]string{"alcance": "otras"}}).esperar(t, 200, "")
	if cookieDe(r) != nil {
		t.Fatalf("logout de las otras sesiones no borra la cookie de esta: %q", r.header.Values("Set-Cookie"))
	}
	env.refrescarCookie(c, true).esperar(t, 401, "TOKEN_REVOCADO")
	_ = s

	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s2.AccessToken,
		headers: map[string]string{"Cookie": "st_refresh=" + c2.Value}}).esperar(t, 200, "")
	exigirCookieBorrada(t, r)
	env.refrescarCookie(c2, true).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s2.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
}

// TestCookieMFA: /auth/mfa/verificar con modoCookie entrega la cookie.
func TestCookieMFA(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	cuenta := env.conMFA("mfa_cookie")
	tok := env.mfaToken(cuenta.username)
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/verificar",
		cuerpo: map[string]any{"mfaToken": tok, "codigo": env.siguienteCodigoTOTP(cuenta.secreto), "modoCookie": true}}).esperar(t, 200, "")
	s := sinRefreshEnDatos(t, r)
	c := exigirCookie(t, r, s.RefreshExpiresIn, true)
	env.refrescarCookie(c, true).esperar(t, 200, "")
}

// TestCookieCORS: orígenes listados reciben credenciales y su propio
// origen; X-CSRF es una cabecera permitida; con «*» nunca credenciales.
func TestCookieCORS(t *testing.T) {
	t.Parallel()
	const app = "https://app.ejemplo.org"
	preflight := func(env *entorno, origen string) *respuesta {
		return env.hacer(peticion{metodo: "OPTIONS", ruta: "/auth/refresh", headers: map[string]string{
			"Origin": origen, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-csrf"}})
	}
	env := nuevoEntorno(t, func(c *configT) { c.CORSAllowedOrigins = []string{app, "https://otra.ejemplo.org"} })
	r := preflight(env, app)
	h := r.header
	if r.status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != app || h.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(strings.ToLower(h.Get("Access-Control-Allow-Headers")), "x-csrf") {
		t.Fatalf("preflight de un origen listado: %d %v", r.status, h)
	}
	_, _, c := env.loginCookie(adminUser, adminPass)
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh",
		headers: map[string]string{"Origin": app, "Cookie": "st_refresh=" + c.Value, "X-CSRF": "1"}}).esperar(t, 200, "")
	if r.header.Get("Access-Control-Allow-Origin") != app || r.header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Fatalf("respuesta a un origen listado: %v", r.header)
	}
	if r := preflight(env, "https://ajeno.ejemplo.org"); r.header.Get("Access-Control-Allow-Origin") != "" ||
		r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("un origen no listado no recibe CORS: %v", r.header)
	}

	env = nuevoEntorno(t, func(c *configT) { c.CORSAllowedOrigins = []string{"*"} })
	r = preflight(env, app)
	if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("con * no hay credenciales: %v", r.header)
	}
	r = env.hacer(peticion{metodo: "GET", ruta: "/salud", headers: map[string]string{"Origin": app}})
	if r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("con * no hay credenciales: %v", r.header)
	}
}
