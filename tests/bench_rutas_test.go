package tests

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"solicitud-transporte/models"
)

// Benchmarks de las rutas calientes de punta a punta por el router (issue
// 13): crear, refrescar y ver. La lista es BenchmarkListarSolicitudes y el
// middleware de autenticación, BenchmarkAutenticacion. Miden solo el
// servidor: sin el validador del contrato del arnés y sin guardar la
// respuesta (descarte). Para comparar dos versiones, con benchstat:
//
//	go test ./tests -run '^$' -bench 'CrearSolicitud|Refrescar|VerSolicitud' -benchmem -count 6

// servir hace la petición por el router y devuelve el status y el cuerpo
// (solo si guardar).
func servir(env *entorno, metodo, ruta, token string, cuerpo []byte, guardar bool) (int, []byte) {
	var body *bytes.Reader
	if cuerpo != nil {
		body = bytes.NewReader(cuerpo)
	}
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(metodo, ruta, body)
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(metodo, ruta, nil)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if guardar {
		rec := httptest.NewRecorder()
		env.e.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	w := &descarte{h: http.Header{}}
	env.e.ServeHTTP(w, req)
	return w.status, nil
}

// entornoBench es un entorno sin límites de tasa que estorben a un bucle de
// miles de peticiones del mismo usuario.
func entornoBench(b *testing.B) *entorno {
	return nuevoEntorno(b, func(c *configT) {
		c.RateLimitWritesPerMinute = 0 // desactivado
		c.RateLimitAuthPerMinute = 1 << 30
	})
}

// BenchmarkCrearSolicitud mide POST /solicitud/ (el contador del año, la
// fila y su historial en una transacción).
func BenchmarkCrearSolicitud(b *testing.B) {
	env := entornoBench(b)
	sol := env.loginComo("ana", models.RolSolicitante)
	salida := env.reloj.Now().AddDate(0, 0, 30).Format("2006-01-02T09:00:00Z")
	cuerpo := []byte(`{"origen":"Oficina central","destino":"Juzgado de Santa Ana","fechaSalida":"` + salida +
		`","motivo":"Audiencia programada","pasajeros":2}`)
	b.ReportAllocs()
	for b.Loop() {
		if st, _ := servir(env, "POST", "/solicitud/", sol.AccessToken, cuerpo, false); st != http.StatusCreated {
			b.Fatal(st)
		}
	}
}

// BenchmarkRefrescar mide POST /auth/refresh con rotación: cada vuelta
// canjea el refresh token que dejó la anterior.
func BenchmarkRefrescar(b *testing.B) {
	env := entornoBench(b)
	rt := env.loginAdmin().RefreshToken
	clave := []byte(`"refreshToken":"`)
	b.ReportAllocs()
	for b.Loop() {
		st, cuerpo := servir(env, "POST", "/auth/refresh", "", []byte(`{"refreshToken":"`+rt+`"}`), true)
		i := bytes.Index(cuerpo, clave)
		if st != http.StatusOK || i < 0 {
			b.Fatalf("status %d: %s", st, cuerpo)
		}
		resto := cuerpo[i+len(clave):]
		rt = string(resto[:bytes.IndexByte(resto, '"')])
	}
}

// BenchmarkVerSolicitud mide GET /solicitud/{id} de una solicitud asignada
// (con vehículo y motorista: las tres relaciones) entre 1.000.
func BenchmarkVerSolicitud(b *testing.B) {
	env := entornoBench(b)
	admin := env.loginAdmin().AccessToken
	sol := env.crearUsuario("bsol", models.RolSolicitante).ID
	vehiculos, motoristas := flotaGrande(env, 5, 5)
	sembrar(b, env, 1000, []uint{sol}, vehiculos, motoristas)
	var pag struct {
		Elementos []struct {
			ID       uint `json:"id"`
			Vehiculo *struct {
				ID uint `json:"id"`
			} `json:"vehiculo"`
		} `json:"elementos"`
	}
	r := env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?estado=asignada&porPagina=1", token: admin}).esperar(b, 200, "")
	r.leer(b, &pag)
	if len(pag.Elementos) != 1 || pag.Elementos[0].Vehiculo == nil {
		b.Fatalf("sin solicitud asignada: %s", r.datos)
	}
	ruta := fmt.Sprintf("/solicitud/%d", pag.Elementos[0].ID)
	b.ReportAllocs()
	for b.Loop() {
		if st, _ := servir(env, "GET", ruta, admin, nil, false); st != http.StatusOK {
			b.Fatal(st)
		}
	}
}
