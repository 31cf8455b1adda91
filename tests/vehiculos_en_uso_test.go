package tests

import (
	"fmt"
	"strings"
	"testing"
)

// TestVehiculoEnUso (§12): desactivar un vehículo, o bajar su capacidad por
// debajo de los pasajeros de un viaje asignado o en curso, es 409 CONFLICTO
// nombrando los códigos; los viajes terminados o cancelados no cuentan.
func TestVehiculoEnUso(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("u")
	asignada := env.llevarA(t, f, f.solicitante, 1, "asignada")
	enCurso := env.llevarA(t, f, f.solicitante, 2, "en_curso")
	env.llevarA(t, f, f.solicitante, 3, "finalizada")
	env.llevarA(t, f, f.solicitante, 4, "cancelada")
	grande := env.crearSolicitud(t, f.solicitante, func() map[string]any {
		c := env.cuerpoSolicitud(5)
		c["pasajeros"] = 8
		return c
	}())
	env.accion(f.admin, grande.ID, "aprobar", nil).esperar(t, 200, "")
	env.accion(f.admin, grande.ID, "asignar", cuerpoAccion("asignar", f)).esperar(t, 200, "")

	patch := func(cuerpo map[string]any) *respuesta {
		return env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/vehiculos/%d", f.vehiculo), token: f.admin, cuerpo: cuerpo})
	}
	nombra := func(t *testing.T, r *respuesta, si []solicitudR, no []solicitudR) {
		t.Helper()
		for _, s := range si {
			if !strings.Contains(r.detalle, s.Codigo) {
				t.Fatalf("detalle %q no nombra %s", r.detalle, s.Codigo)
			}
		}
		for _, s := range no {
			if strings.Contains(r.detalle, s.Codigo) {
				t.Fatalf("detalle %q nombra %s", r.detalle, s.Codigo)
			}
		}
		if !strings.Contains(strings.ToLower(r.detalle), "reasign") {
			t.Fatalf("detalle %q no dice que se reasigne", r.detalle)
		}
	}
	r := patch(map[string]any{"activo": false}).esperar(t, 409, "CONFLICTO")
	nombra(t, r, []solicitudR{asignada, enCurso, grande}, nil)
	r = patch(map[string]any{"capacidad": 5}).esperar(t, 409, "CONFLICTO")
	nombra(t, r, []solicitudR{grande}, []solicitudR{asignada, enCurso})
	var v vehiculoR
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d", f.vehiculo), token: f.admin}).esperar(t, 200, "").leer(t, &v)
	if !v.Activo || v.Capacidad != 10 {
		t.Fatalf("cambió tras el 409: %+v", v)
	}
	// la capacidad justa sí; los demás campos también
	patch(map[string]any{"capacidad": 8, "marca": "Nissan"}).esperar(t, 200, "").leer(t, &v)
	if v.Capacidad != 8 || v.Marca != "Nissan" {
		t.Fatalf("vehículo = %+v", v)
	}
	// reasignados y terminado el viaje en curso, ya se puede desactivar
	for _, s := range []solicitudR{asignada, grande} {
		env.accion(f.admin, s.ID, "reasignar", map[string]any{"vehiculoId": f.otroVehiculo, "motivo": "Baja del vehículo"}).esperar(t, 200, "")
	}
	r = patch(map[string]any{"activo": false}).esperar(t, 409, "CONFLICTO")
	nombra(t, r, []solicitudR{enCurso}, []solicitudR{asignada, grande})
	env.accion(f.admin, enCurso.ID, "finalizar", nil).esperar(t, 200, "")
	patch(map[string]any{"activo": false, "capacidad": 1}).esperar(t, 200, "").leer(t, &v)
	if v.Activo || v.Capacidad != 1 {
		t.Fatalf("vehículo = %+v", v)
	}
}

// TestVehiculoEnUsoConcurrencia: desactivar un vehículo mientras se le
// asigna un viaje: nunca ganan las dos (un viaje asignado a un vehículo
// inactivo). O se desactiva y la asignación es 422, o se asigna y la baja
// es 409.
func TestVehiculoEnUsoConcurrencia(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("uc")
	for ronda := range 6 {
		v := env.crearVehiculo(fmt.Sprintf("UC-%d", ronda), 10)
		s := env.llevarA(t, f, f.solicitante, 1+ronda, "aprobada")
		r := enParalelo(2, func(i int) *respuesta {
			if i == 0 {
				return env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/vehiculos/%d", v), token: f.admin, cuerpo: map[string]any{"activo": false}})
			}
			return env.accion(f.admin, s.ID, "asignar", map[string]any{"vehiculoId": v, "motoristaId": f.motoristaID})
		})
		switch {
		case r[0].status == 200:
			r[1].esperar(t, 422, "VALIDACION")
		case r[1].status == 200:
			r[0].esperar(t, 409, "CONFLICTO")
		default:
			t.Fatalf("ronda %d: status %d y %d: %s / %s", ronda, r[0].status, r[1].status, r[0].cuerpo, r[1].cuerpo)
		}
	}
}
