package tests

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// costoLento es el costo de bcrypt del hash que hace real la ventana del
// login: entre leer la cuenta y crear la sesión pasa un bcrypt entero.
const costoLento = 11

// hashLento pone a la cuenta id un hash de password con costoLento (el
// servidor usa MinCost; el login lo rehará con ese costo después) y
// devuelve cuánto tarda comprobarlo.
func (env *entorno) hashLento(id uint, password string) time.Duration {
	env.t.Helper()
	ctx := context.Background()
	u, err := env.store.Usuario(ctx, id)
	if err != nil {
		env.t.Fatal(err)
	}
	h, err := models.HashPassword(password, costoLento)
	if err != nil {
		env.t.Fatal(err)
	}
	if err := env.store.ActualizarHash(ctx, id, u.PasswordHash, h); err != nil {
		env.t.Fatal(err)
	}
	inicio := time.Now()
	if !models.PasswordCorrecta(h, password) {
		env.t.Fatal("el hash lento no corresponde a la contraseña")
	}
	return time.Since(inicio)
}

// ningunaSesionSobrevive comprueba el resultado de un login que compitió con
// un cambio de credenciales: o perdió con uno de los códigos permitidos, o
// ganó antes del cambio y el cambio revocó su sesión. Una sesión viva es el
// defecto.
func (env *entorno) ningunaSesionSobrevive(t *testing.T, login *respuesta, perdedor ...string) {
	t.Helper()
	if login.status != 200 {
		if !slices.Contains(perdedor, login.codigo) || login.detalle == "" {
			t.Fatalf("login perdedor: %d %s, want uno de %v; cuerpo: %s", login.status, login.codigo, perdedor, login.cuerpo)
		}
		return
	}
	var s sesionTokens
	login.leer(t, &s)
	if s.AccessToken == "" {
		t.Fatalf("login 200 sin token de acceso: %s", login.cuerpo)
	}
	me := env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken})
	if me.status != 401 || me.codigo != "TOKEN_REVOCADO" {
		t.Fatalf("la sesión de un login que empezó antes del cambio sobrevivió: GET /auth/me = %d %s", me.status, me.codigo)
	}
	env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}}).
		esperar(t, 401, "TOKEN_REVOCADO")
}

// carrera suelta a la vez dos goroutines; la segunda espera retraso antes de
// su petición. Devuelve las dos respuestas.
func carrera(retraso time.Duration, primera, segunda func() *respuesta) (*respuesta, *respuesta) {
	r := enParalelo(2, func(i int) *respuesta {
		if i == 0 {
			return primera()
		}
		time.Sleep(retraso)
		return segunda()
	})
	return r[0], r[1]
}

