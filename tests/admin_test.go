package tests

import (
	"context"
	"fmt"
	"testing"

	"solicitud-transporte/models"
)

// TestCuentaAdministracion: API_USER/API_PASSWORD se aplican en cada arranque
// y deben cumplir la política de contraseñas.
func TestCuentaAdministracion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	vieja := env.loginAdmin()

	env.cfg.APIPassword = "otra-clave-de-admin-nueva"
	env.reiniciar()
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": adminUser, "password": adminPass}}).
		esperar(t, 422, "CREDENCIALES_INVALIDAS")
	env.login(adminUser, "otra-clave-de-admin-nueva")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: vieja.AccessToken}).esperar(t, 200, "")

	ctx := context.Background()
	for _, c := range []struct{ user, pass, campo string }{
		{adminUser, "corta", "API_PASSWORD"},
		{adminUser, "API_USER", "API_PASSWORD"},
		{"a b", "una-clave-bien-larga", "API_USER"},
	} {
		_, err := env.auth.AsegurarAdmin(ctx, c.user, c.pass, "")
		var me *models.Error
		if !asError(err, &me) || me.Codigo != models.CodigoValidacion || me.Campos[0].Campo != c.campo {
			t.Fatalf("AsegurarAdmin(%q, %q) = %v, want VALIDACION en %s", c.user, c.pass, err, c.campo)
		}
	}
	// Sin password y con la cuenta ya creada: conserva la suya y no genera otra.
	gen, err := env.auth.AsegurarAdmin(ctx, adminUser, "", "")
	if err != nil || gen != "" {
		t.Fatalf("AsegurarAdmin sin password = %q, %v", gen, err)
	}
	// Cuenta nueva sin password: genera una que funciona.
	gen, err = env.auth.AsegurarAdmin(ctx, "jefa", "", "")
	if err != nil || len(gen) < 12 {
		t.Fatalf("password generada = %q, %v", gen, err)
	}
	env.login("jefa", gen)
}

// TestAdminDesactivadoSigueDesactivado: reiniciar no reactiva una cuenta
// API_USER que otro admin desactivó.
func TestAdminDesactivadoSigueDesactivado(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	otro := env.loginComo("segunda.admin", models.RolAdmin)
	api := env.loginAdmin()
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", api.User.ID), token: otro.AccessToken,
		cuerpo: map[string]any{"activo": false}}).esperar(t, 200, "")
	env.reiniciar()
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": adminUser, "password": adminPass}}).
		esperar(t, 403, "USUARIO_INACTIVO")
}
