package tests

import (
	"testing"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/cmd/server/aplicacion"
)

// TestCupoEnLaBase: el presupuesto por IP guardado en la base (el de
// PostgreSQL, forzado aquí sobre SQLite por la raíz de composición) a
// través del router real.
func TestCupoEnLaBase(t *testing.T) {
	t.Parallel()
	enBase := []aplicacion.Opcion{aplicacion.ConCupoEnBase()}
	mal := map[string]string{"username": "nadie", "password": "x"}
	const ip = "203.0.113.7:1234"

	t.Run("la sexta de cinco por minuto es 429", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntornoCon(t, enBase, func(c *configT) { c.RateLimitAuthPerMinute = 5 })
		for i, quedan := range []string{"4", "3", "2", "1", "0"} {
			r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal, ip: ip}).esperar(t, 422, "CREDENCIALES_INVALIDAS")
			if r.header.Get("X-RateLimit-Limit") != "5" || r.header.Get("X-RateLimit-Remaining") != quedan {
				t.Fatalf("petición %d: limit %q, remaining %q; want 5 y %s", i+1, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"), quedan)
			}
		}
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal, ip: ip}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
		// Una ficha cada 12 s.
		if r.header.Get("Retry-After") != "12" || r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Limit") != "5" {
			t.Fatalf("cabeceras del 429: Retry-After %q, remaining %q, limit %q; want 12, 0 y 5",
				r.header.Get("Retry-After"), r.header.Get("X-RateLimit-Remaining"), r.header.Get("X-RateLimit-Limit"))
		}
	})

	t.Run("dos instancias gastan un solo presupuesto", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntornoCon(t, enBase, func(c *configT) { c.RateLimitAuthPerMinute = 4 })
		b := env.otraInstancia()
		for i := range 4 {
			r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal, ip: ip, en: []*echo.Echo{nil, b}[i%2]})
			if r.status != 422 {
				t.Fatalf("petición %d: %d antes de gastar el cupo", i+1, r.status)
			}
		}
		for _, en := range []*echo.Echo{nil, b} {
			r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal, ip: ip, en: en}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
			if r.header.Get("Retry-After") != "15" || r.header.Get("X-RateLimit-Remaining") != "0" {
				t.Fatalf("cabeceras del 429: %v", r.header)
			}
		}
	})

	t.Run("sin base es 503, nunca 500", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntornoCon(t, enBase)
		if err := env.store.Close(); err != nil {
			t.Fatal(err)
		}
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: mal, ip: ip}).esperar(t, 503, "SERVICIO_NO_DISPONIBLE")
		if r.header.Get("X-RateLimit-Remaining") != "" {
			t.Fatalf("X-RateLimit-Remaining = %q sin haber consultado el cupo", r.header.Get("X-RateLimit-Remaining"))
		}
	})
}
