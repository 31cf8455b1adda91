package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"solicitud-transporte/config"
	"solicitud-transporte/models"
)

// codigoErroneo devuelve seis dígitos que no son el código de ningún paso
// cercano a la hora del reloj.
func (env *entorno) codigoErroneo(secreto string) string {
	env.t.Helper()
	validos := map[string]bool{}
	for d := -3; d <= 3; d++ {
		validos[codigoEn(env.t, secreto, env.reloj.Now().Add(time.Duration(d)*30*time.Second))] = true
	}
	for i := 0; ; i++ {
		if c := fmt.Sprintf("%06d", i); !validos[c] {
			return c
		}
	}
}

func TestMFACodigosRecuperacion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	cu := env.conMFA("ines")

	// Sin distinguir mayúsculas y con o sin guion; cada uno una sola vez.
	var tok sesionTokens
	env.verificar(env.mfaToken(cu.username), strings.ToLower(strings.ReplaceAll(cu.codigos[0], "-", ""))).esperar(t, 200, "").leer(t, &tok)
	if e := env.estadoMFA(tok.AccessToken); e.CodigosRecuperacionRestantes != 9 {
		t.Fatalf("restantes = %d, want 9", e.CodigosRecuperacionRestantes)
	}
	env.verificar(env.mfaToken(cu.username), cu.codigos[0]).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	env.verificar(env.mfaToken(cu.username), " "+cu.codigos[1]+" ").esperar(t, 200, "")
	if e := env.estadoMFA(tok.AccessToken); !e.Habilitado || e.CodigosRecuperacionRestantes != 8 {
		t.Fatalf("estado = %+v, want activo y 8", e)
	}
	env.verificar(env.mfaToken(cu.username), "ZZZZZ-ZZZZZ").esperar(t, 422, "CODIGO_MFA_INVALIDO")

	// Regenerar exige un código válido y mata el juego anterior.
	regenerar := func(cuerpo any) *respuesta {
		return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/codigos-recuperacion", token: tok.AccessToken, cuerpo: cuerpo})
	}
	regenerar(map[string]string{}).esperar(t, 422, "VALIDACION")
	regenerar(map[string]string{"codigo": env.codigoErroneo(cu.secreto)}).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	var nuevos codigosRecuperacion
	r := regenerar(map[string]string{"codigo": env.siguienteCodigoTOTP(cu.secreto)}).esperar(t, 200, "")
	r.leer(t, &nuevos)
	if r.mensaje != "Códigos de recuperación regenerados" || len(nuevos.CodigosRecuperacion) != 10 {
		t.Fatalf("regenerar = %s", r.cuerpo)
	}
	for _, c := range nuevos.CodigosRecuperacion {
		for _, v := range cu.codigos {
			if c == v {
				t.Fatalf("el código %s sobrevivió a la regeneración", c)
			}
		}
	}
	if e := env.estadoMFA(tok.AccessToken); e.CodigosRecuperacionRestantes != 10 {
		t.Fatalf("restantes = %d, want 10", e.CodigosRecuperacionRestantes)
	}
	env.verificar(env.mfaToken(cu.username), cu.codigos[2]).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	env.verificar(env.mfaToken(cu.username), nuevos.CodigosRecuperacion[0]).esperar(t, 200, "")
	if e := env.estadoMFA(tok.AccessToken); e.CodigosRecuperacionRestantes != 9 {
		t.Fatalf("restantes = %d, want 9", e.CodigosRecuperacionRestantes)
	}
}

