package tests

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
	"solicitud-transporte/models/store/storetest"
)

// sembrar carga n solicitudes con la importación del store (solo para medir:
// no pasa por las reglas ni crea historial).
func sembrar(tb testing.TB, env *entorno, n int, solicitantes, vehiculos, motoristas []uint) {
	tb.Helper()
	if err := env.store.ImportarSolicitudes(context.Background(), storetest.Solicitudes(env.reloj.Now(), n, solicitantes, vehiculos, motoristas)); err != nil {
		tb.Fatal(err)
	}
}

// flotaGrande crea nv vehículos y nm motoristas.
func flotaGrande(env *entorno, nv, nm int) (vehiculos, motoristas []uint) {
	for i := 0; i < nv; i++ {
		vehiculos = append(vehiculos, env.crearVehiculo(fmt.Sprintf("B-%03d", i), 20))
	}
	for i := 0; i < nm; i++ {
		motoristas = append(motoristas, env.crearUsuario(fmt.Sprintf("bmot%d", i), models.RolMotorista).ID)
	}
	return vehiculos, motoristas
}

// BenchmarkListarSolicitudes mide GET /solicitud/?estado=pendiente (página 1
// de 20, orden por defecto) de punta a punta por el router, con 100.000
// solicitudes. No corre con go test normal:
//
//	go test ./tests -run '^$' -bench BenchmarkListar -benchtime 2s
func BenchmarkListarSolicitudes(b *testing.B) {
	env := nuevoEntorno(b)
	admin := env.loginAdmin().AccessToken
	sol := env.loginComo("ana", models.RolSolicitante)
	solicitantes := []uint{sol.User.ID}
	for i := 0; i < 49; i++ {
		solicitantes = append(solicitantes, env.crearUsuario(fmt.Sprintf("sol%d", i), models.RolSolicitante).ID)
	}
	vehiculos, motoristas := flotaGrande(env, 40, 40)
	sembrar(b, env, 100_000, solicitantes, vehiculos, motoristas)
	env.reiniciar() // como un arranque del servidor sobre una base ya poblada
	casos := []struct {
		nombre, token, query string
	}{
		{"admin_estado", admin, "estado=pendiente"},
		{"admin_sin_filtro", admin, ""},
		{"admin_dos_estados", admin, "estado=pendiente,aprobada"},
		{"solicitante_estado", sol.AccessToken, "estado=pendiente"},
		{"admin_q", admin, "q=destino+42"},
	}
	for _, c := range casos {
		b.Run(c.nombre, func(b *testing.B) {
			p := peticion{metodo: "GET", ruta: "/solicitud/?" + c.query, token: c.token}
			if r := env.hacer(p); r.status != 200 || !strings.Contains(string(r.datos), `"porPagina":20`) {
				b.Fatalf("status %d: %s", r.status, r.cuerpo)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if r := env.hacer(p); r.status != 200 {
					b.Fatal(r.status)
				}
			}
		})
	}
}
