package tests

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// sembrar carga n solicitudes con la importación del store (solo para medir:
// no pasa por las reglas ni crea historial). Los estados se reparten por
// igual entre los siete; los solicitantes, los vehículos y los motoristas (en
// las que ya fueron asignadas) se turnan.
func sembrar(tb testing.TB, env *entorno, n int, solicitantes, vehiculos, motoristas []uint) {
	tb.Helper()
	base := env.reloj.Now().Add(-time.Duration(n) * time.Minute)
	sols := make([]models.Solicitud, 0, n)
	for i := 0; i < n; i++ {
		creado := base.Add(time.Duration(i) * time.Minute).UTC()
		salida := creado.Add(time.Duration(24+i%240) * time.Hour)
		s := models.Solicitud{
			Codigo: fmt.Sprintf("ST-2025-%06d", i+1), Estado: models.Estados[i%len(models.Estados)],
			Origen: "Oficina central", Destino: fmt.Sprintf("Destino %d", i%500), FechaSalida: salida,
			FinVentana: salida.Add(4 * time.Hour), Motivo: "Diligencia judicial", Pasajeros: 1 + i%10,
			SolicitanteID: solicitantes[i%len(solicitantes)], Version: 1, CreadoEn: creado, ActualizadoEn: creado,
		}
		switch s.Estado {
		case models.EstadoAsignada, models.EstadoEnCurso, models.EstadoFinalizada:
			s.VehiculoID, s.MotoristaID = ptrDe(vehiculos[i%len(vehiculos)]), ptrDe(motoristas[i%len(motoristas)])
		}
		sols = append(sols, s)
	}
	if err := env.store.ImportarSolicitudes(context.Background(), sols); err != nil {
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