func TestMFABloqueoPorCodigosErroneos(t *testing.T) {
	t.Parallel()
	casos := []struct {
		nombre string
		// preparar devuelve el secreto y cómo enviar un código al endpoint.
		preparar func(env *entorno) (string, func(codigo string) *respuesta)
	}{
		{"verificar", func(env *entorno) (string, func(string) *respuesta) {
			cu := env.conMFA("juan")
			tok := env.mfaToken(cu.username)
			return cu.secreto, func(c string) *respuesta { return env.verificar(tok, c) }
		}},
		{"activar", func(env *entorno) (string, func(string) *respuesta) {
			s := env.loginComo("juan", models.RolSolicitante)
			cfg := env.configurar(s.AccessToken)
			return cfg.Secreto, func(c string) *respuesta {
				return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken, cuerpo: map[string]string{"codigo": c}})
			}
		}},
		{"desactivar", func(env *entorno) (string, func(string) *respuesta) {
			cu := env.conMFA("juan")
			return cu.secreto, func(c string) *respuesta {
				return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/desactivar", token: cu.sesion.AccessToken, cuerpo: map[string]string{"codigo": c}})
			}
		}},
		{"codigos-recuperacion", func(env *entorno) (string, func(string) *respuesta) {
			cu := env.conMFA("juan")
			return cu.secreto, func(c string) *respuesta {
				return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/codigos-recuperacion", token: cu.sesion.AccessToken, cuerpo: map[string]string{"codigo": c}})
			}
		}},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			t.Parallel()
			env := nuevoEntorno(t)
			secreto, enviar := c.preparar(env)
			for i := 0; i < env.cfg.LoginMaxFailed; i++ {
				enviar(env.codigoErroneo(secreto)).esperar(t, 422, "CODIGO_MFA_INVALIDO")
			}
			r := enviar(env.siguienteCodigoTOTP(secreto)).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
			if r.header.Get("Retry-After") == "" {
				t.Fatal("429 sin Retry-After")
			}
			// El bloqueo es de la cuenta: también el login con la contraseña.
			env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "juan", "password": passPrueba}}).
				esperar(t, 429, "DEMASIADAS_SOLICITUDES")
			// Al terminar el bloqueo se puede entrar otra vez (el mfaToken del
			// caso verificar ya venció: su login devuelve un desafío nuevo).
			env.reloj.Avanzar(time.Duration(env.cfg.LoginLockoutMinutes) * time.Minute)
			env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "juan", "password": passPrueba}}).
				esperar(t, 200, "")
		})
	}
}

func TestMFATokenMalUso(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	cu := env.conMFA("karla")
	tok := env.mfaToken(cu.username)

	// Nunca sirve como token de acceso ni de refresh, ni al revés.
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: tok}).esperar(t, 401, "TOKEN_INVALIDO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/mfa", token: tok}).esperar(t, 401, "TOKEN_INVALIDO")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": tok}}).esperar(t, 401, "TOKEN_INVALIDO")
	env.verificar(cu.sesion.AccessToken, env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 401, "TOKEN_INVALIDO")
	env.verificar("no-es-un-jwt", env.codigo(cu.secreto)).esperar(t, 401, "TOKEN_INVALIDO")

	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/verificar", cuerpo: map[string]string{}}).esperar(t, 422, "VALIDACION")
	if len(r.errores) != 2 || r.errores[0].Campo != "mfaToken" || r.errores[1].Campo != "codigo" {
		t.Fatalf("errores = %+v, want mfaToken y codigo", r.errores)
	}
	env.verificar(tok, "abc").esperar(t, 422, "CODIGO_MFA_INVALIDO")

	// Un código equivocado no gasta el mfaToken; el éxito sí.
	env.verificar(tok, env.codigoErroneo(cu.secreto)).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	env.verificar(tok, env.codigo(cu.secreto)).esperar(t, 200, "")
	env.verificar(tok, env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 401, "TOKEN_REVOCADO")
	env.reiniciar()
	env.verificar(tok, env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 401, "TOKEN_REVOCADO")

	// Vence a los 5 minutos.
	vence := env.mfaToken(cu.username)
	env.reloj.Avanzar(5*time.Minute + time.Second)
	r = env.verificar(vence, env.codigo(cu.secreto)).esperar(t, 401, "TOKEN_EXPIRADO")
	if !strings.Contains(r.detalle, "MFA") {
		t.Fatalf("detalle = %q, want que hable del token MFA", r.detalle)
	}

	// Una cuenta desactivada entre los dos pasos no entra.
	pendiente := env.mfaToken(cu.username)
	env.desactivar(cu.id)
	env.verificar(pendiente, env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 403, "USUARIO_INACTIVO")
}

