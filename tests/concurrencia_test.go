package tests

import (
	"fmt"
	"testing"

	"solicitud-transporte/models"
)

// aLaVez lanza n peticiones a la vez y cuenta sus status (-1 cuenta los
// 409 con un código inesperado).
func (env *entorno) aLaVez(n int, hacer func(i int) *respuesta) map[int]int {
	cuenta := map[int]int{}
	for _, r := range enParalelo(n, hacer) {
		cuenta[r.status]++
		if r.status == 409 && r.codigo != "TRANSICION_INVALIDA" && r.codigo != "CONFLICTO_ASIGNACION" {
			cuenta[-1]++
		}
	}
	return cuenta
}

// TestConcurrenciaAprobar: 10 aprobadores a la vez sobre una solicitud; gana
// exactamente uno y queda una sola entrada de historial de aprobación.
func TestConcurrenciaAprobar(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("c")
	tokens := make([]string, 10)
	for i := range tokens {
		tokens[i] = env.loginComo(fmt.Sprintf("apro%d", i), models.RolAprobador).AccessToken
	}
	s := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(1))
	cuenta := env.aLaVez(10, func(i int) *respuesta { return env.accion(tokens[i], s.ID, "aprobar", nil) })
	if cuenta[200] != 1 || cuenta[409] != 9 || cuenta[-1] != 0 {
		t.Fatalf("status = %v, want 1×200 y 9×409 TRANSICION_INVALIDA", cuenta)
	}
	var h []map[string]any
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d/historial", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &h)
	if len(h) != 2 {
		t.Fatalf("historial con %d entradas, want 2", len(h))
	}
	var fin solicitudR
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &fin)
	if fin.Estado != "aprobada" || fin.Version != 2 {
		t.Fatalf("estado %s version %d", fin.Estado, fin.Version)
	}
}

// TestConcurrenciaMovimientosMezclados: aprobar y rechazar a la vez (ambas
// solo desde pendiente): gana exactamente una. (cancelar no entra: después
// de aprobar sigue siendo legal, así que dos éxitos serían correctos.)
func TestConcurrenciaMovimientosMezclados(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("m")
	s := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(1))
	acciones := []string{"aprobar", "rechazar"}
	cuenta := env.aLaVez(10, func(i int) *respuesta {
		return env.accion(f.admin, s.ID, acciones[i%2], map[string]any{"motivo": "carrera"})
	})
	if cuenta[200] != 1 || cuenta[409] != 9 || cuenta[-1] != 0 {
		t.Fatalf("status = %v", cuenta)
	}
	var h []map[string]any
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d/historial", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &h)
	if len(h) != 2 {
		t.Fatalf("historial con %d entradas, want 2", len(h))
	}
}

// TestConcurrenciaAsignar: 10 solicitudes aprobadas con ventanas que se
// solapan y 10 asignaciones simultáneas del mismo vehículo (con motoristas
// distintos): exactamente una gana; las demás, 409 CONFLICTO_ASIGNACION.
func TestConcurrenciaAsignar(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("a")
	motoristas := make([]uint, 10)
	ids := make([]uint, 10)
	for i := range ids {
		motoristas[i] = env.crearUsuario(fmt.Sprintf("mot%d", i), models.RolMotorista).ID
		ids[i] = env.llevarA(t, f, f.solicitante, 1, "aprobada").ID
	}
	cuenta := env.aLaVez(10, func(i int) *respuesta {
		return env.accion(f.admin, ids[i], "asignar", map[string]any{"vehiculoId": f.vehiculo, "motoristaId": motoristas[i]})
	})
	if cuenta[200] != 1 || cuenta[409] != 9 || cuenta[-1] != 0 {
		t.Fatalf("status = %v, want 1×200 y 9×409 CONFLICTO_ASIGNACION", cuenta)
	}
	var p paginaR[solicitudR]
	env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?estado=asignada", token: f.admin}).esperar(t, 200, "").leer(t, &p)
	if p.Total != 1 {
		t.Fatalf("asignadas = %d", p.Total)
	}
	// y lo mismo con un motorista y vehículos distintos
	vehiculos := make([]uint, 10)
	for i := range vehiculos {
		vehiculos[i] = env.crearVehiculo(fmt.Sprintf("V-%d", i), 10)
		ids[i] = env.llevarA(t, f, f.solicitante, 2, "aprobada").ID
	}
	cuenta = env.aLaVez(10, func(i int) *respuesta {
		return env.accion(f.admin, ids[i], "asignar", map[string]any{"vehiculoId": vehiculos[i], "motoristaId": f.motoristaID})
	})
	if cuenta[200] != 1 || cuenta[409] != 9 || cuenta[-1] != 0 {
		t.Fatalf("motorista: status = %v", cuenta)
	}
}
