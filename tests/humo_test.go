package tests

import "testing"

func TestHumoLoginMe(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 200, "")
}
