package tests

import (
	"fmt"
	"testing"
	"time"
)

// TestPatchSemantica cubre las reglas de PATCH de §12 en solicitudes: null
// borra un campo opcional y es 422 en uno obligatorio; un PATCH que no
// cambia nada no sube version ni toca actualizadoEn; los campos que no
// cambian no se vuelven a juzgar contra el reloj.
func TestPatchSemantica(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	nueva := func(t *testing.T, n int) solicitudR {
		c := env.cuerpoSolicitud(n)
		c["observaciones"] = "Llevar expedientes"
		c["fechaRegreso"] = env.reloj.Now().Add(time.Duration(n)*24*time.Hour + 3*time.Hour).Format(time.RFC3339)
		return env.crearSolicitud(t, admin, c)
	}
	patch := func(s solicitudR, cuerpo map[string]any) *respuesta {
		return env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: admin, cuerpo: cuerpo})
	}

	t.Run("null borra los opcionales", func(t *testing.T) {
		s := nueva(t, 1)
		var e solicitudR
		patch(s, map[string]any{"version": s.Version, "observaciones": nil, "fechaRegreso": nil}).esperar(t, 200, "").leer(t, &e)
		if e.Observaciones != nil || e.FechaRegreso != nil || e.Version != s.Version+1 {
			t.Fatalf("editada = %+v", e)
		}
	})
	t.Run("null en un obligatorio es 422", func(t *testing.T) {
		s := nueva(t, 2)
		for _, campo := range []string{"origen", "destino", "fechaSalida", "motivo", "pasajeros", "version"} {
			r := patch(s, map[string]any{"version": s.Version, campo: nil}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: null: errores = %+v", campo, r.errores)
			}
		}
		var g solicitudR
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: admin}).esperar(t, 200, "").leer(t, &g)
		if g.Version != s.Version || g.Origen != s.Origen {
			t.Fatalf("cambió tras 422: %+v", g)
		}
	})
	t.Run("sin cambios no sube version", func(t *testing.T) {
		s := nueva(t, 3)
		env.reloj.Avanzar(time.Minute)
		h := len(env.historial(t, admin, s.ID))
		for _, cuerpo := range []map[string]any{
			{"version": s.Version},
			{"version": s.Version, "origen": s.Origen, "motivo": " " + s.Motivo + " ", "pasajeros": s.Pasajeros,
				"fechaSalida": s.FechaSalida, "fechaRegreso": *s.FechaRegreso, "observaciones": *s.Observaciones},
		} {
			var e solicitudR
			patch(s, cuerpo).esperar(t, 200, "").leer(t, &e)
			if e.Version != s.Version || e.ActualizadoEn != s.ActualizadoEn {
				t.Fatalf("%v: version %d actualizadoEn %s; want %d, %s", cuerpo, e.Version, e.ActualizadoEn, s.Version, s.ActualizadoEn)
			}
		}
		if n := len(env.historial(t, admin, s.ID)); n != h {
			t.Fatalf("historial %d → %d", h, n)
		}
		// y una versión vieja sigue siendo CONFLICTO
		patch(s, map[string]any{"version": s.Version - 1}).esperar(t, 409, "CONFLICTO")
	})
	t.Run("con la salida ya pasada, lo demás se edita", func(t *testing.T) {
		s := nueva(t, 4)
		env.reloj.Avanzar(5 * 24 * time.Hour)
		admin := env.loginAdmin().AccessToken
		patch := func(cuerpo map[string]any) *respuesta {
			return env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: admin, cuerpo: cuerpo})
		}
		var e solicitudR
		patch(map[string]any{"version": s.Version, "motivo": "Audiencia reprogramada"}).esperar(t, 200, "").leer(t, &e)
		// el formulario entero, con la misma fechaSalida: tampoco se juzga
		patch(map[string]any{"version": e.Version, "fechaSalida": s.FechaSalida, "origen": "Sede regional"}).esperar(t, 200, "").leer(t, &e)
		if e.Motivo != "Audiencia reprogramada" || e.Origen != "Sede regional" || e.FechaSalida != s.FechaSalida {
			t.Fatalf("editada = %+v", e)
		}
		// una fechaSalida nueva sí: en el pasado, 422
		r := patch(map[string]any{"version": e.Version, "fechaSalida": env.reloj.Now().Add(-time.Hour).Format(time.RFC3339)}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != "fechaSalida" {
			t.Fatalf("errores = %+v", r.errores)
		}
		patch(map[string]any{"version": e.Version, "fechaSalida": env.dia(1), "fechaRegreso": nil}).esperar(t, 200, "")
	})
}

// TestPatchVehiculoNull: en PATCH /vehiculos/{id} todos los campos son
// obligatorios, así que null es 422 nombrando el campo.
func TestPatchVehiculoNull(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	id := env.crearVehiculo("NULL-1", 8)
	for _, campo := range []string{"placa", "marca", "modelo", "capacidad", "activo"} {
		r := env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/vehiculos/%d", id), token: admin, cuerpo: map[string]any{campo: nil}}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != campo {
			t.Fatalf("%s: errores = %+v", campo, r.errores)
		}
	}
	var v vehiculoR
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d", id), token: admin}).esperar(t, 200, "").leer(t, &v)
	if v.Placa != "NULL-1" || v.Capacidad != 8 || !v.Activo {
		t.Fatalf("vehículo = %+v", v)
	}
}
