package tests

import (
	"fmt"
	"testing"

	"solicitud-transporte/models"
)

// Reglas de cuerpos de API.md §12: UTF-8, charset, claves exactas y sin
// repetir, y texto sin controles ni caracteres bidi.

func TestCuerpoEstricto(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	ana := env.loginComo("ana", models.RolSolicitante)
	s := env.crearSolicitud(t, ana.AccessToken, env.cuerpoSolicitud(1))
	cancelar := fmt.Sprintf("/solicitud/%d/cancelar", s.ID)

	// conCampo es un cuerpo de creación válido con campo cambiado a valor.
	conCampo := func(campo, valor string) map[string]any {
		c := env.cuerpoSolicitud(2)
		c[campo] = valor
		return c
	}
	casos := []struct {
		nombre string
		p      peticion
		status int
		codigo string
		campo  string
	}{
		{"UTF-8 inválido", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: "{\"origen\":\"San Salvador \xff\"}"}, 400, "SOLICITUD_MAL_FORMADA", ""},
		{"UTF-8 inválido en una clave", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: "{\"or\xc3igen\":\"x\"}"}, 400, "SOLICITUD_MAL_FORMADA", ""},
		{"charset latin1", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: fmtJSON(env.cuerpoSolicitud(2)), ctype: "application/json; charset=latin1"}, 415, "TIPO_CONTENIDO_NO_SOPORTADO", ""},
		{"charset ISO-8859-1 en un formulario", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: "username=ana&password=x", ctype: "application/x-www-form-urlencoded; charset=ISO-8859-1"}, 415, "TIPO_CONTENIDO_NO_SOPORTADO", ""},
		{"clave repetida", peticion{metodo: "POST", ruta: cancelar, cuerpo: `{"motivo":"a","motivo":"b"}`}, 400, "SOLICITUD_MAL_FORMADA", ""},
		{"clave repetida con otro escape", peticion{metodo: "POST", ruta: cancelar, cuerpo: `{"motivo":"a","m\u006ftivo":"b"}`}, 400, "SOLICITUD_MAL_FORMADA", ""},
		{"control en origen", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: conCampo("origen", "San\x07 Salvador")}, 422, "VALIDACION", "origen"},
		{"salto de línea en origen", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: conCampo("origen", "San\nSalvador")}, 422, "VALIDACION", "origen"},
		{"NUL en motivo", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: conCampo("motivo", "a\x00b")}, 422, "VALIDACION", "motivo"},
		{"DEL en observaciones", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: conCampo("observaciones", "a\x7fb")}, 422, "VALIDACION", "observaciones"},
		{"C1 en destino", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: conCampo("destino", "Santa\u0085Ana")}, 422, "VALIDACION", "destino"},
		{"bidi RLO en destino", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: conCampo("destino", "Santa \u202eanA")}, 422, "VALIDACION", "destino"},
		{"bidi RLI en motivo", peticion{metodo: "POST", ruta: "/solicitud/", cuerpo: conCampo("motivo", "Visita \u2067x\u2069")}, 422, "VALIDACION", "motivo"},
		{"control en un motivo de acción", peticion{metodo: "POST", ruta: cancelar, cuerpo: map[string]string{"motivo": "ya\x1bno"}}, 422, "VALIDACION", "motivo"},
		{"control en el username del login", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "ana\x00", "password": passPrueba}}, 422, "VALIDACION", "username"},
		{"control en el username de un formulario", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: "username=ana%00&password=x", ctype: "application/x-www-form-urlencoded"}, 422, "VALIDACION", "username"},
		// La clave con otra caja es una clave desconocida: username falta.
		{"Username con mayúscula", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `{"Username":"ana","password":"` + passPrueba + `"}`}, 422, "VALIDACION", "username"},
		{"PASSWORD en mayúsculas", peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `{"username":"ana","PASSWORD":"` + passPrueba + `"}`}, 422, "VALIDACION", "password"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			c.p.token = ana.AccessToken
			r := env.hacer(c.p).esperar(t, c.status, c.codigo)
			if c.campo != "" && (len(r.errores) != 1 || r.errores[0].Campo != c.campo) {
				t.Fatalf("errores = %+v, want uno en %s", r.errores, c.campo)
			}
		})
	}

	t.Run("lo permitido sigue pasando", func(t *testing.T) {
		c := env.cuerpoSolicitud(3)
		c["motivo"] = "Primera línea\r\nsegunda\tcon tabulador"
		c["observaciones"] = "Árbol, ñandú y «comillas»\n👍"
		creada := env.crearSolicitud(t, ana.AccessToken, c)
		if creada.Motivo != c["motivo"] {
			t.Fatalf("motivo = %q", creada.Motivo)
		}
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: ana.AccessToken, cuerpo: fmtJSON(env.cuerpoSolicitud(4)),
			ctype: "application/json; charset=UTF-8"}).esperar(t, 201, "")
		env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: `{"username":"ana","password":"` + passPrueba + `"}`,
			ctype: "application/json;charset=utf-8"}).esperar(t, 200, "")
	})
}
