package tests

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"solicitud-transporte/models"
)

// codigoEn genera, con la biblioteca, el código TOTP de secreto en instante.
func codigoEn(t testing.TB, secreto string, instante time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secreto, instante, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatalf("generar código TOTP: %v", err)
	}
	return c
}

// codigo es el código TOTP de secreto en la hora del reloj de prueba.
func (env *entorno) codigo(secreto string) string {
	env.t.Helper()
	return codigoEn(env.t, secreto, env.reloj.Now())
}

// siguienteCodigoTOTP avanza el reloj un paso de 30 s y devuelve el código nuevo,
// que todavía no se usó (un código se acepta una sola vez).
func (env *entorno) siguienteCodigoTOTP(secreto string) string {
	env.t.Helper()
	env.reloj.Avanzar(30 * time.Second)
	return env.codigo(secreto)
}

// configuracionMFA son los datos de POST /auth/mfa/configurar.
type configuracionMFA struct {
	Secreto    string `json:"secreto"`
	OtpauthURL string `json:"otpauthUrl"`
	QRPng      string `json:"qrPng"`
}

type codigosRecuperacion struct {
	CodigosRecuperacion []string `json:"codigosRecuperacion"`
}

type estadoMFA struct {
	Habilitado                   bool `json:"habilitado"`
	CodigosRecuperacionRestantes int  `json:"codigosRecuperacionRestantes"`
}

type desafioMFA struct {
	MFARequired bool   `json:"mfaRequired"`
	MFAToken    string `json:"mfaToken"`
	ExpiresIn   int    `json:"expiresIn"`
	AccessToken string `json:"accessToken"`
}

// configurar llama a POST /auth/mfa/configurar y exige 200.
func (env *entorno) configurar(token string) configuracionMFA {
	env.t.Helper()
	var c configuracionMFA
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/configurar", token: token}).esperar(env.t, 200, "").leer(env.t, &c)
	return c
}

// cuentaMFA es una cuenta con MFA activo y lo que se vio al activarlo.
type cuentaMFA struct {
	username string
	id       uint
	secreto  string
	codigos  []string
	sesion   sesionTokens
}

// conMFA crea un usuario solicitante y le activa MFA con el código del paso
// actual (que queda usado).
func (env *entorno) conMFA(username string) cuentaMFA {
	env.t.Helper()
	s := env.loginComo(username, models.RolSolicitante)
	cfg := env.configurar(s.AccessToken)
	var cr codigosRecuperacion
	env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/activar", token: s.AccessToken, cuerpo: map[string]string{"codigo": env.codigo(cfg.Secreto)}}).
		esperar(env.t, 200, "").leer(env.t, &cr)
	return cuentaMFA{username: username, id: s.User.ID, secreto: cfg.Secreto, codigos: cr.CodigosRecuperacion, sesion: s}
}

// mfaToken hace el primer paso del login de una cuenta con MFA.
func (env *entorno) mfaToken(username string) string {
	env.t.Helper()
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": username, "password": passPrueba}})
	r.esperar(env.t, 200, "")
	var d desafioMFA
	r.leer(env.t, &d)
	if !d.MFARequired || d.MFAToken == "" || d.AccessToken != "" {
		env.t.Fatalf("se esperaba un desafío MFA sin token de acceso: %s", r.cuerpo)
	}
	return d.MFAToken
}

// verificar es POST /auth/mfa/verificar.
func (env *entorno) verificar(mfaToken, codigo string) *respuesta {
	env.t.Helper()
	return env.hacer(peticion{metodo: "POST", ruta: "/auth/mfa/verificar", cuerpo: map[string]string{"mfaToken": mfaToken, "codigo": codigo}})
}

// estadoMFA es GET /auth/mfa.
func (env *entorno) estadoMFA(token string) estadoMFA {
	env.t.Helper()
	var e estadoMFA
	env.hacer(peticion{metodo: "GET", ruta: "/auth/mfa", token: token}).esperar(env.t, 200, "").leer(env.t, &e)
	return e
}

// auditoriaDe devuelve los eventos de auditoría de un usuario (solo los de
// eventos, si se indican), el más antiguo primero, leídos con el store.
func (env *entorno) auditoriaDe(usuarioID uint, eventos ...models.EventoAuditoria) []models.EntradaAuditoria {
	env.t.Helper()
	var todas []models.EntradaAuditoria
	for p := 1; ; p++ {
		r, err := env.store.ListarAuditoria(context.Background(), models.FiltroAuditoria{
			UsuarioID: &usuarioID, Eventos: eventos, Pagina: models.Pagina{Pagina: p, PorPagina: models.PorPaginaMaximo},
		})
		if err != nil {
			env.t.Fatal(err)
		}
		todas = append(todas, r.Elementos...)
		if p >= r.TotalPaginas {
			break
		}
	}
	slices.Reverse(todas) // la lista viene del más reciente al más antiguo
	return todas
}

// eventos devuelve los eventos de auditoría de un usuario, en orden.
func (env *entorno) eventos(usuarioID uint) []string {
	env.t.Helper()
	var ev []string
	for _, e := range env.auditoriaDe(usuarioID) {
		ev = append(ev, string(e.Evento))
	}
	return ev
}

// contar cuenta cuántas veces aparece evento en ev.
func contar(ev []string, evento models.EventoAuditoria) int {
	n := 0
	for _, e := range ev {
		if e == string(evento) {
			n++
		}
	}
	return n
}

// desactivar desactiva la cuenta id como lo hace la administración (PATCH
// /usuarios/{id}), con el store y la cuenta de administración como actor.
func (env *entorno) desactivar(id uint) {
	env.t.Helper()
	ctx := context.Background()
	admin, err := env.store.UsuarioPorIdentificador(ctx, adminUser)
	if err != nil || admin == nil {
		env.t.Fatalf("cuenta de administración: %v", err)
	}
	actor := &models.Actor{ID: admin.ID, Username: admin.Username, Rol: admin.Rol}
	if _, err := env.store.ActualizarUsuario(ctx, actor, id, models.CambiosUsuario{Activo: ptrDe(false)}); err != nil {
		env.t.Fatal(err)
	}
}
