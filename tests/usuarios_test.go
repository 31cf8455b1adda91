package tests

import (
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

type usuarioR struct {
	ID            uint    `json:"id"`
	Username      string  `json:"username"`
	Email         *string `json:"email"`
	Rol           string  `json:"rol"`
	Activo        bool    `json:"activo"`
	MFAHabilitado bool    `json:"mfaHabilitado"`
	CreadoEn      string  `json:"creadoEn"`
}

// sinSecretos falla si el cuerpo lleva algo parecido a un hash o secreto.
func sinSecretos(t *testing.T, r *respuesta) {
	t.Helper()
	for _, s := range []string{"$2a$", "$2b$", "password", "Password", "secreto", "mfaSecreto", "hash"} {
		if strings.Contains(string(r.cuerpo), s) {
			t.Fatalf("la respuesta contiene %q: %s", s, r.cuerpo)
		}
	}
}

func TestUsuariosAdmin(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	ruta := func(id uint, resto string) string { return fmt.Sprintf("/usuarios/%d%s", id, resto) }

	var u usuarioR
	t.Run("crear", func(t *testing.T) {
		r := env.hacer(peticion{metodo: "POST", ruta: "/usuarios", token: admin.AccessToken, cuerpo: map[string]any{
			"username": "carla", "email": "carla@ejemplo.org", "password": passPrueba, "rol": "aprobador"}}).esperar(t, 201, "")
		r.leer(t, &u)
		sinSecretos(t, r)
		if u.Username != "carla" || u.Rol != "aprobador" || !u.Activo || u.MFAHabilitado || u.Email == nil || u.CreadoEn == "" {
			t.Fatalf("usuario = %s", r.datos)
		}
		env.hacer(peticion{metodo: "POST", ruta: "/usuarios/", token: admin.AccessToken, cuerpo: map[string]any{
			"username": "CARLA", "password": passPrueba, "rol": "aprobador"}}).esperar(t, 409, "CONFLICTO")
		for campo, cuerpo := range map[string]map[string]any{
			"rol":      {"username": "dario", "password": passPrueba, "rol": "jefe"},
			"password": {"username": "dario", "password": "corta", "rol": "motorista"},
			"username": {"username": "d", "password": passPrueba, "rol": "motorista"},
			"email":    {"username": "dario", "email": "no-es-correo", "password": passPrueba, "rol": "motorista"},
		} {
			r := env.hacer(peticion{metodo: "POST", ruta: "/usuarios/", token: admin.AccessToken, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: errores = %+v", campo, r.errores)
			}
		}
	})
	t.Run("ver y 404", func(t *testing.T) {
		r := env.hacer(peticion{metodo: "GET", ruta: ruta(u.ID, ""), token: admin.AccessToken}).esperar(t, 200, "")
		sinSecretos(t, r)
		env.hacer(peticion{metodo: "GET", ruta: "/usuarios/999", token: admin.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "GET", ruta: "/usuarios/abc", token: admin.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "PATCH", ruta: "/usuarios/999", token: admin.AccessToken, cuerpo: map[string]any{"activo": true}}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "POST", ruta: "/usuarios/999/desbloquear", token: admin.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "POST", ruta: "/usuarios/999/sesiones/revocar", token: admin.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
	})
	t.Run("lista y filtros", func(t *testing.T) {
		for i := 0; i < 12; i++ {
			env.crearUsuario(fmt.Sprintf("moto%02d", i), models.RolMotorista)
		}
		var p paginaR[usuarioR]
		r := env.hacer(peticion{metodo: "GET", ruta: "/usuarios/?rol=motorista&porPagina=5&pagina=3", token: admin.AccessToken}).esperar(t, 200, "")
		r.leer(t, &p)
		sinSecretos(t, r)
		if p.Total != 12 || len(p.Elementos) != 2 || p.TotalPaginas != 3 || p.Elementos[0].Username != "moto10" {
			t.Fatalf("página = %+v", p)
		}
		env.hacer(peticion{metodo: "GET", ruta: "/usuarios/?q=CARLA@", token: admin.AccessToken}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 1 || p.Elementos[0].ID != u.ID {
			t.Fatalf("q = %+v", p)
		}
		for q, campo := range map[string]string{"rol=jefe": "rol", "activo=1x": "activo", "pagina=0": "pagina", "porPagina=101": "porPagina"} {
			r := env.hacer(peticion{metodo: "GET", ruta: "/usuarios/?" + q, token: admin.AccessToken}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: %+v", q, r.errores)
			}
		}
	})
	t.Run("cambio de rol vale en la siguiente petición", func(t *testing.T) {
		s := env.loginComo("elena", models.RolSolicitante)
		env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/", token: s.AccessToken}).esperar(t, 403, "PERMISOS_INSUFICIENTES")
		var e usuarioR
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: map[string]any{"rol": "aprobador"}}).esperar(t, 200, "").leer(t, &e)
		if e.Rol != "aprobador" {
			t.Fatalf("rol = %s", e.Rol)
		}
		env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/", token: s.AccessToken}).esperar(t, 200, "")
		// email: cambiar, borrar, conflicto, inválido
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: map[string]any{"email": "elena@otra.org"}}).esperar(t, 200, "").leer(t, &e)
		if e.Email == nil || *e.Email != "elena@otra.org" {
			t.Fatalf("email = %v", e.Email)
		}
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: map[string]any{"email": nil}}).esperar(t, 200, "").leer(t, &e)
		if e.Email != nil {
			t.Fatalf("email = %v", *e.Email)
		}
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: map[string]any{"email": "CARLA@ejemplo.org"}}).esperar(t, 409, "CONFLICTO")
		for campo, cuerpo := range map[string]map[string]any{"email": {"email": "x@"}, "rol": {"rol": "jefe"}} {
			r := env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
			if r.errores[0].Campo != campo {
				t.Fatalf("errores = %+v", r.errores)
			}
		}
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: map[string]any{"activo": "no"}}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
	})
	t.Run("desactivar revoca sus sesiones", func(t *testing.T) {
		s := env.loginComo("fabio", models.RolMotorista)
		otra := env.login("fabio", passPrueba)
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: map[string]any{"activo": false}}).esperar(t, 200, "")
		for _, tok := range []string{s.AccessToken, otra.AccessToken} {
			env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: tok}).esperar(t, 401, "TOKEN_REVOCADO")
		}
		env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]any{"refreshToken": s.RefreshToken}}).esperar(t, 401, "TOKEN_REVOCADO")
		env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]any{"username": "fabio", "password": passPrueba}}).esperar(t, 403, "USUARIO_INACTIVO")
		// reactivar: puede volver a entrar, pero los tokens viejos siguen revocados
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.User.ID, ""), token: admin.AccessToken, cuerpo: map[string]any{"activo": true}}).esperar(t, 200, "")
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
		nueva := env.login("fabio", passPrueba)
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: nueva.AccessToken}).esperar(t, 200, "")
	})
	t.Run("el admin no se quita su rol ni se desactiva", func(t *testing.T) {
		for campo, cuerpo := range map[string]map[string]any{"rol": {"rol": "solicitante"}, "activo": {"activo": false}} {
			r := env.hacer(peticion{metodo: "PATCH", ruta: ruta(admin.User.ID, ""), token: admin.AccessToken, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
			if r.errores[0].Campo != campo {
				t.Fatalf("errores = %+v", r.errores)
			}
		}
	})
	t.Run("revocar sesiones", func(t *testing.T) {
		s := env.loginComo("gabi", models.RolSolicitante)
		var d struct {
			SesionesRevocadas int `json:"sesionesRevocadas"`
		}
		env.hacer(peticion{metodo: "POST", ruta: ruta(s.User.ID, "/sesiones/revocar"), token: admin.AccessToken}).esperar(t, 200, "").leer(t, &d)
		if d.SesionesRevocadas != 1 {
			t.Fatalf("revocadas = %d", d.SesionesRevocadas)
		}
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: env.login("gabi", passPrueba).AccessToken}).esperar(t, 200, "")
	})
	t.Run("desbloquear", func(t *testing.T) {
		h := env.crearUsuario("hugo", models.RolSolicitante)
		for i := 0; i < env.cfg.LoginMaxFailed; i++ {
			env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]any{"username": "hugo", "password": "equivocada-123456"}}).esperar(t, 422, "CREDENCIALES_INVALIDAS")
		}
		env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]any{"username": "hugo", "password": passPrueba}}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
		var d struct {
			EstabaBloqueada bool `json:"estabaBloqueada"`
		}
		env.hacer(peticion{metodo: "POST", ruta: ruta(h.ID, "/desbloquear"), token: admin.AccessToken}).esperar(t, 200, "").leer(t, &d)
		if !d.EstabaBloqueada {
			t.Fatal("estabaBloqueada = false")
		}
		env.login("hugo", passPrueba)
		env.hacer(peticion{metodo: "POST", ruta: ruta(h.ID, "/desbloquear"), token: admin.AccessToken}).esperar(t, 200, "").leer(t, &d)
		if d.EstabaBloqueada {
			t.Fatal("estabaBloqueada = true sin bloqueo")
		}
	})
}
