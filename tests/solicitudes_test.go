package tests

import (
	"testing"

	"solicitud-transporte/models"
)

func TestSolicitudHumo(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("a")
	s := env.llevarA(t, f, env.loginComo("ana", models.RolSolicitante).AccessToken, 1, "finalizada")
	t.Logf("%+v", s)
	r := env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?estado=finalizada", token: f.admin}).esperar(t, 200, "")
	t.Logf("%s", r.cuerpo)
	r = env.hacer(peticion{metodo: "GET", ruta: "/solicitud/1/historial", token: f.admin}).esperar(t, 200, "")
	t.Logf("%s", r.cuerpo)
}
