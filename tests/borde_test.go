package tests

import (
	"fmt"
	"strings"
	"testing"
)

// Reglas de robustez de API.md §12 sobre la query, las rutas y los cuerpos:
// cada caso pasa por el router real y se valida contra el documento OpenAPI.

func TestQueryMalFormada(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	estados := []string{"pendiente", "aprobada", "rechazada", "asignada", "en_curso", "finalizada", "cancelada"}

	casos := []struct {
		nombre, ruta string
		status       int
		codigo       string
		campo        string
	}{
		{"punto y coma", "/solicitud/?estado=pendiente;pagina=2", 400, "SOLICITUD_MAL_FORMADA", ""},
		{"escape roto", "/solicitud/?q=%zz", 400, "SOLICITUD_MAL_FORMADA", ""},
		{"escape incompleto", "/usuarios/?q=ab%2", 400, "SOLICITUD_MAL_FORMADA", ""},
		{"escape roto en una ruta de un id", "/solicitud/1?x=%", 400, "SOLICITUD_MAL_FORMADA", ""},
		{"escape roto en una ruta pública", "/salud?%gg", 400, "SOLICITUD_MAL_FORMADA", ""},
		{"21 estados", "/solicitud/?estado=" + valores(21, estados...), 422, "VALIDACION", "estado"},
		{"21 estados repitiendo el parámetro", "/solicitud/?estado=" + valores(11, estados...) + "&estado=" + valores(10, estados...), 422, "VALIDACION", "estado"},
		{"21 eventos", "/auditoria/?evento=" + valores(21, "LOGIN_EXITOSO", "LOGOUT"), 422, "VALIDACION", "evento"},
		{"20 estados", "/solicitud/?estado=" + valores(20, estados...), 200, "", ""},
		{"20 eventos", "/auditoria/?evento=" + valores(20, "LOGIN_EXITOSO", "LOGOUT"), 200, "", ""},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			r := env.hacer(peticion{metodo: "GET", ruta: c.ruta, token: admin.AccessToken}).esperar(t, c.status, c.codigo)
			if c.campo != "" && (len(r.errores) != 1 || r.errores[0].Campo != c.campo) {
				t.Fatalf("errores = %+v, want uno en %s", r.errores, c.campo)
			}
		})
	}
}

func TestIdCanonico(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	s := env.crearSolicitud(t, admin.AccessToken, env.cuerpoSolicitud(1))
	r := env.hacer(peticion{metodo: "POST", ruta: "/vehiculos/", token: admin.AccessToken,
		cuerpo: map[string]any{"placa": "P123-456", "marca": "Toyota", "modelo": "Hilux", "capacidad": 5}}).esperar(t, 201, "")
	var v struct{ ID uint }
	r.leer(t, &v)
	if s.ID != 1 || v.ID != 1 {
		t.Fatalf("ids %d y %d, want 1", s.ID, v.ID)
	}
	// Con el id canónico existen; cualquier otra escritura del mismo número, no.
	for _, base := range []string{"/solicitud/%s", "/solicitud/%s/historial", "/usuarios/%s", "/vehiculos/%s"} {
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf(base, "1"), token: admin.AccessToken}).esperar(t, 200, "")
		for _, id := range []string{"01", "+1", "1e0", "0x1", "1.0", " 1", "１"} {
			ruta := fmt.Sprintf(base, strings.ReplaceAll(id, " ", "%20"))
			t.Run(ruta, func(t *testing.T) {
				env.hacer(peticion{metodo: "GET", ruta: ruta, token: admin.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
			})
		}
	}
	t.Run("acción con id no canónico", func(t *testing.T) {
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/01/cancelar", token: admin.AccessToken, cuerpo: map[string]string{"motivo": "ya no"}}).
			esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "PATCH", ruta: "/usuarios/001", token: admin.AccessToken, cuerpo: map[string]any{"email": "x@ejemplo.org"}}).
			esperar(t, 404, "NO_ENCONTRADO")
	})
	t.Run("usuarioId no canónico en la query", func(t *testing.T) {
		r := env.hacer(peticion{metodo: "GET", ruta: "/auditoria/?usuarioId=01", token: admin.AccessToken}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != "usuarioId" {
			t.Fatalf("errores = %+v", r.errores)
		}
	})
}
