package tests

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

// historialR es una entrada de GET /solicitud/{id}/historial.
type historialR struct {
	EstadoAnterior *string `json:"estadoAnterior"`
	EstadoNuevo    string  `json:"estadoNuevo"`
	Comentario     *string `json:"comentario"`
}

func (env *entorno) historial(t testing.TB, token string, id uint) []historialR {
	t.Helper()
	var h []historialR
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d/historial", id), token: token}).esperar(t, 200, "").leer(t, &h)
	return h
}

// TestReasignar cubre POST /solicitud/{id}/reasignar (§7): cambia vehículo
// y/o motorista de una asignada con las comprobaciones de asignar, sin
// chocar con su propia asignación, y deja el motivo en el historial.
func TestReasignar(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("r")
	apro := env.loginComo("apro_r", models.RolAprobador).AccessToken
	otroMot := env.crearUsuario("mot_r2", models.RolMotorista)

	t.Run("cambia el vehículo y conserva el motorista", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 1, "asignada")
		var got solicitudR
		r := env.accion(apro, s.ID, "reasignar", map[string]any{"vehiculoId": f.otroVehiculo, "motivo": "Avería del motor"}).esperar(t, 200, "")
		r.leer(t, &got)
		if r.mensaje != "Solicitud reasignada" || got.Estado != "asignada" || got.Version != s.Version+1 ||
			got.Vehiculo == nil || got.Vehiculo.ID != f.otroVehiculo || got.Motorista == nil || got.Motorista.ID != f.motoristaID {
			t.Fatalf("reasignada = %s", r.cuerpo)
		}
		h := env.historial(t, f.admin, s.ID)
		u := h[len(h)-1]
		if u.EstadoAnterior == nil || *u.EstadoAnterior != "asignada" || u.EstadoNuevo != "asignada" || u.Comentario == nil ||
			!strings.Contains(*u.Comentario, "Avería del motor") || !strings.Contains(*u.Comentario, "P-R → R-R") ||
			strings.Contains(*u.Comentario, "motorista") {
			t.Fatalf("historial = %s", fmtJSON(h))
		}
		// el vehículo anterior queda libre en esa ventana
		otra := env.llevarA(t, f, f.solicitante, 1, "aprobada")
		env.accion(f.admin, otra.ID, "asignar", map[string]any{"vehiculoId": f.vehiculo, "motoristaId": otroMot.ID}).esperar(t, 200, "")
	})
	t.Run("cambia el motorista y el vehículo", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 2, "asignada")
		var got solicitudR
		env.accion(f.admin, s.ID, "reasignar", map[string]any{"vehiculoId": f.otroVehiculo, "motoristaId": otroMot.ID, "motivo": "Motorista enfermo"}).
			esperar(t, 200, "").leer(t, &got)
		if got.Motorista == nil || got.Motorista.ID != otroMot.ID || got.Vehiculo.ID != f.otroVehiculo {
			t.Fatalf("reasignada = %+v", got)
		}
		h := env.historial(t, f.admin, s.ID)
		if c := h[len(h)-1].Comentario; c == nil || !strings.Contains(*c, "motorista motorista_r → mot_r2") || !strings.Contains(*c, "Motorista enfermo") {
			t.Fatalf("comentario = %v", c)
		}
		// el motorista anterior ya no la ve; el nuevo sí
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: f.motorista.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
	})
	t.Run("solo el motorista, sin chocar con su propia ventana", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 3, "asignada")
		env.accion(f.admin, s.ID, "reasignar", map[string]any{"vehiculoId": f.vehiculo, "motoristaId": otroMot.ID, "motivo": "Cambio de turno"}).esperar(t, 200, "")
		// y de vuelta al anterior: su ventana es la de esta misma solicitud
		env.accion(f.admin, s.ID, "reasignar", map[string]any{"motoristaId": f.motoristaID, "motivo": "Vuelve el titular"}).esperar(t, 200, "")
	})

	t.Run("validación", func(t *testing.T) {
		chico := env.crearVehiculo("CHICO-R", 2)
		inactivo := env.crearVehiculo("INACT-R", 10)
		if _, err := env.store.EditarVehiculo(context.Background(), inactivo, models.DatosVehiculo{Activo: ptrDe(false)}); err != nil {
			t.Fatal(err)
		}
		noMot := env.crearUsuario("apro_r2", models.RolAprobador)
		s := env.llevarA(t, f, f.solicitante, 4, "asignada")
		for _, c := range []struct {
			nombre string
			cuerpo map[string]any
			campos []string
		}{
			{"sin motivo", map[string]any{"vehiculoId": f.otroVehiculo}, []string{"motivo"}},
			{"motivo vacío", map[string]any{"vehiculoId": f.otroVehiculo, "motivo": "  "}, []string{"motivo"}},
			{"sin vehículo ni motorista", map[string]any{"motivo": "x"}, []string{"vehiculoId"}},
			{"lo mismo que ya tiene", map[string]any{"vehiculoId": f.vehiculo, "motoristaId": f.motoristaID, "motivo": "x"}, []string{"vehiculoId", "motoristaId"}},
			{"vehículo inexistente", map[string]any{"vehiculoId": 999, "motivo": "x"}, []string{"vehiculoId"}},
			{"vehículo inactivo", map[string]any{"vehiculoId": inactivo, "motivo": "x"}, []string{"vehiculoId"}},
			{"capacidad insuficiente", map[string]any{"vehiculoId": chico, "motivo": "x"}, []string{"vehiculoId"}},
			{"no es motorista", map[string]any{"motoristaId": noMot.ID, "motivo": "x"}, []string{"motoristaId"}},
		} {
			r := env.accion(f.admin, s.ID, "reasignar", c.cuerpo).esperar(t, 422, "VALIDACION")
			var campos []string
			for _, e := range r.errores {
				campos = append(campos, e.Campo)
			}
			if fmt.Sprint(campos) != fmt.Sprint(c.campos) {
				t.Fatalf("%s: errores = %+v, want %v", c.nombre, r.errores, c.campos)
			}
		}
		var sigue solicitudR
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &sigue)
		if sigue.Version != s.Version || sigue.Vehiculo.ID != f.vehiculo {
			t.Fatalf("cambió tras un 422: %+v", sigue)
		}
	})
	t.Run("conflicto de horario con otra solicitud", func(t *testing.T) {
		ocupa := env.llevarA(t, f, f.solicitante, 5, "aprobada")
		v := env.crearVehiculo("OCUPA-R", 10)
		m := env.crearUsuario("mot_r3", models.RolMotorista)
		env.accion(f.admin, ocupa.ID, "asignar", map[string]any{"vehiculoId": v, "motoristaId": m.ID}).esperar(t, 200, "")
		s := env.llevarA(t, f, f.solicitante, 5, "asignada")
		r := env.accion(f.admin, s.ID, "reasignar", map[string]any{"vehiculoId": v, "motivo": "x"}).esperar(t, 409, "CONFLICTO_ASIGNACION")
		if !strings.Contains(r.detalle, ocupa.Codigo) {
			t.Fatalf("detalle %q no nombra %s", r.detalle, ocupa.Codigo)
		}
		env.accion(f.admin, s.ID, "reasignar", map[string]any{"motoristaId": m.ID, "motivo": "x"}).esperar(t, 409, "CONFLICTO_ASIGNACION")
	})
	t.Run("asignar sobre una asignada sigue siendo 409", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 6, "asignada")
		env.accion(f.admin, s.ID, "asignar", map[string]any{"vehiculoId": f.otroVehiculo, "motoristaId": f.motoristaID}).esperar(t, 409, "TRANSICION_INVALIDA")
	})
}

