package tests

import (
	"strconv"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// Límite de escrituras por usuario (API.md §3 RATE_LIMIT_WRITES_PER_MINUTE,
// §4.8): cada POST, PUT, PATCH y DELETE fuera de /auth/* cuenta, también los
// que el manejador rechaza después (aquí, un cuerpo vacío: 422).

// escribir es una escritura barata: crear una solicitud sin datos (422).
func (env *entorno) escribir(token string) *respuesta {
	env.t.Helper()
	return env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: token, cuerpo: map[string]any{}})
}

func TestLimiteEscrituras(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.RateLimitWritesPerMinute = 120 })
	ana := env.loginComo("ana", models.RolSolicitante)
	beto := env.loginComo("beto", models.RolSolicitante)

	for i := 1; i <= 120; i++ {
		r := env.escribir(ana.AccessToken).esperar(t, 422, "VALIDACION")
		if r.header.Get("X-RateLimit-Limit") != "120" || r.header.Get("X-RateLimit-Remaining") != strconv.Itoa(120-i) {
			t.Fatalf("escritura %d: X-RateLimit-Limit %q, X-RateLimit-Remaining %q; want 120 y %d",
				i, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"), 120-i)
		}
	}
	// La 121.ª en el mismo minuto: 429 con las cabeceras de §4.8. Una ficha
	// vuelve cada 0,5 s: Retry-After redondea hacia arriba, 1.
	r := env.escribir(ana.AccessToken).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	if r.header.Get("X-RateLimit-Limit") != "120" || r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("Retry-After") != "1" {
		t.Fatalf("429: X-RateLimit-Limit %q, X-RateLimit-Remaining %q, Retry-After %q; want 120, 0 y 1",
			r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"), r.header.Get("Retry-After"))
	}
	// Otros métodos de escritura del mismo usuario, también.
	env.hacer(peticion{metodo: "PATCH", ruta: "/solicitud/1", token: ana.AccessToken, cuerpo: map[string]any{}}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")

	// Otro usuario no se ve afectado; las lecturas tampoco; /auth/* no cuenta.
	r = env.escribir(beto.AccessToken).esperar(t, 422, "VALIDACION")
	if r.header.Get("X-RateLimit-Remaining") != "119" {
		t.Fatalf("otro usuario: X-RateLimit-Remaining %q, want 119", r.header.Get("X-RateLimit-Remaining"))
	}
	r = env.hacer(peticion{metodo: "GET", ruta: "/solicitud/", token: ana.AccessToken}).esperar(t, 200, "")
	if r.header.Get("X-RateLimit-Limit") != "" {
		t.Fatalf("una lectura no lleva el cupo de escrituras: %v", r.header)
	}
	env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: ana.AccessToken,
		cuerpo: map[string]string{"passwordActual": "otra-clave-incorrecta", "passwordNueva": "una-clave-nueva-larga"}}).esperar(t, 422, "CREDENCIALES_INVALIDAS")
	// Sin token: 401, no 429 (la autenticación va antes).
	env.escribir("").esperar(t, 401, "TOKEN_NO_PROPORCIONADO")

	// Medio segundo después vuelve una ficha.
	env.reloj.Avanzar(500 * time.Millisecond)
	env.escribir(ana.AccessToken).esperar(t, 422, "VALIDACION")
	env.escribir(ana.AccessToken).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
}

// TestLimiteEscriturasApagado: RATE_LIMIT_WRITES_PER_MINUTE=0 no limita.
func TestLimiteEscriturasApagado(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.RateLimitWritesPerMinute = 0 })
	ana := env.loginComo("ana", models.RolSolicitante)
	for range 130 {
		r := env.escribir(ana.AccessToken).esperar(t, 422, "VALIDACION")
		if r.header.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("sin límite no hay cabeceras X-RateLimit-*: %v", r.header)
		}
	}
}