func TestMFADesactivarYRevocarSesiones(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s1 := env.loginComo("luis", models.RolSolicitante)
	s2 := env.login("luis", passPrueba)
	cfg := env.configurar(s1.AccessToken)
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s1.AccessToken, cuerpo: map[string]string{"codigo": env.codigo(cfg.Secreto)}}).
		esperar(t, 200, "")
	// Activar cierra las otras sesiones, no la propia.
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s2.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s2.RefreshToken}}).esperar(t, 401, "TOKEN_REVOCADO")
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s1.AccessToken}).esperar(t, 200, "")

	var s3 sesionTokens
	env.verificar(env.mfaToken("luis"), env.siguienteCodigoTOTP(cfg.Secreto)).esperar(t, 200, "").leer(t, &s3)
	desactivar := func(cuerpo any) *respuesta {
		return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/desactivar", token: s3.AccessToken, cuerpo: cuerpo})
	}
	desactivar(nil).esperar(t, 422, "VALIDACION")
	desactivar(map[string]string{"codigo": env.codigoErroneo(cfg.Secreto)}).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	r := desactivar(map[string]string{"codigo": env.siguienteCodigoTOTP(cfg.Secreto)}).esperar(t, 200, "")
	if r.mensaje != "MFA desactivado exitosamente" || string(r.datos) != "null" {
		t.Fatalf("desactivar = %s", r.cuerpo)
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s1.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	if e := env.estadoMFA(s3.AccessToken); e.Habilitado || e.CodigosRecuperacionRestantes != 0 {
		t.Fatalf("estado = %+v, want apagado y 0", e)
	}
	env.login("luis", passPrueba) // sin segundo paso
	desactivar(map[string]string{"codigo": env.siguienteCodigoTOTP(cfg.Secreto)}).esperar(t, 409, "CONFLICTO")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/codigos-recuperacion", token: s3.AccessToken, cuerpo: map[string]string{"codigo": "123456"}}).
		esperar(t, 409, "CONFLICTO")

	ev := env.eventos(s1.User.ID)
	if contar(ev, models.EventoMFAActivado) != 1 || contar(ev, models.EventoMFADesactivado) != 1 || contar(ev, models.EventoMFAFallido) != 1 {
		t.Fatalf("auditoría = %v", ev)
	}
}

func TestMFARestablecerAdmin(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	cu := env.conMFA("mario")
	var otra sesionTokens
	env.verificar(env.mfaToken(cu.username), env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 200, "").leer(t, &otra)
	sinMFA := env.loginComo("nora", models.RolAprobador)
	ruta := func(id any) string { return fmt.Sprintf("/usuarios/%v/mfa/restablecer", id) }

	casos := []struct {
		nombre string
		token  string
		ruta   string
		status int
		codigo string
	}{
		{"sin token", "", ruta(cu.id), 401, "TOKEN_NO_PROPORCIONADO"},
		{"rol no admin", sinMFA.AccessToken, ruta(cu.id), 403, "PERMISOS_INSUFICIENTES"},
		{"el propio usuario", otra.AccessToken, ruta(cu.id), 403, "PERMISOS_INSUFICIENTES"},
		{"id inexistente", admin.AccessToken, ruta(9999), 404, "NO_ENCONTRADO"},
		{"id no numérico", admin.AccessToken, ruta("abc"), 404, "NO_ENCONTRADO"},
		{"usuario sin MFA", admin.AccessToken, ruta(sinMFA.User.ID), 409, "CONFLICTO"},
	}
	for _, c := range casos {
		env.hacer(peticion{metodo: "POST", ruta: c.ruta, token: c.token}).esperar(t, c.status, c.codigo)
	}

	pendiente := env.mfaToken(cu.username)
	r := env.hacer(peticion{metodo: "POST", ruta: ruta(cu.id), token: admin.AccessToken}).esperar(t, 200, "")
	if r.mensaje != "MFA restablecido exitosamente" || string(r.datos) != "null" {
		t.Fatalf("restablecer = %s", r.cuerpo)
	}
	// Un mfaToken emitido antes del restablecimiento ya no sirve.
	env.verificar(pendiente, env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 401, "TOKEN_REVOCADO")
	// Todas las sesiones del usuario caen; la del admin sigue.
	for _, s := range []sesionTokens{cu.sesion, otra} {
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 401, "TOKEN_REVOCADO")
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: admin.AccessToken}).esperar(t, 200, "")
	nueva := env.login(cu.username, passPrueba)
	if e := env.estadoMFA(nueva.AccessToken); e.Habilitado || e.CodigosRecuperacionRestantes != 0 {
		t.Fatalf("estado = %+v, want apagado y 0", e)
	}
	var actorID uint
	if ev := env.auditoriaDe(cu.id, models.EventoMFARestablecido); len(ev) > 0 && ev[0].ActorID != nil {
		actorID = *ev[0].ActorID
	}
	if actorID != admin.User.ID {
		t.Fatalf("MFA_RESTABLECIDO con actor %d, want %d", actorID, admin.User.ID)
	}
}

