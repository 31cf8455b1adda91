package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"solicitud-transporte/cmd/server/aplicacion"
	"solicitud-transporte/config"
	"solicitud-transporte/handlers/metricas"
	"solicitud-transporte/models"
	"solicitud-transporte/models/store"
	"solicitud-transporte/models/store/storetest"
)

// reloj es un reloj de prueba que solo avanza cuando se le pide.
type reloj struct {
	mu sync.Mutex
	t  time.Time
}

func (r *reloj) Now() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.t
}

func (r *reloj) Avanzar(d time.Duration) {
	r.mu.Lock()
	r.t = r.t.Add(d)
	r.mu.Unlock()
}

const (
	adminUser  = "api_user"
	adminPass  = "contraseña-de-admin-segura"
	passPrueba = "clave-de-prueba-larga"
)

// configPrueba es la configuración por defecto de API.md §3, con lo propio de
// las pruebas: bcrypt barato, límite de tasa alto (las pruebas de límite lo
// bajan) y la base en dir, o en un esquema PostgreSQL nuevo si
// TEST_DATABASE_URL está definida.
func configPrueba(t testing.TB, dir string) *config.Config {
	t.Helper()
	cfg := &config.Config{
		AppEnv: config.EntornoPrueba, Port: 8000, DBDriver: "sqlite", DBDSN: filepath.Join(dir, "t.db"),
		JWTSecret: "secreto-de-pruebas-de-al-menos-32-caracteres", JWTAlgorithm: "HS256",
		AccessExpValue: 60, RefreshExpValue: 24, SessionMaxValue: 7, RefreshGraceSecs: 10,
		DBTimeout: 5 * time.Second, DBMaxConns: 20, PasswordHashCost: bcrypt.MinCost, JWTIssuer: "solicitud-transporte", JWTAudience: "solicitud-transporte-api",
		APIUser: adminUser, APIPassword: adminPass, MFAIssuerName: "ONI_Justicia", MFAValidWindow: 1,
		RateLimitAuthPerMinute: 100000, RateLimitWritesPerMinute: 100000, LoginMaxFailed: 5, LoginLockoutMinutes: 15,
		BodyLimit: "1M", LogLevel: "info", LogFormat: "text", Timezone: "America/El_Salvador",
		EventosRetencionDias: 7,
	}
	if storetest.URLPostgres() != "" {
		// La misma suite sobre PostgreSQL: un esquema propio por prueba,
		// abierto por la raíz de composición como en producción.
		cfg.DBDriver, cfg.DBDSN = "postgres", storetest.EsquemaPostgres(t)
	}
	for _, u := range []struct {
		dst *config.Unidad
		s   string
	}{{&cfg.AccessExpUnit, "minutes"}, {&cfg.RefreshExpUnit, "hours"}, {&cfg.SessionMaxUnit, "days"}} {
		if err := u.dst.Decode(u.s); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

// entorno es una API completa sobre una base temporal (SQLite o un esquema
// PostgreSQL), con reloj inyectado.
type entorno struct {
	t     testing.TB
	cfg   *config.Config
	reloj *reloj
	store *store.Store
	auth  *models.Auth
	e     *echo.Echo
	logs  *bytes.Buffer
	logMu *sync.Mutex

	// metricas es el registro de Prometheus; nil sin METRICS_ADDR.
	metricas *metricas.Metricas
	// opciones son las de aplicacion.Nueva, también al reiniciar.
	opciones []aplicacion.Opcion
	// app es la aplicación armada (la entrega de webhooks; reiniciar la
	// cierra entera: la central de eventos deja de leer la base antes de
	// cerrarla).
	app *aplicacion.Aplicacion
}

// nuevoEntorno arma el entorno; ajustar puede cambiar la configuración.
func nuevoEntorno(t testing.TB, ajustar ...func(*config.Config)) *entorno {
	t.Helper()
	return nuevoEntornoCon(t, nil, ajustar...)
}

// nuevoEntornoCon es nuevoEntorno con opciones de la raíz de composición
// (por ejemplo aplicacion.ConCupoEnBase).
func nuevoEntornoCon(t testing.TB, opciones []aplicacion.Opcion, ajustar ...func(*config.Config)) *entorno {
	t.Helper()
	cfg := configPrueba(t, t.TempDir())
	for _, f := range ajustar {
		f(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config de prueba: %v", err)
	}
	env := &entorno{t: t, cfg: cfg, reloj: &reloj{t: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}, logMu: &sync.Mutex{}, opciones: opciones}
	env.arrancar()
	return env
}

type escritorSeguro struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w escritorSeguro) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// arrancar arma la aplicación con la misma raíz de composición que
// cmd/server, con el reloj de la prueba y el log en memoria.
func (env *entorno) arrancar() {
	t := env.t
	t.Helper()
	log := slog.New(slog.NewTextHandler(escritorSeguro{env.logMu, env.logs}, nil))
	app, err := aplicacion.Nueva(context.Background(), env.cfg, env.reloj.Now, log, "test", env.opciones...)
	if err != nil {
		t.Fatalf("armar la aplicación: %v", err)
	}
	env.store, env.auth, env.e, env.metricas, env.app = app.Store, app.Auth, app.Router, app.Metricas, app
	t.Cleanup(func() { app.Close() })
}

// reiniciar simula un reinicio del proceso sobre el mismo archivo.
func (env *entorno) reiniciar() {
	env.t.Helper()
	if err := env.app.Close(); err != nil {
		env.t.Fatal(err)
	}
	env.arrancar()
}

// respuesta es una respuesta ya decodificada.
type respuesta struct {
	status  int
	header  http.Header
	cuerpo  []byte
	exito   bool
	mensaje string
	detalle string
	codigo  string
	errores []models.ErrorCampo
	datos   json.RawMessage
}

// peticion describe una petición de prueba.
type peticion struct {
	metodo  string
	ruta    string
	token   string
	cuerpo  any // string u objeto (se codifica a JSON)
	ctype   string
	headers map[string]string
	ip      string
	// en es la instancia que atiende la petición (ver otraInstancia); nil
	// es la del entorno.
	en *echo.Echo
}

// hacer envía p por el router real y decodifica el sobre.
func (env *entorno) hacer(p peticion) *respuesta {
	env.t.Helper()
	var body io.Reader
	switch c := p.cuerpo.(type) {
	case nil:
	case string:
		body = strings.NewReader(c)
	case url.Values:
		body = strings.NewReader(c.Encode())
		if p.ctype == "" {
			p.ctype = "application/x-www-form-urlencoded"
		}
	default:
		b, err := json.Marshal(c)
		if err != nil {
			env.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req := httptest.NewRequest(p.metodo, p.ruta, body)
	if body != nil {
		if p.ctype == "" {
			p.ctype = "application/json"
		}
		req.Header.Set("Content-Type", p.ctype)
	}
	if p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	for k, v := range p.headers {
		req.Header.Set(k, v)
	}
	if p.ip != "" {
		req.RemoteAddr = p.ip
	}
	rec := httptest.NewRecorder()
	if p.en != nil {
		p.en.ServeHTTP(rec, req)
	} else {
		env.e.ServeHTTP(rec, req)
	}
	// Los benchmarks miden el servidor, no el validador del contrato (que
	// cuesta más que muchas respuestas): las pruebas ya validan cada forma.
	if _, midiendo := env.t.(*testing.B); midiendo {
	} else if msg := validarContrato(req, rec.Code, rec.Header(), rec.Body.Bytes()); msg != "" {
		env.t.Errorf("%s %s → %d no cumple el documento OpenAPI: %s\ncuerpo: %s", p.metodo, p.ruta, rec.Code, msg, rec.Body.Bytes())
	}
	r := &respuesta{status: rec.Code, header: rec.Header(), cuerpo: rec.Body.Bytes()}
	var sobre struct {
		Exito   bool                `json:"exito"`
		Mensaje string              `json:"mensaje"`
		Detalle string              `json:"detalle"`
		Codigo  string              `json:"codigo"`
		Errores []models.ErrorCampo `json:"errores"`
		Datos   json.RawMessage     `json:"datos"`
	}
	if len(r.cuerpo) > 0 && json.Unmarshal(r.cuerpo, &sobre) == nil {
		r.exito, r.mensaje, r.detalle, r.codigo, r.errores, r.datos = sobre.Exito, sobre.Mensaje, sobre.Detalle, sobre.Codigo, sobre.Errores, sobre.Datos
	}
	return r
}

// esperar comprueba estado y código (y el sobre de error cuando aplica).
func (r *respuesta) esperar(t testing.TB, status int, codigo string) *respuesta {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; cuerpo: %s", r.status, status, r.cuerpo)
	}
	if status < 400 {
		if !r.exito {
			t.Fatalf("exito = false en %d; cuerpo: %s", status, r.cuerpo)
		}
		return r
	}
	if r.exito || r.codigo != codigo {
		t.Fatalf("codigo = %q, want %q; cuerpo: %s", r.codigo, codigo, r.cuerpo)
	}
	if r.mensaje == "" || r.detalle == "" {
		t.Fatalf("error sin mensaje o detalle: %s", r.cuerpo)
	}
	return r
}

// leer decodifica datos en dst.
func (r *respuesta) leer(t testing.TB, dst any) {
	t.Helper()
	if err := json.Unmarshal(r.datos, dst); err != nil {
		t.Fatalf("datos: %v; cuerpo: %s", err, r.cuerpo)
	}
}

// sesionTokens son los tokens de un login.
type sesionTokens struct {
	AccessToken      string `json:"accessToken"`
	RefreshToken     string `json:"refreshToken"`
	TokenType        string `json:"tokenType"`
	ExpiresIn        int    `json:"expiresIn"`
	RefreshExpiresIn int    `json:"refreshExpiresIn"`
	User             struct {
		ID       uint   `json:"id"`
		Username string `json:"username"`
		Rol      string `json:"rol"`
	} `json:"user"`
}

// login inicia sesión y falla la prueba si no es 200 con tokens.
func (env *entorno) login(username, password string) sesionTokens {
	env.t.Helper()
	r := env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": username, "password": password}})
	r.esperar(env.t, 200, "")
	var s sesionTokens
	r.leer(env.t, &s)
	if s.AccessToken == "" || s.RefreshToken == "" {
		env.t.Fatalf("login sin tokens: %s", r.cuerpo)
	}
	return s
}

// loginAdmin inicia sesión como la cuenta de administración.
func (env *entorno) loginAdmin() sesionTokens {
	env.t.Helper()
	return env.login(adminUser, adminPass)
}

// crearUsuario crea una cuenta con rol y la contraseña de prueba.
func (env *entorno) crearUsuario(username string, rol models.Rol) *models.Usuario {
	env.t.Helper()
	u, err := env.store.CrearUsuario(context.Background(), nil, models.NuevoUsuario{
		Username: username, Email: username + "@ejemplo.org", Password: passPrueba, Rol: rol,
	})
	if err != nil {
		env.t.Fatalf("crear usuario %s: %v", username, err)
	}
	return u
}

// loginComo crea (si hace falta) un usuario de rol y devuelve su sesión.
func (env *entorno) loginComo(username string, rol models.Rol) sesionTokens {
	env.t.Helper()
	env.crearUsuario(username, rol)
	return env.login(username, passPrueba)
}

func (env *entorno) logsTexto() string {
	env.logMu.Lock()
	defer env.logMu.Unlock()
	return env.logs.String()
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	return fmt.Sprintf("%s", b)
}

func asError(err error, dst **models.Error) bool { return errors.As(err, dst) }

// enParalelo lanza n peticiones que arrancan a la vez y devuelve sus
// respuestas en orden.
func enParalelo(n int, hacer func(i int) *respuesta) []*respuesta {
	res := make([]*respuesta, n)
	var wg sync.WaitGroup
	inicio := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-inicio
			res[i] = hacer(i)
		}()
	}
	close(inicio)
	wg.Wait()
	return res
}