// TestReasignarConcurrencia: reasignar compite con cancelar sobre la misma
// solicitud, y dos reasignaciones de solicitudes distintas compiten por el
// mismo vehículo. Ninguna escritura se pierde: cada 200 deja exactamente una
// entrada de historial, el estado final es el del último ganador, y de las
// dos reasignaciones al mismo vehículo gana exactamente una.
func TestReasignarConcurrencia(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("rc")
	for ronda := range 5 {
		s := env.llevarA(t, f, f.solicitante, 1+ronda, "asignada")
		r := enParalelo(2, func(i int) *respuesta {
			if i == 0 {
				return env.accion(f.admin, s.ID, "cancelar", map[string]any{"motivo": "Ya no hace falta"})
			}
			return env.accion(f.admin, s.ID, "reasignar", map[string]any{"vehiculoId": f.otroVehiculo, "motivo": "Avería"})
		})
		if r[0].status != 200 {
			// cancelar solo pierde si reasignar ganó en la misma versión
			// (PostgreSQL); entonces el ganador es reasignar.
			r[0].esperar(t, 409, "TRANSICION_INVALIDA")
			r[1].esperar(t, 200, "")
		} else if r[1].status != 200 {
			r[1].esperar(t, 409, "TRANSICION_INVALIDA")
		}
		ganadores := 0
		for _, x := range r {
			if x.status == 200 {
				ganadores++
			}
		}
		h := env.historial(t, f.admin, s.ID)
		if len(h) != 3+ganadores {
			t.Fatalf("ronda %d: %d ganadores y %d entradas de historial: %s", ronda, ganadores, len(h), fmtJSON(h))
		}
		var fin solicitudR
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &fin)
		if fin.Estado != h[len(h)-1].EstadoNuevo || fin.Version != s.Version+ganadores {
			t.Fatalf("ronda %d: estado %s version %d, historial %s", ronda, fin.Estado, fin.Version, fmtJSON(h))
		}
	}

	// dos solicitudes asignadas el mismo día a vehículos distintos; ambas
	// se reasignan a la vez al mismo vehículo libre: gana una.
	libre := env.crearVehiculo("LIBRE-RC", 10)
	ids := make([]uint, 2)
	for i := range ids {
		s := env.llevarA(t, f, f.solicitante, 20, "aprobada")
		v := env.crearVehiculo(fmt.Sprintf("RC-%d", i), 10)
		m := env.crearUsuario(fmt.Sprintf("mot_rc%d", i), models.RolMotorista)
		env.accion(f.admin, s.ID, "asignar", map[string]any{"vehiculoId": v, "motoristaId": m.ID}).esperar(t, 200, "")
		ids[i] = s.ID
	}
	cuenta := env.aLaVez(2, func(i int) *respuesta {
		return env.accion(f.admin, ids[i], "reasignar", map[string]any{"vehiculoId": libre, "motivo": "Avería"})
	})
	if cuenta[200] != 1 || cuenta[409] != 1 || cuenta[-1] != 0 {
		t.Fatalf("status = %v, want 1×200 y 1×409 CONFLICTO_ASIGNACION", cuenta)
	}
}
