package tests

import (
	"testing"

	"solicitud-transporte/models"
)

// TestNoStoreAutenticado: toda respuesta de una ruta autenticada, también
// la de error (aunque la corte un middleware antes de Autenticar), lleva
// Cache-Control: no-store (API.md §12).
func TestNoStoreAutenticado(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	sol := env.loginComo("sol", models.RolSolicitante)
	casos := []struct {
		nombre string
		p      peticion
		status int
	}{
		{"lista", peticion{metodo: "GET", ruta: "/solicitud/", token: sol.AccessToken}, 200},
		{"creación", peticion{metodo: "POST", ruta: "/solicitud/", token: sol.AccessToken, cuerpo: env.cuerpoSolicitud(1)}, 201},
		{"vehículos", peticion{metodo: "GET", ruta: "/vehiculos/", token: admin.AccessToken}, 200},
		{"sin token", peticion{metodo: "GET", ruta: "/solicitud/"}, 401},
		{"token inválido", peticion{metodo: "GET", ruta: "/usuarios/", token: "x.y.z"}, 401},
		{"rol insuficiente", peticion{metodo: "GET", ruta: "/usuarios/", token: sol.AccessToken}, 403},
		{"id desconocido", peticion{metodo: "GET", ruta: "/solicitud/999", token: sol.AccessToken}, 404},
		{"validación", peticion{metodo: "GET", ruta: "/solicitud/?pagina=0", token: sol.AccessToken}, 422},
		{"cuerpo roto", peticion{metodo: "POST", ruta: "/solicitud/", token: sol.AccessToken, cuerpo: "{"}, 400},
		{"query rota", peticion{metodo: "GET", ruta: "/vehiculos/?a=%", token: admin.AccessToken}, 400},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			r := env.hacer(c.p)
			if r.status != c.status {
				t.Fatalf("status = %d, want %d: %s", r.status, c.status, r.cuerpo)
			}
			if got := r.header.Get("Cache-Control"); got != "no-store" {
				t.Fatalf("Cache-Control = %q, want no-store", got)
			}
		})
	}
}
