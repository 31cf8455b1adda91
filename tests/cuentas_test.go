package tests

import (
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

// TestPasswordActualIncorrectaCuentaParaElBloqueo (API.md §12): una
// passwordActual equivocada en PUT /auth/password cuenta para el bloqueo de
// la cuenta y se audita como LOGIN_FALLIDO de un cambio de contraseña.
func TestPasswordActualIncorrectaCuentaParaElBloqueo(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginComo("cambia.clave", models.RolSolicitante)
	cambiar := func(actual string) *respuesta {
		return env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: s.AccessToken,
			cuerpo: map[string]string{"passwordActual": actual, "passwordNueva": "una-contraseña-nueva-larga"}})
	}
	for i := range env.cfg.LoginMaxFailed {
		r := cambiar(fmt.Sprintf("equivocada-%d", i)).esperar(t, 422, "CREDENCIALES_INVALIDAS")
		if !strings.Contains(r.detalle, "contraseña actual") {
			t.Fatalf("detalle = %q", r.detalle)
		}
	}
	// Bloqueada: ni el cambio (aun con la correcta) ni el login pasan.
	cambiar(passPrueba).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "cambia.clave", "password": passPrueba}}).
		esperar(t, 429, "DEMASIADAS_SOLICITUDES")

	fallidos := env.auditoriaDe(s.User.ID, models.EventoLoginFallido)
	n := 0
	for _, e := range fallidos {
		if strings.Contains(e.Detalle, "cambio de contraseña") {
			n++
		}
	}
	if n != env.cfg.LoginMaxFailed {
		t.Fatalf("LOGIN_FALLIDO de cambio de contraseña = %d, want %d (%+v)", n, env.cfg.LoginMaxFailed, fallidos)
	}
	if len(env.auditoriaDe(s.User.ID, models.EventoCuentaBloqueada)) != 1 {
		t.Fatal("falta CUENTA_BLOQUEADA")
	}
}

// TestPasswordActualCorrectaLimpiaLosFallos: un cambio con la contraseña
// correcta no deja intentos contados.
func TestPasswordActualCorrectaLimpiaLosFallos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginComo("limpia.fallos", models.RolSolicitante)
	for range env.cfg.LoginMaxFailed - 1 {
		env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "limpia.fallos", "password": "no-es-la-clave"}}).
			esperar(t, 422, "CREDENCIALES_INVALIDAS")
	}
	env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: s.AccessToken,
		cuerpo: map[string]string{"passwordActual": passPrueba, "passwordNueva": "una-contraseña-nueva-larga"}}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "limpia.fallos", "password": "otra-equivocada"}}).
		esperar(t, 422, "CREDENCIALES_INVALIDAS")
	env.login("limpia.fallos", "una-contraseña-nueva-larga")
}
