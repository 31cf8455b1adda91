package tests

import (
	"database/sql"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
)

// sembrarListaNegra mete n filas en la lista negra directamente en el
// archivo, como quedarían tras muchos logouts (mitad jti, mitad sesiones).
func sembrarListaNegra(b *testing.B, env *entorno, n int) {
	b.Helper()
	db, err := sql.Open("sqlite3", env.cfg.DBDSN+"?_busy_timeout=5000")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare("INSERT INTO tokens_revocados (clave, expira_en) VALUES (?, ?)")
	if err != nil {
		b.Fatal(err)
	}
	exp := env.reloj.Now().Add(24 * time.Hour).UTC()
	for i := range n {
		pre := "j:"
		if i%2 == 1 {
			pre = "s:"
		}
		if _, err := st.Exec(fmt.Sprintf("%s%022d", pre, i), exp); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
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
