package tests

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"solicitud-transporte/models"
)

func TestLogoutAlcances(t *testing.T) {
	t.Parallel()
	casos := []struct {
		alcance    any
		actualVive bool
		otraVive   bool
		status     int
		codigo     string
	}{
		{nil, false, true, 200, ""},
		{"sesion", false, true, 200, ""},
		{"otras", true, false, 200, ""},
		{"todas", false, false, 200, ""},
		{"ninguna", true, true, 422, "VALIDACION"},
	}
	for _, c := range casos {
		t.Run(fmtJSON(c.alcance), func(t *testing.T) {
			t.Parallel()
			env := nuevoEntorno(t)
			otra := env.loginAdmin()
			actual := env.loginAdmin()
			var cuerpo any
			if c.alcance != nil {
				cuerpo = map[string]any{"alcance": c.alcance}
			}
			r := env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: actual.AccessToken, cuerpo: cuerpo}).esperar(t, c.status, c.codigo)
			if c.status == 200 && r.mensaje != "Sesión cerrada exitosamente" {
				t.Fatalf("mensaje = %q", r.mensaje)
			}
			for _, s := range []struct {
				tok  sesionTokens
				vive bool
			}{{actual, c.actualVive}, {otra, c.otraVive}} {
				me := env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.tok.AccessToken})
				ref := env.refrescar(s.tok.RefreshToken)
				if s.vive {
					me.esperar(t, 200, "")
					ref.esperar(t, 200, "")
				} else {
					me.esperar(t, 401, "TOKEN_REVOCADO")
					ref.esperar(t, 401, "TOKEN_REVOCADO")
				}
			}
		})
	}
}

// TestLogoutSobreviveReinicio: la lista negra está en la base de datos.
func TestLogoutSobreviveReinicio(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	viva := env.loginAdmin()
	env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s.AccessToken}).esperar(t, 200, "")
	env.reiniciar()
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	env.refrescar(s.RefreshToken).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: viva.AccessToken}).esperar(t, 200, "")
}

func TestSesionesListarYCerrar(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	a := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", headers: map[string]string{"User-Agent": "Navegador A"},
		cuerpo: map[string]string{"username": adminUser, "password": adminPass}})
	var sa sesionTokens
	a.esperar(t, 200, "").leer(t, &sa)
	sb := env.loginAdmin()
	ajena := env.loginComo("otro1", models.RolSolicitante)

	var lista []struct {
		ID, CreadaEn, UltimoUso, ExpiraEn, IP, UserAgent string
		Actual                                           bool
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/sesiones", token: sb.AccessToken}).esperar(t, 200, "").leer(t, &lista)
	if len(lista) != 2 {
		t.Fatalf("%d sesiones, want 2", len(lista))
	}
	sidA := claimsDe(t, sa.AccessToken)["sid"].(string)
	actuales := 0
	for _, s := range lista {
		if s.Actual {
			actuales++
			if s.ID != claimsDe(t, sb.AccessToken)["sid"] {
				t.Fatal("actual marca la sesión equivocada")
			}
		}
		if s.ID == sidA && (s.UserAgent != "Navegador A" || s.IP != "192.0.2.1") {
			t.Fatalf("sesión A: ip %q ua %q", s.IP, s.UserAgent)
		}
		if !strings.HasSuffix(s.CreadaEn, "-06:00") || s.ExpiraEn == "" || s.UltimoUso == "" {
			t.Fatalf("fechas en TIMEZONE esperadas: %+v", s)
		}
	}
	if actuales != 1 {
		t.Fatalf("%d sesiones actuales, want 1", actuales)
	}
	sidAjena := claimsDe(t, ajena.AccessToken)["sid"].(string)
	env.hacer(peticion{metodo: "DELETE", ruta: "/auth/sesiones/" + sidAjena, token: sb.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: ajena.AccessToken}).esperar(t, 200, "")

	env.hacer(peticion{metodo: "DELETE", ruta: "/auth/sesiones/" + sidA, token: sb.AccessToken}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: sa.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "DELETE", ruta: "/auth/sesiones/" + sidA, token: sb.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/sesiones", token: sb.AccessToken}).esperar(t, 200, "").leer(t, &lista)
	if len(lista) != 1 {
		t.Fatalf("%d sesiones tras cerrar una, want 1", len(lista))
	}
}

func TestLoginVariantes(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	env.crearUsuario("Maria.Lopez", models.RolSolicitante)
	casos := []struct {
		nombre string
		p      peticion
		status int
		codigo string
	}{
		{"username exacto", peticion{cuerpo: map[string]string{"username": "Maria.Lopez", "password": passPrueba}}, 200, ""},
		{"username en otra caja", peticion{cuerpo: map[string]string{"username": "MARIA.lopez", "password": passPrueba}}, 200, ""},
		{"email", peticion{cuerpo: map[string]string{"username": "maria.lopez@ejemplo.org", "password": passPrueba}}, 200, ""},
		{"email en mayúsculas", peticion{cuerpo: map[string]string{"username": "Maria.Lopez@EJEMPLO.org", "password": passPrueba}}, 200, ""},
		{"formulario", peticion{cuerpo: url.Values{"username": {"maria.lopez"}, "password": {passPrueba}}}, 200, ""},
		{"formulario sin password", peticion{cuerpo: url.Values{"username": {"maria.lopez"}}}, 422, "VALIDACION"},
		{"password en otra caja", peticion{cuerpo: map[string]string{"username": "maria.lopez", "password": strings.ToUpper(passPrueba)}}, 422, "CREDENCIALES_INVALIDAS"},
		{"usuario inexistente", peticion{cuerpo: map[string]string{"username": "nadie", "password": passPrueba}}, 422, "CREDENCIALES_INVALIDAS"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			c.p.metodo, c.p.ruta = "POST", "/auth/login"
			r := env.hacer(c.p).esperar(t, c.status, c.codigo)
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", r.header.Get("Cache-Control"))
			}
			if c.status == 200 {
				var s sesionTokens
				r.leer(t, &s)
				if r.mensaje != "Autenticación exitosa" || s.User.Username != "Maria.Lopez" || s.User.Rol != "solicitante" {
					t.Fatalf("respuesta: %s", r.cuerpo)
				}
			}
		})
	}
	// Usuario inexistente y contraseña equivocada: la misma respuesta.
	a := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "nadie2", "password": "x-123456789012"}})
	b := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "maria.lopez", "password": "x-123456789012"}})
	if a.status != b.status || a.mensaje != b.mensaje || a.detalle != b.detalle || a.codigo != b.codigo {
		t.Fatalf("respuestas distintas: %s vs %s", a.cuerpo, b.cuerpo)
	}
}

