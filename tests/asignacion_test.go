package tests

import (
	"context"
	"fmt"
	"testing"

	"solicitud-transporte/models"
)

// TestAsignacion cubre las comprobaciones de asignar (§7): vehículo y
// motorista válidos (422) y conflictos de ventana (409), con ventanas
// semiabiertas y el fin del día en TIMEZONE cuando no hay regreso.
func TestAsignacion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("s")
	chico := env.crearVehiculo("CHICO-1", 2)
	inactivo := env.crearVehiculo("INACT-1", 10)
	if _, err := env.store.EditarVehiculo(context.Background(), inactivo, models.DatosVehiculo{Activo: ptrDe(false)}); err != nil {
		t.Fatal(err)
	}
	apro := env.crearUsuario("apro", models.RolAprobador)
	motInactivo := env.crearUsuario("mot_inactivo", models.RolMotorista)
	admin := env.loginAdmin().AccessToken
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", motInactivo.ID), token: admin, cuerpo: map[string]any{"activo": false}}).esperar(t, 200, "")

	casos := []struct {
		nombre              string
		vehiculo, motorista uint
		campo               string
	}{
		{"vehículo inexistente", 999, f.motoristaID, "vehiculoId"},
		{"vehículo inactivo", inactivo, f.motoristaID, "vehiculoId"},
		{"capacidad insuficiente", chico, f.motoristaID, "vehiculoId"},
		{"motorista inexistente", f.vehiculo, 999, "motoristaId"},
		{"no es motorista", f.vehiculo, apro.ID, "motoristaId"},
		{"motorista inactivo", f.vehiculo, motInactivo.ID, "motoristaId"},
	}
	for i, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			s := env.llevarA(t, f, f.solicitante, 10+i, "aprobada")
			r := env.accion(f.admin, s.ID, "asignar", map[string]any{"vehiculoId": c.vehiculo, "motoristaId": c.motorista}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != c.campo {
				t.Fatalf("errores = %+v", r.errores)
			}
		})
	}

	// ventanas en El Salvador (UTC-6)
	crear := func(t *testing.T, salida string, regreso any) uint {
		t.Helper()
		c := env.cuerpoSolicitud(1)
		c["fechaSalida"] = salida
		if regreso != nil {
			c["fechaRegreso"] = regreso
		}
		s := env.crearSolicitud(t, f.solicitante, c)
		env.accion(f.admin, s.ID, "aprobar", nil).esperar(t, 200, "")
		return s.ID
	}
	asignar := func(id, vehiculo, motorista uint) *respuesta {
		return env.accion(f.admin, id, "asignar", map[string]any{"vehiculoId": vehiculo, "motoristaId": motorista})
	}
	t.Run("ventanas", func(t *testing.T) {
		v := env.crearVehiculo("VENT-1", 10)
		m1 := env.crearUsuario("mot_v1", models.RolMotorista).ID
		m2 := env.crearUsuario("mot_v2", models.RolMotorista).ID
		m3 := env.crearUsuario("mot_v3", models.RolMotorista).ID
		base := crear(t, "2026-04-10T08:00:00-06:00", "2026-04-10T12:00:00-06:00")
		asignar(base, v, m1).esperar(t, 200, "")

		// mismo vehículo, solape parcial: 409
		r := asignar(crear(t, "2026-04-10T11:00:00-06:00", "2026-04-10T13:00:00-06:00"), v, m2).esperar(t, 409, "CONFLICTO_ASIGNACION")
		if r.detalle == "" {
			t.Fatal("sin detalle")
		}
		// mismo motorista, otro vehículo, solape: 409
		asignar(crear(t, "2026-04-10T07:00:00-06:00", "2026-04-10T08:30:00-06:00"), f.vehiculo, m1).esperar(t, 409, "CONFLICTO_ASIGNACION")
		// contigua (semiabierta): 12:00 no se solapa con [08:00, 12:00)
		asignar(crear(t, "2026-04-10T12:00:00-06:00", "2026-04-10T14:00:00-06:00"), v, m2).esperar(t, 200, "")
		// sin regreso: dura hasta el fin del día en El Salvador (00:00 -06:00 = 06:00 UTC)
		sinRegreso := crear(t, "2026-04-11T20:00:00-06:00", nil)
		asignar(sinRegreso, v, m3).esperar(t, 200, "")
		asignar(crear(t, "2026-04-11T23:30:00-06:00", "2026-04-12T01:00:00-06:00"), v, m1).esperar(t, 409, "CONFLICTO_ASIGNACION")
		asignar(crear(t, "2026-04-12T00:00:00-06:00", "2026-04-12T01:00:00-06:00"), v, m1).esperar(t, 200, "")
		// una solicitud finalizada o cancelada libera el vehículo
		env.accion(f.admin, sinRegreso, "cancelar", map[string]any{"motivo": "libera"}).esperar(t, 200, "")
		asignar(crear(t, "2026-04-11T21:00:00-06:00", "2026-04-11T22:00:00-06:00"), v, m3).esperar(t, 200, "")
	})
	t.Run("disponibles", func(t *testing.T) {
		var vs []struct {
			Placa string `json:"placa"`
		}
		placas := func(q string) map[string]bool {
			env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/disponibles?" + q, token: admin}).esperar(t, 200, "").leer(t, &vs)
			m := map[string]bool{}
			for _, v := range vs {
				m[v.Placa] = true
			}
			return m
		}
		// VENT-1 ocupado el 10 de 08:00 a 14:00; INACT-1 nunca aparece
		if m := placas("desde=2026-04-10T09:00:00-06:00&hasta=2026-04-10T10:00:00-06:00"); m["VENT-1"] || m["INACT-1"] || !m["CHICO-1"] || !m["P-S"] {
			t.Fatalf("disponibles = %v", m)
		}
		if m := placas("desde=2026-04-10T14:00:00-06:00&hasta=2026-04-10T15:00:00-06:00"); !m["VENT-1"] {
			t.Fatalf("14:00 debería estar libre: %v", m)
		}
		if m := placas("desde=2026-04-10&hasta=2026-04-10"); m["VENT-1"] {
			t.Fatalf("día completo: %v", m)
		}
		if m := placas("desde=2026-04-20&hasta=2026-04-21"); !m["VENT-1"] {
			t.Fatalf("otro día: %v", m)
		}
		for q, campo := range map[string]string{
			"hasta=2026-04-10": "desde", "desde=2026-04-10": "hasta", "desde=x&hasta=2026-04-10": "desde",
			"desde=2026-04-10T10:00:00Z&hasta=2026-04-10T10:00:00Z": "hasta", "desde=2026-04-11&hasta=2026-04-10": "hasta",
		} {
			r := env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/disponibles?" + q, token: admin}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: errores = %+v", q, r.errores)
			}
		}
	})
}
