package tests

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// sembrarListaNegra mete n filas en la lista negra con la importación del
// store, como quedarían tras muchos logouts (mitad jti, mitad sesiones).
func sembrarListaNegra(b *testing.B, env *entorno, n int) {
	b.Helper()
	exp := env.reloj.Now().Add(24 * time.Hour).UTC()
	filas := make([]models.TokenRevocado, n)
	for i := range n {
		clave := models.ClaveJTI(fmt.Sprintf("%022d", i))
		if i%2 == 1 {
			clave = models.ClaveSesion(fmt.Sprintf("%022d", i))
		}
		filas[i] = models.TokenRevocado{Clave: clave, ExpiraEn: exp}
	}
	if _, err := env.store.ImportarRevocaciones(context.Background(), filas); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAutenticacion mide lo que el middleware de autenticación añade a
// cada petición (verificar el JWT + lista negra + usuario) con 100.000 filas
// en la lista negra. Objetivo: < 50 µs.
//
//	go test ./tests -run '^$' -bench Autenticacion -benchtime 3s
func BenchmarkAutenticacion(b *testing.B) {
	env := nuevoEntorno(b)
	sembrarListaNegra(b, env, 100_000)
	s := env.loginAdmin()
	h := middleware.Autenticar(env.auth)(func(c echo.Context) error { return nil })

	b.Run("middleware", func(b *testing.B) {
		for b.Loop() {
			req := httptest.NewRequest("GET", "/auth/me", nil)
			req.Header.Set("Authorization", "Bearer "+s.AccessToken)
			if err := h(env.e.NewContext(req, httptest.NewRecorder())); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("middleware-paralelo", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := httptest.NewRequest("GET", "/auth/me", nil)
				req.Header.Set("Authorization", "Bearer "+s.AccessToken)
				if err := h(env.e.NewContext(req, httptest.NewRecorder())); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("GET-auth-me-completo", func(b *testing.B) {
		for b.Loop() {
			req := httptest.NewRequest("GET", "/auth/me", nil)
			req.Header.Set("Authorization", "Bearer "+s.AccessToken)
			rec := httptest.NewRecorder()
			env.e.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Fatal(rec.Code)
			}
		}
	})
}

// BenchmarkLogin mide un login completo por el router, con el costo de bcrypt
// de las pruebas (4) y con el de producción por defecto (12).
func BenchmarkLogin(b *testing.B) {
	for _, costo := range []int{4, 12} {
		b.Run(fmt.Sprintf("bcrypt-%d", costo), func(b *testing.B) {
			env := nuevoEntorno(b, func(c *configT) { c.PasswordHashCost = costo })
			cuerpo := fmtJSON(map[string]string{"username": adminUser, "password": adminPass})
			for b.Loop() {
				env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: cuerpo}).esperar(b, 200, "")
			}
		})
	}
}