func TestMFAOAuthTokenPideLogin(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	cu := env.conMFA("olga")
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/token", cuerpo: url.Values{
		"grant_type": {"password"}, "username": {cu.username}, "password": {passPrueba},
	}})
	var e struct {
		Error       string `json:"error"`
		Descripcion string `json:"error_description"`
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(r.cuerpo, &e); err != nil {
		t.Fatal(err)
	}
	if r.status != 400 || e.Error != "invalid_grant" || !strings.Contains(e.Descripcion, "/auth/login") || e.AccessToken != "" {
		t.Fatalf("status %d, cuerpo %s; want 400 invalid_grant que remita a /auth/login", r.status, r.cuerpo)
	}
}

func TestMFASecretoCifrado(t *testing.T) {
	t.Parallel()
	const clave = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes en base64
	secretoGuardado := func(env *entorno, id uint) string {
		u, err := env.store.Usuario(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return u.MFASecreto
	}
	t.Run("con clave se guarda cifrado", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t, func(c *config.Config) { c.MFAEncryptionKey = clave })
		cu := env.conMFA("pablo")
		if g := secretoGuardado(env, cu.id); !strings.HasPrefix(g, "v1:") || strings.Contains(g, cu.secreto) {
			t.Fatalf("mfa_secreto guardado = %q, want cifrado (v1:…)", g)
		}
		env.reiniciar()
		env.verificar(env.mfaToken(cu.username), env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 200, "")
	})
	t.Run("un secreto heredado en claro sigue valiendo", func(t *testing.T) {
		t.Parallel()
		env := nuevoEntorno(t)
		cu := env.conMFA("pablo")
		if g := secretoGuardado(env, cu.id); g != cu.secreto {
			t.Fatalf("sin clave, mfa_secreto = %q, want el secreto en claro", g)
		}
		env.cfg.MFAEncryptionKey = clave
		env.reiniciar()
		env.verificar(env.mfaToken(cu.username), env.siguienteCodigoTOTP(cu.secreto)).esperar(t, 200, "")
	})
}

func TestMFALimiteDeTasa(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *config.Config) { c.RateLimitAuthPerMinute = 3 })
	for i := 0; i < 3; i++ {
		r := env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/verificar", cuerpo: map[string]string{}}).esperar(t, 422, "VALIDACION")
		if r.header.Get("X-RateLimit-Limit") != "3" {
			t.Fatalf("X-RateLimit-Limit = %q, want 3", r.header.Get("X-RateLimit-Limit"))
		}
	}
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/verificar", cuerpo: map[string]string{}}).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	if r.header.Get("Retry-After") == "" || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("cabeceras = %v", r.header)
	}
}
