package tests

import (
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

// TestTransicionesPorRol prueba por HTTP cada acción desde cada estado para
// cada tipo de actor: 200 con el estado nuevo, 409 TRANSICION_INVALIDA
// nombrando estado y acción, 403 PERMISOS_INSUFICIENTES, o 404 si el actor no
// ve la solicitud. La expectativa se escribe aparte de la tabla de models.
// "aprobador dueño" actúa sobre una solicitud que él creó: aprobar,
// rechazar, asignar y reasignar son 403 con el detalle de §7.1.
func TestTransicionesPorRol(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("t")
	dueno := env.loginComo("duena", models.RolSolicitante)
	tokens := map[string]string{
		"admin": f.admin, "aprobador": env.loginComo("apro", models.RolAprobador).AccessToken,
		"dueño": dueno.AccessToken, "otro solicitante": env.loginComo("otro", models.RolSolicitante).AccessToken,
		"motorista asignado": f.motorista.AccessToken,
		"motorista ajeno":    env.loginComo("motorista_b", models.RolMotorista).AccessToken,
		"aprobador dueño":    env.loginComo("apro_duena", models.RolAprobador).AccessToken,
	}
	puede := map[string][]string{
		"admin":              {"aprobar", "rechazar", "asignar", "reasignar", "iniciar", "finalizar", "cancelar"},
		"aprobador":          {"aprobar", "rechazar", "asignar", "reasignar", "cancelar"},
		"dueño":              {"cancelar"},
		"motorista asignado": {"iniciar", "finalizar"},
		"aprobador dueño":    {"cancelar"},
	}
	// autoaprobacion son las acciones que el rol permitiría pero la
	// segregación de funciones niega al dueño.
	autoaprobacion := map[string]bool{"aprobar": true, "rechazar": true, "asignar": true, "reasignar": true}
	legal := map[string]map[string]string{
		"aprobar": {"pendiente": "aprobada"}, "rechazar": {"pendiente": "rechazada"},
		"asignar": {"aprobada": "asignada"}, "reasignar": {"asignada": "asignada"}, "iniciar": {"asignada": "en_curso"},
		"finalizar": {"en_curso": "finalizada"},
		"cancelar":  {"pendiente": "cancelada", "aprobada": "cancelada", "asignada": "cancelada"},
	}
	// el motorista solo ve las solicitudes que tienen motorista (llevarA
	// cancela después de asignar).
	conMotorista := map[string]bool{"asignada": true, "en_curso": true, "finalizada": true, "cancelada": true}
	estados := []string{"pendiente", "aprobada", "rechazada", "asignada", "en_curso", "finalizada", "cancelada"}
	acciones := []string{"aprobar", "rechazar", "asignar", "reasignar", "iniciar", "finalizar", "cancelar"}
	quienes := []string{"admin", "aprobador", "dueño", "otro solicitante", "motorista asignado", "motorista ajeno", "aprobador dueño"}
	n := 0
	for _, quien := range quienes {
		for _, estado := range estados {
			for _, accion := range acciones {
				n++
				dia := n
				t.Run(fmt.Sprintf("%s/%s/%s", quien, estado, accion), func(t *testing.T) {
					creador := dueno.AccessToken
					if quien == "aprobador dueño" {
						creador = tokens[quien]
					}
					s := env.llevarA(t, f, creador, dia, estado)
					r := env.accion(tokens[quien], s.ID, accion, cuerpoAccion(accion, f))
					visible := quien == "admin" || quien == "aprobador" || quien == "dueño" || quien == "aprobador dueño" ||
						(quien == "motorista asignado" && conMotorista[estado])
					permitido := false
					for _, a := range puede[quien] {
						permitido = permitido || a == accion
					}
					destino, esLegal := legal[accion][estado]
					switch {
					case !visible:
						r.esperar(t, 404, "NO_ENCONTRADO")
					case !permitido:
						r.esperar(t, 403, "PERMISOS_INSUFICIENTES")
						propia := quien == "aprobador dueño" && autoaprobacion[accion]
						if propia != (r.detalle == detalleAutoaprobacion) {
							t.Fatalf("detalle = %q", r.detalle)
						}
					case !esLegal:
						r.esperar(t, 409, "TRANSICION_INVALIDA")
						if !strings.Contains(r.detalle, estado) || !strings.Contains(r.detalle, accion) {
							t.Fatalf("detalle %q no nombra estado y acción", r.detalle)
						}
					default:
						var got solicitudR
						r.esperar(t, 200, "").leer(t, &got)
						if got.Estado != destino || got.Version != s.Version+1 {
							t.Fatalf("estado, version = %q, %d; want %q, %d", got.Estado, got.Version, destino, s.Version+1)
						}
					}
					// el estado solo cambió si la acción tuvo éxito
					var ahora solicitudR
					env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &ahora)
					if want := map[bool]string{true: destino, false: estado}[r.status == 200]; ahora.Estado != want {
						t.Fatalf("estado guardado = %q, want %q", ahora.Estado, want)
					}
				})
			}
		}
	}
}

