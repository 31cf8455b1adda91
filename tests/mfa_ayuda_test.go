package tests

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

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

// siguienteCodigo avanza el reloj un paso de 30 s y devuelve el código nuevo,
// que todavía no se usó (un código se acepta una sola vez).
func (env *entorno) siguienteCodigo(secreto string) string {
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

// baseCruda abre el archivo SQLite del entorno aparte, para mirar lo que la
// API no muestra (secretos guardados, auditoría mientras no exista GET
// /auditoria en esta rama).
func (env *entorno) baseCruda() *gorm.DB {
	env.t.Helper()
	db, err := gorm.Open(sqlite.Open(env.cfg.DBDSN+"?_busy_timeout=5000"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		env.t.Fatal(err)
	}
	env.t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

// eventos devuelve los eventos de auditoría de un usuario, en orden.
func (env *entorno) eventos(usuarioID uint) []string {
	env.t.Helper()
	var ev []string
	err := env.baseCruda().WithContext(context.Background()).Model(&models.RegistroAuditoria{}).
		Where("usuario_id = ?", usuarioID).Order("id").Pluck("evento", &ev).Error
	if err != nil {
		env.t.Fatal(err)
	}
	return ev
}

// contar cuenta cuántas veces aparece evento en ev.
func contar(ev []string, evento models.Evento) int {
	n := 0
	for _, e := range ev {
		if e == string(evento) {
			n++
		}
	}
	return n
}
