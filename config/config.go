package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	// Los datos de zonas horarias van dentro del binario: TIMEZONE funciona
	// en máquinas sin tzdata.
	_ "time/tzdata"

	"github.com/joho/godotenv"
	"github.com/kelseyhightower/envconfig"
)

// Entornos de ejecución.
const (
	EntornoDesarrollo = "development"
	EntornoPrueba     = "test"
	EntornoProduccion = "production"
)

// Config es la configuración completa. Las etiquetas nombran la variable
// exacta; no hay prefijo.
type Config struct {
	AppEnv string `envconfig:"APP_ENV" default:"development"`
	// Host es la dirección donde escuchar; vacío escucha en todas.
	Host     string `envconfig:"HOST"`
	Port     int    `envconfig:"PORT" default:"8000"`
	DBDriver string `envconfig:"DB_DRIVER" default:"sqlite"`
	DBDSN    string `envconfig:"DB_DSN" default:"data/solicitud_transporte.db"`
	// DBTimeout acota la espera por la base (la única conexión de escritura
	// de SQLite, su bloqueo) antes de contestar 503.
	DBTimeout time.Duration `envconfig:"DB_TIMEOUT" default:"5s"`
	// DBMaxConns es el tamaño del pool de PostgreSQL de cada instancia.
	DBMaxConns int `envconfig:"DB_MAX_CONNS" default:"20"`
	// MetricsAddr sirve las métricas de Prometheus en esa dirección; vacío
	// las apaga.
	MetricsAddr string `envconfig:"METRICS_ADDR"`

	JWTSecret        string `envconfig:"JWT_SECRET"`
	JWTAlgorithm     string `envconfig:"JWT_ALGORITHM" default:"HS256"`
	AccessExpValue   int    `envconfig:"JWT_ACCESS_TOKEN_EXP_VALUE" default:"60"`
	AccessExpUnit    Unidad `envconfig:"JWT_ACCESS_TOKEN_EXP_UNIT" default:"minutes"`
	RefreshExpValue  int    `envconfig:"JWT_REFRESH_TOKEN_EXP_VALUE" default:"24"`
	RefreshExpUnit   Unidad `envconfig:"JWT_REFRESH_TOKEN_EXP_UNIT" default:"hours"`
	SessionMaxValue  int    `envconfig:"SESSION_MAX_AGE_VALUE" default:"7"`
	SessionMaxUnit   Unidad `envconfig:"SESSION_MAX_AGE_UNIT" default:"days"`
	RefreshGraceSecs int    `envconfig:"REFRESH_REUSE_GRACE_SECONDS" default:"10"`
	PasswordHashCost int    `envconfig:"PASSWORD_HASH_COST" default:"12"`
	JWTIssuer        string `envconfig:"JWT_ISSUER" default:"solicitud-transporte"`
	JWTAudience      string `envconfig:"JWT_AUDIENCE" default:"solicitud-transporte-api"`

	APIUser     string `envconfig:"API_USER" default:"api_user"`
	APIPassword string `envconfig:"API_PASSWORD"`
	APIEmail    string `envconfig:"API_EMAIL"`

	MFAIssuerName    string `envconfig:"MFA_ISSUER_NAME" default:"ONI_Justicia"`
	MFAValidWindow   int    `envconfig:"MFA_VALID_WINDOW" default:"1"`
	MFAEncryptionKey string `envconfig:"MFA_ENCRYPTION_KEY"`

	RateLimitAuthPerMinute int `envconfig:"RATE_LIMIT_AUTH_PER_MINUTE" default:"10"`
	// RateLimitWritesPerMinute son las escrituras (POST, PUT, PATCH, DELETE
	// fuera de /auth/*) por minuto y por usuario; 0 lo apaga.
	RateLimitWritesPerMinute int `envconfig:"RATE_LIMIT_WRITES_PER_MINUTE" default:"120"`
	LoginMaxFailed           int `envconfig:"LOGIN_MAX_FAILED_ATTEMPTS" default:"5"`
	LoginLockoutMinutes      int `envconfig:"LOGIN_LOCKOUT_MINUTES" default:"15"`

	TrustedProxies     []string `envconfig:"TRUSTED_PROXIES"`
	CORSAllowedOrigins []string `envconfig:"CORS_ALLOWED_ORIGINS"`
	BodyLimit          string   `envconfig:"BODY_LIMIT" default:"1M"`
	LogLevel           string   `envconfig:"LOG_LEVEL" default:"info"`
	LogFormat          string   `envconfig:"LOG_FORMAT" default:"text"`
	Timezone           string   `envconfig:"TIMEZONE" default:"America/El_Salvador"`
	// CookieSecure es el atributo Secure de la cookie del refresh token
	// (API.md §4.9); sin definir, CookieSegura decide por APP_ENV.
	CookieSecure BoolOpcional `envconfig:"COOKIE_SECURE"`

	// PermitirAutoaprobacion deja que un aprobador o admin apruebe,
	// rechace, asigne o reasigne una solicitud suya (API.md §7.1), para
	// oficinas con un solo aprobador. Por defecto no.
	PermitirAutoaprobacion bool `envconfig:"PERMITIR_AUTOAPROBACION" default:"false"`

	// EventosRetencionDias es cuánto tiempo un evento se puede repetir a un
	// suscriptor que vuelve con Last-Event-ID (API.md §11); la purga
	// periódica borra los más viejos.
	EventosRetencionDias int `envconfig:"EVENTOS_RETENCION_DIAS" default:"7"`
	// WebhookPermitirRedPrivada deja registrar webhooks en direcciones de
	// loopback o privadas (API.md §11.2). Por defecto no: un webhook no debe
	// servir para llegar a la red interna desde la API.
	WebhookPermitirRedPrivada bool `envconfig:"WEBHOOK_PERMITIR_RED_PRIVADA" default:"false"`

	// Derivados por Load/Validate.
	Ubicacion      *time.Location `ignored:"true"`
	BodyLimitBytes int64          `ignored:"true"`
	// Avisos son advertencias para el log de arranque (p. ej. secreto generado).
	Avisos []string `ignored:"true"`
}