// TestAccionesDatos comprueba los cuerpos de las acciones y lo que guardan.
func TestAccionesDatos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("d")
	largo := strings.Repeat("x", 1001)
	casos := []struct {
		nombre string
		estado string
		accion string
		cuerpo any
		campo  string
	}{
		{"rechazar sin motivo", "pendiente", "rechazar", nil, "motivo"},
		{"rechazar motivo vacío", "pendiente", "rechazar", map[string]any{"motivo": "   "}, "motivo"},
		{"rechazar motivo largo", "pendiente", "rechazar", map[string]any{"motivo": largo}, "motivo"},
		{"cancelar sin motivo", "aprobada", "cancelar", map[string]any{}, "motivo"},
		{"cancelar motivo largo", "pendiente", "cancelar", map[string]any{"motivo": largo}, "motivo"},
		{"asignar sin vehículo", "aprobada", "asignar", map[string]any{"motoristaId": f.motoristaID}, "vehiculoId"},
		{"asignar sin motorista", "aprobada", "asignar", map[string]any{"vehiculoId": f.vehiculo}, "motoristaId"},
	}
	for i, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			s := env.llevarA(t, f, f.solicitante, i+1, c.estado)
			r := env.accion(f.admin, s.ID, c.accion, c.cuerpo).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != c.campo {
				t.Fatalf("errores = %+v, want campo %s", r.errores, c.campo)
			}
		})
	}
	t.Run("motivos guardados", func(t *testing.T) {
		var s solicitudR
		s = env.llevarA(t, f, f.solicitante, 20, "pendiente")
		env.accion(f.admin, s.ID, "rechazar", map[string]any{"motivo": " Sin presupuesto "}).esperar(t, 200, "").leer(t, &s)
		if s.MotivoRechazo == nil || *s.MotivoRechazo != "Sin presupuesto" || s.MotivoCancelacion != nil {
			t.Fatalf("motivos = %v, %v", s.MotivoRechazo, s.MotivoCancelacion)
		}
		s = env.llevarA(t, f, f.solicitante, 21, "aprobada")
		env.accion(f.admin, s.ID, "cancelar", map[string]any{"motivo": "Ya no hace falta"}).esperar(t, 200, "").leer(t, &s)
		if s.MotivoCancelacion == nil || *s.MotivoCancelacion != "Ya no hace falta" {
			t.Fatalf("motivoCancelacion = %v", s.MotivoCancelacion)
		}
		var h []struct {
			EstadoAnterior *string `json:"estadoAnterior"`
			EstadoNuevo    string  `json:"estadoNuevo"`
			Comentario     *string `json:"comentario"`
		}
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d/historial", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &h)
		if len(h) != 3 || h[0].EstadoAnterior != nil || h[2].EstadoNuevo != "cancelada" || h[2].Comentario == nil || *h[2].Comentario != "Ya no hace falta" {
			t.Fatalf("historial = %s", fmtJSON(h))
		}
	})
	t.Run("acción desconocida y id no numérico", func(t *testing.T) {
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/1/borrar", token: f.admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/abc/aprobar", token: f.admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/999/aprobar", token: f.admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/1/aprobar"}).esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
	})
}