// TestCambioDeCredencialesGanaAlLoginEnCurso (API.md §12): un login que leyó
// la cuenta antes de un cambio de contraseña, una activación de MFA, una
// desactivación o una revocación de sus sesiones nunca deja una sesión viva
// después del cambio. El hash lento de la cuenta hace que el login lea la
// cuenta antes del cambio y cree la sesión después; se repite varias veces.
func TestCambioDeCredencialesGanaAlLoginEnCurso(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	const rondas = 3
	loginCon := func(username, password string) func() *respuesta {
		return func() *respuesta {
			return env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": username, "password": password}})
		}
	}

	t.Run("cambio de contraseña", func(t *testing.T) {
		u := env.crearUsuario("carrera.password", models.RolSolicitante)
		actual := passPrueba
		for ronda := range rondas {
			s := env.login(u.Username, actual)
			lento := env.hashLento(u.ID, actual)
			nueva := fmt.Sprintf("contraseña-nueva-número-%d", ronda)
			// El cambio comprueba passwordActual (un bcrypt lento) y confirma;
			// el login lee la cuenta a mitad de esa comprobación.
			cambio, login := carrera(lento/2, func() *respuesta {
				return env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: s.AccessToken,
					cuerpo: map[string]string{"passwordActual": actual, "passwordNueva": nueva}})
			}, loginCon(u.Username, actual))
			cambio.esperar(t, 200, "")
			env.ningunaSesionSobrevive(t, login, "CREDENCIALES_INVALIDAS")
			actual = nueva
		}
	})

	t.Run("activación de MFA", func(t *testing.T) {
		u := env.crearUsuario("carrera.mfa", models.RolSolicitante)
		for range rondas {
			s := env.login(u.Username, passPrueba)
			cfg := env.configurar(s.AccessToken)
			lento := env.hashLento(u.ID, passPrueba)
			// El login (solo contraseña) lee la cuenta sin MFA; la activación
			// confirma mientras el login comprueba la contraseña.
			login, activar := carrera(lento/2, loginCon(u.Username, passPrueba), func() *respuesta {
				return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken,
					cuerpo: map[string]string{"codigo": env.codigo(cfg.Secreto)}})
			})
			activar.esperar(t, 200, "")
			env.ningunaSesionSobrevive(t, login, "CREDENCIALES_INVALIDAS")
			env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/usuarios/%d/mfa/restablecer", u.ID), token: admin.AccessToken}).
				esperar(t, 200, "")
		}
	})

	t.Run("desactivación", func(t *testing.T) {
		u := env.crearUsuario("carrera.inactiva", models.RolSolicitante)
		ruta := fmt.Sprintf("/usuarios/%d", u.ID)
		for range rondas {
			lento := env.hashLento(u.ID, passPrueba)
			login, cambio := carrera(lento/2, loginCon(u.Username, passPrueba), func() *respuesta {
				return env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: admin.AccessToken, cuerpo: map[string]any{"activo": false}})
			})
			cambio.esperar(t, 200, "")
			// Reactivar la cuenta no resucita una sesión creada durante la
			// desactivación.
			env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: admin.AccessToken, cuerpo: map[string]any{"activo": true}}).esperar(t, 200, "")
			env.ningunaSesionSobrevive(t, login, "USUARIO_INACTIVO", "CREDENCIALES_INVALIDAS")
		}
	})

	t.Run("revocación de sesiones", func(t *testing.T) {
		u := env.crearUsuario("carrera.revocada", models.RolSolicitante)
		ruta := fmt.Sprintf("/usuarios/%d/sesiones/revocar", u.ID)
		for range rondas {
			lento := env.hashLento(u.ID, passPrueba)
			login, cambio := carrera(lento/2, loginCon(u.Username, passPrueba), func() *respuesta {
				return env.hacer(peticion{metodo: "POST", ruta: ruta, token: admin.AccessToken})
			})
			cambio.esperar(t, 200, "")
			env.ningunaSesionSobrevive(t, login, "CREDENCIALES_INVALIDAS")
		}
	})
}

// TestPasoMFAPosteriorAlCambioNoCreaSesion: el mfaToken de un login que
// empezó antes de un cambio de contraseña no da una sesión después de él.
func TestPasoMFAPosteriorAlCambioNoCreaSesion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	c := env.conMFA("paso.mfa")
	mfaToken := env.mfaToken(c.username)
	env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: c.sesion.AccessToken,
		cuerpo: map[string]string{"passwordActual": passPrueba, "passwordNueva": "otra-contraseña-bien-larga"}}).esperar(t, 200, "")
	env.verificar(mfaToken, env.siguienteCodigoTOTP(c.secreto)).esperar(t, 401, "TOKEN_REVOCADO")
	// El código no se gastó: el login nuevo, con la contraseña nueva, lo usa.
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": c.username, "password": "otra-contraseña-bien-larga"}})
	r.esperar(t, 200, "")
	var d desafioMFA
	r.leer(t, &d)
	env.verificar(d.MFAToken, env.codigo(c.secreto)).esperar(t, 200, "")
}