func TestCambiarPassword(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	otra := env.loginComo("ana.perez", models.RolSolicitante)
	s := env.login("ana.perez", passPrueba)
	larga := strings.Repeat("ñáéíóú", 11) // 66 caracteres, 132 bytes
	casos := []struct {
		nombre string
		cuerpo map[string]string
		status int
		codigo string
		campo  string
	}{
		{"actual equivocada", map[string]string{"passwordActual": "otra-cosa-123", "passwordNueva": "nueva-clave-segura"}, 422, "CREDENCIALES_INVALIDAS", ""},
		{"nueva corta", map[string]string{"passwordActual": passPrueba, "passwordNueva": "corta"}, 422, "VALIDACION", "passwordNueva"},
		{"nueva igual al usuario", map[string]string{"passwordActual": passPrueba, "passwordNueva": "ANA.PEREZ"}, 422, "VALIDACION", "passwordNueva"},
		{"sin actual", map[string]string{"passwordNueva": "nueva-clave-segura"}, 422, "VALIDACION", "passwordActual"},
		{"larga con acentos", map[string]string{"passwordActual": passPrueba, "passwordNueva": larga}, 200, "", ""},
	}
	for _, c := range casos {
		r := env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: s.AccessToken, cuerpo: c.cuerpo}).esperar(t, c.status, c.codigo)
		if c.campo != "" && (len(r.errores) == 0 || r.errores[0].Campo != c.campo) {
			t.Fatalf("%s: errores = %+v, want campo %s", c.nombre, r.errores, c.campo)
		}
	}
	// La sesión que cambió sigue; la otra cae.
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: otra.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	// La contraseña larga no se truncó: sus primeros 72 bytes no bastan.
	env.login("ana.perez", larga)
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "ana.perez", "password": larga[:72]}}).
		esperar(t, 422, "CREDENCIALES_INVALIDAS")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "ana.perez", "password": passPrueba}}).
		esperar(t, 422, "CREDENCIALES_INVALIDAS")
}

func TestMe(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginComo("luis", models.RolMotorista)
	var me map[string]any
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 200, "").leer(t, &me)
	for _, k := range []string{"id", "username", "email", "rol", "activo", "mfaHabilitado", "creadoEn"} {
		if _, ok := me[k]; !ok {
			t.Errorf("falta %s en /auth/me", k)
		}
	}
	if len(me) != 7 || me["rol"] != "motorista" || me["email"] != "luis@ejemplo.org" || me["activo"] != true {
		t.Fatalf("/auth/me = %v", me)
	}
}

// TestPurga: las filas vencidas de la lista negra y las sesiones terminadas
// se borran; los tokens de esas sesiones siguen sin servir (ya expiraron).
func TestPurga(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	env.hacer(peticion{metodo: "POST", ruta: "/auth/logout", token: s.AccessToken}).esperar(t, 200, "")
	viva := env.loginAdmin()
	ctx := context.Background()
	if n, err := env.auth.Purgar(ctx); err != nil || n != 0 {
		t.Fatalf("nada vencido todavía: purgó %d, %v", n, err)
	}
	env.reloj.Avanzar(7*24*time.Hour + time.Second)
	n, err := env.auth.Purgar(ctx)
	// fila de la lista negra + 2 sesiones + sus 2 refresh tokens; con
	// PostgreSQL, además, la fila vencida del cupo por IP de /auth/* (§10: vive
	// en la base).
	want := int64(5)
	if env.cfg.DBDriver == "postgres" {
		want++
	}
	if err != nil || n != want {
		t.Fatalf("Purgar = %d, %v; want %d", n, err, want)
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 401, "TOKEN_EXPIRADO")
	r := env.refrescar(viva.RefreshToken).esperar(t, 401, "TOKEN_EXPIRADO")
	if r.detalle != "La sesión alcanzó su duración máxima. Inicie sesión nuevamente." {
		t.Fatalf("detalle = %q", r.detalle)
	}
}
