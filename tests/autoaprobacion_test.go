package tests

import (
	"testing"

	"solicitud-transporte/config"
	"solicitud-transporte/models"
)

// detalleAutoaprobacion es el detalle exacto de API.md §7.1.
const detalleAutoaprobacion = "No puede aprobar, rechazar ni asignar su propia solicitud."

// TestAutoaprobacion: el admin no aprueba, rechaza, asigna ni reasigna una
// solicitud suya (403 con el detalle de §7.1) y sí la cancela; nada cambia
// con el 403. Con PERMITIR_AUTOAPROBACION=true sí puede.
func TestAutoaprobacion(t *testing.T) {
	t.Parallel()
	t.Run("por defecto no", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t)
		f := env.nuevaFlota("aa")
		apro := env.loginComo("apro_aa", models.RolAprobador).AccessToken
		propia := func(r *respuesta) {
			t.Helper()
			r.esperar(t, 403, "PERMISOS_INSUFICIENTES")
			if r.detalle != detalleAutoaprobacion {
				t.Fatalf("detalle = %q, want %q", r.detalle, detalleAutoaprobacion)
			}
		}
		s := env.crearSolicitud(t, f.admin, env.cuerpoSolicitud(1))
		propia(env.accion(f.admin, s.ID, "aprobar", nil))
		propia(env.accion(f.admin, s.ID, "rechazar", cuerpoAccion("rechazar", f)))
		env.accion(apro, s.ID, "aprobar", nil).esperar(t, 200, "")
		propia(env.accion(f.admin, s.ID, "asignar", cuerpoAccion("asignar", f)))
		env.accion(apro, s.ID, "asignar", cuerpoAccion("asignar", f)).esperar(t, 200, "")
		propia(env.accion(f.admin, s.ID, "reasignar", cuerpoAccion("reasignar", f)))
		var fin solicitudR
		env.accion(f.admin, s.ID, "cancelar", cuerpoAccion("cancelar", f)).esperar(t, 200, "").leer(t, &fin)
		// creada, aprobada, asignada, cancelada: los 403 no movieron nada
		if fin.Estado != "cancelada" || fin.Version != 4 || fin.Vehiculo == nil || fin.Vehiculo.ID != f.vehiculo {
			t.Fatalf("estado, version, vehículo = %q, %d, %+v", fin.Estado, fin.Version, fin.Vehiculo)
		}
	})
	t.Run("con PERMITIR_AUTOAPROBACION", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t, func(c *config.Config) { c.PermitirAutoaprobacion = true })
		f := env.nuevaFlota("ab")
		s := env.llevarA(t, f, f.admin, 1, "asignada")
		env.accion(f.admin, s.ID, "reasignar", cuerpoAccion("reasignar", f)).esperar(t, 200, "")
		env.llevarA(t, f, f.admin, 2, "rechazada")
		apro := env.loginComo("apro_ab", models.RolAprobador).AccessToken
		s = env.crearSolicitud(t, apro, env.cuerpoSolicitud(3))
		env.accion(apro, s.ID, "aprobar", nil).esperar(t, 200, "")
	})
}
