package tests

import (
	"bytes"
	"encoding/base32"
	"encoding/base64"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"solicitud-transporte/config"
	"solicitud-transporte/models"
)

func TestMFAAltaYLogin(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginComo("ana", models.RolSolicitante)

	if e := env.estadoMFA(s.AccessToken); e.Habilitado || e.CodigosRecuperacionRestantes != 0 {
		t.Fatalf("estado inicial = %+v, want apagado y 0", e)
	}
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken, cuerpo: map[string]string{"codigo": "123456"}}).
		esperar(t, 409, "CONFLICTO")

	cfg := env.configurar(s.AccessToken)
	secreto, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(cfg.Secreto)
	if err != nil || len(secreto) < 20 {
		t.Fatalf("secreto %q: %d bytes, err %v; want ≥ 20 bytes base32", cfg.Secreto, len(secreto), err)
	}
	u, err := url.Parse(cfg.OtpauthURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/ONI_Justicia:ana" ||
		q.Get("issuer") != "ONI_Justicia" || q.Get("secret") != cfg.Secreto || q.Get("digits") != "6" ||
		q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Fatalf("otpauthUrl = %q", cfg.OtpauthURL)
	}
	b64, ok := strings.CutPrefix(cfg.QRPng, "data:image/png;base64,")
	if !ok {
		t.Fatalf("qrPng sin prefijo data URL: %.40s", cfg.QRPng)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() < 200 {
		t.Fatalf("qrPng no es un PNG usable: %v", err)
	}

	// Pendiente: el login sigue sin segundo paso.
	env.login("ana", passPrueba)
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken, cuerpo: map[string]string{"codigo": "000000"}}).
		esperar(t, 422, "CODIGO_MFA_INVALIDO")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken, cuerpo: map[string]string{}}).
		esperar(t, 422, "VALIDACION")

	var cr codigosRecuperacion
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken, cuerpo: map[string]string{"codigo": env.codigo(cfg.Secreto)}})
	r.esperar(t, 200, "").leer(t, &cr)
	if r.mensaje != "MFA activado exitosamente" {
		t.Fatalf("mensaje = %q", r.mensaje)
	}
	forma := regexp.MustCompile(`^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$`)
	vistos := map[string]bool{}
	for _, c := range cr.CodigosRecuperacion {
		if !forma.MatchString(c) || vistos[c] {
			t.Fatalf("código de recuperación %q mal formado o repetido", c)
		}
		vistos[c] = true
	}
	if len(vistos) != 10 {
		t.Fatalf("códigos de recuperación = %d, want 10", len(vistos))
	}
	if e := env.estadoMFA(s.AccessToken); !e.Habilitado || e.CodigosRecuperacionRestantes != 10 {
		t.Fatalf("estado = %+v, want activo y 10", e)
	}
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/configurar", token: s.AccessToken}).esperar(t, 409, "CONFLICTO")

	// Ninguna otra respuesta lleva el secreto.
	for _, ruta := range []string{"/auth/mfa", "/auth/me"} {
		r := env.hacer(peticion{metodo: "GET", ruta: ruta, token: s.AccessToken}).esperar(t, 200, "")
		if bytes.Contains(r.cuerpo, []byte(cfg.Secreto)) {
			t.Fatalf("%s muestra el secreto: %s", ruta, r.cuerpo)
		}
	}
	var me struct {
		MFAHabilitado bool `json:"mfaHabilitado"`
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).leer(t, &me)
	if !me.MFAHabilitado {
		t.Fatal("/auth/me: mfaHabilitado = false")
	}

	// Login en dos pasos.
	r = env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "ana", "password": passPrueba}}).esperar(t, 200, "")
	var d desafioMFA
	r.leer(t, &d)
	if r.mensaje != "Se requiere verificación MFA" || !d.MFARequired || d.MFAToken == "" || d.ExpiresIn != 300 || d.AccessToken != "" {
		t.Fatalf("desafío MFA = %s", r.cuerpo)
	}
	r = env.verificar(d.MFAToken, env.siguienteCodigoTOTP(cfg.Secreto)).esperar(t, 200, "")
	var tok sesionTokens
	r.leer(t, &tok)
	if r.mensaje != "Autenticación exitosa" || tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" ||
		tok.ExpiresIn != 3600 || tok.RefreshExpiresIn != 86400 || tok.User.Username != "ana" || tok.User.Rol != "solicitante" {
		t.Fatalf("verificar = %s", r.cuerpo)
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: tok.AccessToken}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": tok.RefreshToken}}).esperar(t, 200, "")

	ev := env.eventos(tok.User.ID)
	if contar(ev, models.EventoMFAActivado) != 1 || contar(ev, models.EventoMFAFallido) != 1 {
		t.Fatalf("auditoría = %v, want un MFA_ACTIVADO y un MFA_FALLIDO", ev)
	}
}

