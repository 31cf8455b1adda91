package tests

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"solicitud-transporte/cmd/server/aplicacion"
	"solicitud-transporte/models"
)

// cuposPorIP son las dos formas del presupuesto por IP (API.md §4.8): en la
// memoria del proceso (SQLite) y en la base (PostgreSQL; aquí forzada sobre
// SQLite). Contestan igual.
var cuposPorIP = []struct {
	nombre   string
	opciones []aplicacion.Opcion
}{
	{"en memoria", nil},
	{"en la base", []aplicacion.Opcion{aplicacion.ConCupoEnBase()}},
}

func TestLimiteDeTasa(t *testing.T) {
	t.Parallel()
	for _, cupo := range cuposPorIP {
		t.Run(cupo.nombre, func(t *testing.T) {
			t.Parallel()
			probarLimiteDeTasa(t, nuevoEntornoCon(t, cupo.opciones, func(c *configT) { c.RateLimitAuthPerMinute = 3 }))
		})
	}
}

func probarLimiteDeTasa(t *testing.T, env *entorno) {
	mal := map[string]string{"username": "x", "password": "y"}
	for i, quedan := range []string{"2", "1", "0"} {
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal})
		if r.status == 429 || r.header.Get("X-RateLimit-Limit") != "3" || r.header.Get("X-RateLimit-Remaining") != quedan {
			t.Fatalf("petición %d: status %d, limit %q, remaining %q", i+1, r.status, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"))
		}
	}
	// Cuenta todo /auth/*, también otras rutas y rutas desconocidas.
	r := env.hacer(peticion{metodo: "GET", ruta: "/auth/me"}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	if r.header.Get("Retry-After") != "20" || r.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("Retry-After %q, remaining %q; want 20 y 0", r.header.Get("Retry-After"), r.header.Get("X-RateLimit-Remaining"))
	}
	// Fuera de /auth no hay límite.
	env.hacer(peticion{metodo: "GET", ruta: "/salud"}).esperar(t, 200, "")
	// Otra IP tiene su propio cupo.
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal, ip: "198.51.100.7:5555"}).esperar(t, 422, "CREDENCIALES_INVALIDAS")

	env.reloj.Avanzar(19 * time.Second)
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q, want 1", r.header.Get("Retry-After"))
	}
	env.reloj.Avanzar(time.Second)
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal}).esperar(t, 422, "CREDENCIALES_INVALIDAS")
}

// TestLimiteXForwardedFor: sin proxies de confianza, X-Forwarded-For no
// cambia la IP del cliente; con ellos, cuenta la de más a la derecha que no
// sea un proxy.
func TestLimiteXForwardedFor(t *testing.T) {
	t.Parallel()
	t.Run("falsificado sin proxies de confianza", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t, func(c *configT) { c.RateLimitAuthPerMinute = 2 })
		for i := range 3 {
			r := env.hacer(peticion{metodo: "GET", ruta: "/auth/me", headers: map[string]string{
				"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i), "X-Real-IP": fmt.Sprintf("203.0.113.%d", i)}})
			if i < 2 {
				r.esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
			} else {
				r.esperar(t, 429, "DEMASIADAS_SOLICITUDES")
			}
		}
	})
	t.Run("detrás de un proxy de confianza", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t, func(c *configT) {
			c.RateLimitAuthPerMinute = 2
			c.TrustedProxies = []string{"10.0.0.0/8"}
		})
		desde := func(xff string) *respuesta {
			return env.hacer(peticion{metodo: "GET", ruta: "/auth/me", ip: "10.1.1.1:4000", headers: map[string]string{"X-Forwarded-For": xff}})
		}
		// El cliente inventa una IP a la izquierda: no cuenta.
		desde("1.1.1.1, 203.0.113.5, 10.0.0.9").esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
		desde("2.2.2.2, 203.0.113.5").esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
		desde("3.3.3.3, 203.0.113.5").esperar(t, 429, "DEMASIADAS_SOLICITUDES")
		// Otro cliente real detrás del mismo proxy.
		desde("203.0.113.6").esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
		// Un par que no es proxy de confianza: su XFF se ignora.
		for range 2 {
			env.hacer(peticion{metodo: "GET", ruta: "/auth/me", ip: "198.51.100.1:1", headers: map[string]string{"X-Forwarded-For": "203.0.113.77"}})
		}
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", ip: "198.51.100.1:1", headers: map[string]string{"X-Forwarded-For": "203.0.113.78"}}).
			esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	})
}

func TestBloqueoDeCuenta(t *testing.T) {
	t.Parallel()
	casos := []struct {
		nombre   string
		existe   bool
		intentos []string // identificadores usados en los fallos
	}{
		{"usuario inexistente", false, []string{"fantasma", "FANTASMA", "Fantasma", "fantasma", "fantasma"}},
		{"usuario real, username y email comparten la cuenta", true, []string{"rosa", "ROSA", "rosa@ejemplo.org", "Rosa@Ejemplo.org", "rosa"}},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			t.Parallel()
			env := nuevoEntorno(t)
			if c.existe {
				env.crearUsuario("rosa", models.RolSolicitante)
			}
			for i, id := range c.intentos {
				// El quinto fallo todavía es 422; bloquea a partir del siguiente.
				env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": id, "password": "equivocada-1234"}}).
					esperar(t, 422, "CREDENCIALES_INVALIDAS")
				_ = i
			}
			correcta := map[string]string{"username": c.intentos[0], "password": passPrueba}
			r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: correcta}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
			if ra, _ := strconv.Atoi(r.header.Get("Retry-After")); ra != 15*60 {
				t.Fatalf("Retry-After = %q, want 900", r.header.Get("Retry-After"))
			}
			// Otra identidad no está bloqueada.
			env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": adminUser, "password": adminPass}}).esperar(t, 200, "")
			env.reloj.Avanzar(15 * time.Minute)
			if c.existe {
				env.login("rosa", passPrueba)
				// El éxito reinicia la cuenta de fallos: cuatro fallos más no bloquean.
				for range 4 {
					env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "rosa", "password": "mala-mala-mala"}}).
						esperar(t, 422, "CREDENCIALES_INVALIDAS")
				}
				env.login("rosa", passPrueba)
			} else {
				env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: correcta}).esperar(t, 422, "CREDENCIALES_INVALIDAS")
			}
		})
	}
}

// TestBloqueoConcurrente: muchas contraseñas probadas a la vez no pasan del
// cupo: la base cuenta cada intento antes de comprobarlo.
func TestBloqueoConcurrente(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	env.crearUsuario("victima", models.RolSolicitante)
	const n = 20
	res := enParalelo(n, func(i int) *respuesta {
		return env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "victima", "password": fmt.Sprintf("intento-numero-%02d", i)}})
	})
	fallidos := 0
	for _, r := range res {
		switch r.status {
		case 422:
			fallidos++
		case 429:
			r.esperar(t, 429, "DEMASIADAS_SOLICITUDES")
		default:
			t.Fatalf("status %d: %s", r.status, r.cuerpo)
		}
	}
	if fallidos != env.cfg.LoginMaxFailed {
		t.Fatalf("%d contraseñas comprobadas, want exactamente %d", fallidos, env.cfg.LoginMaxFailed)
	}
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "victima", "password": passPrueba}}).
		esperar(t, 429, "DEMASIADAS_SOLICITUDES")
}