// Load lee .env (si existe) y el entorno, completa lo derivado, genera en
// desarrollo lo que falta y valida. El error es una sola línea en español que
// nombra la variable y lo permitido.
func Load() (*Config, error) {
	if err := godotenv.Load(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("configuración inválida: no se pudo leer .env: %v", err)
	}
	var c Config
	if err := envconfig.Process("", &c); err != nil {
		return nil, errorDeEnvconfig(err)
	}
	if _, ok := os.LookupEnv("CORS_ALLOWED_ORIGINS"); !ok && c.AppEnv == EntornoDesarrollo {
		c.CORSAllowedOrigins = []string{"*"}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.JWTSecret == "" && c.AppEnv != EntornoProduccion {
		secreto, aviso, err := secretoDesarrollo(c.DataDir())
		if err != nil {
			return nil, fmt.Errorf("configuración inválida: JWT_SECRET está vacío y no se pudo generar uno: %v", err)
		}
		c.JWTSecret = secreto
		c.Avisos = append(c.Avisos, aviso)
	}
	return &c, nil
}

// AccesoTTL es la vida del token de acceso.
func (c *Config) AccesoTTL() time.Duration { return c.AccessExpUnit.Por(c.AccessExpValue) }

// RefreshTTL es la vida del refresh token.
func (c *Config) RefreshTTL() time.Duration { return c.RefreshExpUnit.Por(c.RefreshExpValue) }

// SesionMax es la vida absoluta de una sesión.
func (c *Config) SesionMax() time.Duration { return c.SessionMaxUnit.Por(c.SessionMaxValue) }

// Gracia es la ventana de reutilización tolerada de un refresh token.
func (c *Config) Gracia() time.Duration { return time.Duration(c.RefreshGraceSecs) * time.Second }

// Bloqueo es la duración del bloqueo por intentos fallidos.
func (c *Config) Bloqueo() time.Duration { return time.Duration(c.LoginLockoutMinutes) * time.Minute }

// RetencionEventos es EVENTOS_RETENCION_DIAS como duración.
func (c *Config) RetencionEventos() time.Duration {
	return time.Duration(c.EventosRetencionDias) * 24 * time.Hour
}

// CookieSegura dice si la cookie st_refresh lleva Secure: COOKIE_SECURE si
// está definida; si no, siempre salvo en desarrollo (http://localhost).
func (c *Config) CookieSegura() bool {
	if c.CookieSecure.Definido {
		return c.CookieSecure.Valor
	}
	return c.AppEnv != EntornoDesarrollo
}

// Produccion indica APP_ENV=production.
func (c *Config) Produccion() bool { return c.AppEnv == EntornoProduccion }

// DataDir es la carpeta de datos: la del archivo SQLite, si no data/.
func (c *Config) DataDir() string {
	if c.DBDriver == "sqlite" {
		if i := strings.LastIndexAny(c.DBDSN, `/\`); i >= 0 {
			return c.DBDSN[:i]
		}
		return "."
	}
	return "data"
}