func TestMFAConfigurarReemplazaPendiente(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginComo("beto", models.RolSolicitante)
	viejo := env.configurar(s.AccessToken)
	nuevo := env.configurar(s.AccessToken)
	if viejo.Secreto == nuevo.Secreto {
		t.Fatal("configurar otra vez devolvió el mismo secreto")
	}
	activar := func(codigo string) *respuesta {
		return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken, cuerpo: map[string]string{"codigo": codigo}})
	}
	activar(env.codigo(viejo.Secreto)).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	activar(env.codigo(nuevo.Secreto)).esperar(t, 200, "")
}

func TestMFAVentana(t *testing.T) {
	t.Parallel()
	casos := []struct {
		nombre  string
		ventana int
		pasos   int // desplazamiento del código respecto del paso actual
		status  int
	}{
		{"ventana 0, paso anterior", 0, -1, 422},
		{"ventana 0, paso actual", 0, 0, 200},
		{"ventana 0, paso siguiente", 0, 1, 422},
		{"ventana 1, dos pasos antes", 1, -2, 422},
		{"ventana 1, paso anterior", 1, -1, 200},
		{"ventana 1, paso actual", 1, 0, 200},
		{"ventana 1, paso siguiente", 1, 1, 200},
		{"ventana 1, dos pasos después", 1, 2, 422},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			t.Parallel()
			env := nuevoEntorno(t, func(cfg *config.Config) { cfg.MFAValidWindow = c.ventana })
			cu := env.conMFA("carla")
			// Lejos del paso usado al activar, y a 29 s del inicio del paso
			// actual: el borde de la ventana no depende de dónde cae "ahora".
			env.reloj.Avanzar(5*time.Minute + 29*time.Second)
			tok := env.mfaToken(cu.username)
			codigo := codigoEn(t, cu.secreto, env.reloj.Now().Add(time.Duration(c.pasos)*30*time.Second))
			codigoErr := ""
			if c.status != 200 {
				codigoErr = "CODIGO_MFA_INVALIDO"
			}
			env.verificar(tok, codigo).esperar(t, c.status, codigoErr)
		})
	}
}

func TestMFARepeticion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	cu := env.conMFA("dora")
	// El código del alta ya se usó: no sirve para entrar.
	tok := env.mfaToken(cu.username)
	env.verificar(tok, env.codigo(cu.secreto)).esperar(t, 422, "CODIGO_MFA_INVALIDO")

	codigo := env.siguienteCodigoTOTP(cu.secreto)
	env.verificar(tok, codigo).esperar(t, 200, "")
	env.verificar(env.mfaToken(cu.username), codigo).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	// Tampoco dentro de la ventana, ya en el paso siguiente.
	env.reloj.Avanzar(30 * time.Second)
	env.verificar(env.mfaToken(cu.username), codigo).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	// Un paso anterior al último aceptado tampoco.
	anterior := codigoEn(t, cu.secreto, env.reloj.Now().Add(-60*time.Second))
	env.verificar(env.mfaToken(cu.username), anterior).esperar(t, 422, "CODIGO_MFA_INVALIDO")
	// El código del paso nuevo sí.
	env.verificar(env.mfaToken(cu.username), env.codigo(cu.secreto)).esperar(t, 200, "")

	if n := contar(env.eventos(cu.id), models.EventoMFAFallido); n != 4 {
		t.Fatalf("MFA_FALLIDO = %d, want 4", n)
	}
}

func TestMFAVerificacionConcurrente(t *testing.T) {
	t.Parallel()
	const n = 8
	casos := []struct {
		nombre      string
		mismoToken  bool
		statusResto int
		codigoResto string
	}{
		{"un mfaToken por petición, mismo código", false, 422, "CODIGO_MFA_INVALIDO"},
		{"el mismo mfaToken en todas", true, 401, "TOKEN_REVOCADO"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			t.Parallel()
			env := nuevoEntorno(t, func(cfg *config.Config) { cfg.LoginMaxFailed = 100 })
			cu := env.conMFA("eva")
			tokens := make([]string, n)
			for i := range tokens {
				if i == 0 || !c.mismoToken {
					tokens[i] = env.mfaToken(cu.username)
				} else {
					tokens[i] = tokens[0]
				}
			}
			codigo := env.siguienteCodigoTOTP(cu.secreto)
			exitos := 0
			for _, r := range enParalelo(n, func(i int) *respuesta { return env.verificar(tokens[i], codigo) }) {
				switch {
				case r.status == 200:
					exitos++
				case r.status != c.statusResto || r.codigo != c.codigoResto:
					t.Errorf("status %d %s, want 200 o %d %s", r.status, r.codigo, c.statusResto, c.codigoResto)
				}
			}
			if exitos != 1 {
				t.Fatalf("éxitos = %d, want exactamente 1", exitos)
			}
		})
	}
}
