package tests

import (
	"testing"
	"time"
)

func (env *entorno) refrescar(rt string) *respuesta {
	env.t.Helper()
	return env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": rt}})
}

func TestRefreshRotacion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s0 := env.loginAdmin()
	var s1 sesionTokens
	env.refrescar(s0.RefreshToken).esperar(t, 200, "").leer(t, &s1)
	if s1.RefreshToken == s0.RefreshToken || s1.AccessToken == s0.AccessToken {
		t.Fatal("refresh debe emitir tokens nuevos")
	}
	if claimsDe(t, s1.AccessToken)["sid"] != claimsDe(t, s0.AccessToken)["sid"] {
		t.Fatal("el refresh debe seguir en la misma sesión")
	}
	r := env.refrescar(s0.RefreshToken)
	// Dentro de la gracia: mismo refresh nuevo.
	var g sesionTokens
	r.esperar(t, 200, "").leer(t, &g)
	if g.RefreshToken != s1.RefreshToken {
		t.Fatal("dentro de la gracia se debe devolver el mismo refresh token nuevo")
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: g.AccessToken}).esperar(t, 200, "")

	// Sin cuerpo o vacío: 422 nombrando el campo.
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{}}).esperar(t, 422, "VALIDACION")
	if len(r.errores) != 1 || r.errores[0].Campo != "refreshToken" {
		t.Fatalf("errores = %+v", r.errores)
	}
}

// TestRefreshReutilizacion: pasada la gracia, presentar un refresh usado lo
// trata como robado y revoca la sesión entera.
func TestRefreshReutilizacion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	otra := env.loginAdmin() // otra sesión del mismo usuario: no debe caer
	s0 := env.loginAdmin()
	var s1 sesionTokens
	env.refrescar(s0.RefreshToken).esperar(t, 200, "").leer(t, &s1)
	env.reloj.Avanzar(11 * time.Second)

	r := env.refrescar(s0.RefreshToken).esperar(t, 401, "TOKEN_REVOCADO")
	if r.detalle == "" {
		t.Fatal("detalle vacío")
	}
	env.refrescar(s1.RefreshToken).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s1.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s0.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: otra.AccessToken}).esperar(t, 200, "")
}

// TestRefreshGraciaSoloPredecesor: la gracia cubre solo el predecesor
// inmediato del refresh vigente; uno más viejo es reutilización.
func TestRefreshGraciaSoloPredecesor(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s0 := env.loginAdmin()
	var s1, s2 sesionTokens
	env.refrescar(s0.RefreshToken).esperar(t, 200, "").leer(t, &s1)
	env.refrescar(s1.RefreshToken).esperar(t, 200, "").leer(t, &s2)
	env.refrescar(s0.RefreshToken).esperar(t, 401, "TOKEN_REVOCADO")
	env.refrescar(s2.RefreshToken).esperar(t, 401, "TOKEN_REVOCADO")
}

func TestRefreshEstricto(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.RefreshGraceSecs = 0 })
	s0 := env.loginAdmin()
	var s1 sesionTokens
	env.refrescar(s0.RefreshToken).esperar(t, 200, "").leer(t, &s1)
	env.refrescar(s0.RefreshToken).esperar(t, 401, "TOKEN_REVOCADO")
	env.refrescar(s1.RefreshToken).esperar(t, 401, "TOKEN_REVOCADO")
}

// refrescosConcurrentes lanza n refrescos del mismo token a la vez.
func refrescosConcurrentes(env *entorno, rt string, n int) []*respuesta {
	return enParalelo(n, func(int) *respuesta { return env.refrescar(rt) })
}

func TestRefreshConcurrenteConGracia(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s0 := env.loginAdmin()
	nuevos := map[string]int{}
	for _, r := range refrescosConcurrentes(env, s0.RefreshToken, 20) {
		r.esperar(t, 200, "")
		var s sesionTokens
		r.leer(t, &s)
		nuevos[s.RefreshToken]++
	}
	if len(nuevos) != 1 {
		t.Fatalf("%d refresh tokens nuevos distintos, want 1 (una sola cadena por sesión)", len(nuevos))
	}
	for rt := range nuevos {
		env.refrescar(rt).esperar(t, 200, "")
	}
}

func TestRefreshConcurrenteEstricto(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.RefreshGraceSecs = 0 })
	s0 := env.loginAdmin()
	ok := 0
	for _, r := range refrescosConcurrentes(env, s0.RefreshToken, 20) {
		switch r.status {
		case 200:
			ok++
		case 401:
			r.esperar(t, 401, "TOKEN_REVOCADO")
		default:
			t.Fatalf("status inesperado %d: %s", r.status, r.cuerpo)
		}
	}
	if ok != 1 {
		t.Fatalf("%d refrescos con éxito, want exactamente 1", ok)
	}
}

// TestSesionDuracionMaxima: ningún token vive más que su sesión.
func TestSesionDuracionMaxima(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) {
		c.SessionMaxValue = 90
		_ = c.SessionMaxUnit.Decode("minutos")
	})
	s := env.loginAdmin()
	if s.ExpiresIn != 3600 || s.RefreshExpiresIn != 90*60 {
		t.Fatalf("expiresIn %d refreshExpiresIn %d, want 3600 y 5400", s.ExpiresIn, s.RefreshExpiresIn)
	}
	env.reloj.Avanzar(50 * time.Minute)
	var s1 sesionTokens
	env.refrescar(s.RefreshToken).esperar(t, 200, "").leer(t, &s1)
	if s1.ExpiresIn != 40*60 || s1.RefreshExpiresIn != 40*60 {
		t.Fatalf("tras 50 min: expiresIn %d refreshExpiresIn %d, want 2400 (recortados al fin de la sesión)", s1.ExpiresIn, s1.RefreshExpiresIn)
	}
	if exp := int64(claimsDe(t, s1.AccessToken)["exp"].(float64)); exp != env.reloj.Now().Add(40*time.Minute).Unix() {
		t.Fatalf("exp del acceso no está recortado al fin de la sesión")
	}
	env.reloj.Avanzar(40 * time.Minute)
	r := env.refrescar(s1.RefreshToken).esperar(t, 401, "TOKEN_EXPIRADO")
	if r.detalle != "La sesión alcanzó su duración máxima. Inicie sesión nuevamente." {
		t.Fatalf("detalle = %q", r.detalle)
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s1.AccessToken}).esperar(t, 401, "TOKEN_EXPIRADO")
}

func TestRefreshExpirado(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) {
		c.RefreshExpValue = 2
		_ = c.RefreshExpUnit.Decode("horas")
	})
	s := env.loginAdmin()
	env.reloj.Avanzar(2 * time.Hour)
	r := env.refrescar(s.RefreshToken).esperar(t, 401, "TOKEN_EXPIRADO")
	if r.detalle == "La sesión alcanzó su duración máxima. Inicie sesión nuevamente." {
		t.Fatal("un refresh vencido antes del fin de sesión no debe decir que la sesión terminó")
	}
}
