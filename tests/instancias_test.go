package tests

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/cmd/server/aplicacion"
	"solicitud-transporte/models"
)

// otraInstancia arma una segunda aplicación sobre la misma base y la misma
// configuración que env (otro proceso detrás del mismo balanceador), con el
// mismo reloj, y devuelve su router.
func (env *entorno) otraInstancia() *echo.Echo {
	env.t.Helper()
	log := slog.New(slog.NewTextHandler(escritorSeguro{env.logMu, env.logs}, nil))
	app, err := aplicacion.Nueva(context.Background(), env.cfg, env.reloj.Now, log, "test-b", env.opciones...)
	if err != nil {
		env.t.Fatalf("segunda instancia: %v", err)
	}
	env.t.Cleanup(func() { app.Close() })
	return app.Router
}

// TestVariasInstancias (§10): dos instancias sobre una base contestan como
// una. Corre sobre PostgreSQL (TEST_DATABASE_URL), que es como se despliegan
// varias instancias, y también sobre SQLite (dos procesos sobre un archivo).
func TestVariasInstancias(t *testing.T) {
	t.Parallel()
	t.Run("logout en una es TOKEN_REVOCADO en la otra", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t)
		b := env.otraInstancia()
		s := env.loginComo("ana", models.RolSolicitante)
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken, en: b}).esperar(t, 200, "")
		env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s.AccessToken}).esperar(t, 200, "")
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken, en: b}).esperar(t, 401, "TOKEN_REVOCADO")
		env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}, en: b}).esperar(t, 401, "TOKEN_REVOCADO")
	})
	t.Run("el límite por IP es uno solo entre las dos", func(t *testing.T) {
		t.Parallel()
		// Con PostgreSQL el cupo vive en la base por configuración; con SQLite
		// se pide (allí lo normal es un solo proceso, con el cupo en memoria).
		env := nuevoEntornoCon(t, []aplicacion.Opcion{aplicacion.ConCupoEnBase()}, func(c *configT) { c.RateLimitAuthPerMinute = 5 })
		b := env.otraInstancia()
		for i := range 5 {
			en := []*echo.Echo{nil, b}[i%2]
			r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "nadie", "password": "x"}, ip: "203.0.113.7:1234", en: en})
			if r.status == 429 {
				t.Fatalf("petición %d: 429 antes de gastar el cupo", i+1)
			}
		}
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "nadie", "password": "x"}, ip: "203.0.113.7:1234", en: b})
		r.esperar(t, 429, "DEMASIADAS_SOLICITUDES")
		if r.header.Get("Retry-After") == "" || r.header.Get("X-RateLimit-Remaining") != "0" {
			t.Fatalf("cabeceras del 429: %v", r.header)
		}
	})
	t.Run("un bloqueo alcanzado entre las dos vale en las dos", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t)
		b := env.otraInstancia()
		env.crearUsuario("beto", models.RolSolicitante)
		for i := range env.cfg.LoginMaxFailed {
			en := []*echo.Echo{nil, b}[i%2]
			env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "beto", "password": "equivocada-del-todo"}, en: en}).esperar(t, 422, "CREDENCIALES_INVALIDAS")
		}
		for _, en := range []*echo.Echo{nil, b} {
			env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "beto", "password": passPrueba}, en: en}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
		}
	})
	t.Run("diez aprobaciones repartidas: gana una", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t)
		b := env.otraInstancia()
		f := env.nuevaFlota("i")
		tokens := make([]string, 10)
		for i := range tokens {
			tokens[i] = env.loginComo(fmt.Sprintf("apro%d", i), models.RolAprobador).AccessToken
		}
		s := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(1))
		cuenta := env.aLaVez(10, func(i int) *respuesta {
			return env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/solicitud/%d/aprobar", s.ID), token: tokens[i], en: []*echo.Echo{nil, b}[i%2]})
		})
		if cuenta[200] != 1 || cuenta[409] != 9 || cuenta[-1] != 0 {
			t.Fatalf("status = %v, want 1×200 y 9×409 TRANSICION_INVALIDA", cuenta)
		}
	})
	t.Run("diez asignaciones solapadas repartidas: gana una", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t)
		b := env.otraInstancia()
		f := env.nuevaFlota("j")
		sols := make([]solicitudR, 10)
		for i := range sols {
			sols[i] = env.llevarA(t, f, f.solicitante, 2, "aprobada")
		}
		// Un motorista por solicitud: el único recurso en disputa es el vehículo.
		motoristas := make([]uint, 10)
		for i := range motoristas {
			motoristas[i] = env.crearUsuario(fmt.Sprintf("mot_j%d", i), models.RolMotorista).ID
		}
		cuenta := env.aLaVez(10, func(i int) *respuesta {
			return env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/solicitud/%d/asignar", sols[i].ID), token: f.admin,
				cuerpo: map[string]any{"vehiculoId": f.vehiculo, "motoristaId": motoristas[i]}, en: []*echo.Echo{nil, b}[i%2]})
		})
		if cuenta[200] != 1 || cuenta[409] != 9 || cuenta[-1] != 0 {
			t.Fatalf("status = %v, want 1×200 y 9×409 CONFLICTO_ASIGNACION", cuenta)
		}
	})
	t.Run("un refresh reusado tras la gracia en la otra mata la sesión en las dos", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t)
		b := env.otraInstancia()
		s := env.loginComo("caro", models.RolSolicitante)
		var nuevo sesionTokens
		env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}}).esperar(t, 200, "").leer(t, &nuevo)
		env.reloj.Avanzar(env.cfg.Gracia() + time.Second)
		env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}, en: b}).esperar(t, 401, "TOKEN_REVOCADO")
		for _, en := range []*echo.Echo{nil, b} {
			env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: nuevo.AccessToken, en: en}).esperar(t, 401, "TOKEN_REVOCADO")
			env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": nuevo.RefreshToken}, en: en}).esperar(t, 401, "TOKEN_REVOCADO")
		}
	})
	t.Run("sin gracia, de refrescos simultáneos en las dos pasa uno", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t, func(c *configT) { c.RefreshGraceSecs = 0 })
		b := env.otraInstancia()
		for ronda := range 5 {
			s := env.loginComo(fmt.Sprintf("dani%d", ronda), models.RolSolicitante)
			cuenta := map[int]int{}
			for _, r := range enParalelo(10, func(i int) *respuesta {
				return env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}, en: []*echo.Echo{nil, b}[i%2]})
			}) {
				cuenta[r.status]++
			}
			if cuenta[200] != 1 || cuenta[401] != 9 {
				t.Fatalf("ronda %d: status = %v, want 1×200 y 9×401", ronda, cuenta)
			}
		}
	})
}
