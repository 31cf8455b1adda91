package config

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kelseyhightower/envconfig"
)

// permitido describe, por variable, los valores aceptados; los mensajes de
// error lo citan tal cual.
var permitido = map[string]string{
	"APP_ENV":                      "development, test o production",
	"HOST":                         "una dirección IP o un nombre de host, como 127.0.0.1 (vacío: todas las interfaces)",
	"PORT":                         "un número entero entre 1 y 65535",
	"DB_DRIVER":                    "sqlite o postgres",
	"DB_DSN":                       "una ruta de archivo (sqlite) o una URL postgres://",
	"DB_MAX_CONNS":                 "un número entero entre 1 y 1000",
	"METRICS_ADDR":                 "host:puerto, como 127.0.0.1:9090 (vacío: sin métricas)",
	"DB_TIMEOUT":                   "una duración entre 100ms y 10m, como 5s o 1500ms",
	"JWT_SECRET":                   "al menos 32 caracteres (obligatorio en producción y con DB_DRIVER=postgres, porque las instancias lo comparten)",
	"JWT_ALGORITHM":                "HS256, HS384 o HS512",
	"JWT_ACCESS_TOKEN_EXP_VALUE":   "un número entero positivo (como mucho diez años con su unidad)",
	"JWT_ACCESS_TOKEN_EXP_UNIT":    unidadesPermitidas,
	"JWT_REFRESH_TOKEN_EXP_VALUE":  "un número entero positivo (como mucho diez años con su unidad)",
	"JWT_REFRESH_TOKEN_EXP_UNIT":   unidadesPermitidas,
	"SESSION_MAX_AGE_VALUE":        "un número entero positivo (como mucho diez años con su unidad)",
	"SESSION_MAX_AGE_UNIT":         unidadesPermitidas,
	"REFRESH_REUSE_GRACE_SECONDS":  "un número entero entre 0 y 300",
	"PASSWORD_HASH_COST":           "un número entero entre 10 y 14 (con APP_ENV=test, entre 4 y 14)",
	"JWT_ISSUER":                   "un texto no vacío",
	"JWT_AUDIENCE":                 "un texto no vacío",
	"API_USER":                     "un nombre de usuario no vacío",
	"API_PASSWORD":                 "una contraseña de al menos 12 caracteres (obligatoria en producción)",
	"API_EMAIL":                    "un correo electrónico o vacío",
	"MFA_ISSUER_NAME":              "un texto no vacío",
	"MFA_VALID_WINDOW":             "un número entero entre 0 y 10",
	"MFA_ENCRYPTION_KEY":           "32 bytes en base64 o 64 caracteres hexadecimales",
	"RATE_LIMIT_AUTH_PER_MINUTE":   "un número entero positivo",
	"RATE_LIMIT_WRITES_PER_MINUTE": "un número entero entre 0 y 100000 (0 lo desactiva)",
	"COOKIE_SECURE":                "true o false (vacío: true salvo con APP_ENV=development)",
	"LOGIN_MAX_FAILED_ATTEMPTS":    "un número entero positivo",
	"LOGIN_LOCKOUT_MINUTES":        "un número entero positivo",
	"TRUSTED_PROXIES":              "una lista separada por comas de CIDR o direcciones IP",
	"CORS_ALLOWED_ORIGINS":         "una lista separada por comas de orígenes (https://ejemplo.org) o *",
	"BODY_LIMIT":                   "un tamaño como 512K, 1M o 2MB",
	"LOG_LEVEL":                    "debug, info, warn o error",
	"LOG_FORMAT":                   "text o json",
	"TIMEZONE":                     "un nombre de zona horaria IANA, como America/El_Salvador",
	"PERMITIR_AUTOAPROBACION":      "true o false",
	"EVENTOS_RETENCION_DIAS":       "un número entero de días entre 1 y 365",
	"WEBHOOK_PERMITIR_RED_PRIVADA": "true o false",
}

// duracionMaxima acota las vidas de tokens y sesiones.
const duracionMaxima = 3650 * 24 * time.Hour

// secretas no se citan nunca en un mensaje.
var secretas = map[string]bool{"JWT_SECRET": true, "API_PASSWORD": true, "MFA_ENCRYPTION_KEY": true}

func errVar(clave, valor string) error {
	if secretas[clave] || valor == "" {
		return fmt.Errorf("configuración inválida: %s no es válido; se espera %s", clave, permitido[clave])
	}
	return fmt.Errorf("configuración inválida: %s=%q no es válido; se espera %s", clave, valor, permitido[clave])
}

func errorDeEnvconfig(err error) error {
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		return errVar(pe.KeyName, pe.Value)
	}
	return fmt.Errorf("configuración inválida: %v", err)
}

var patronTamano = regexp.MustCompile(`(?i)^(\d+(?:\.\d+)?)\s?([KMGTPE]i?B?|B?)$`)

// patronHost es un nombre de host: etiquetas de letras, dígitos y guiones.
var patronHost = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// hostValido acepta vacío (todas las interfaces), una IP o un nombre de host.
func hostValido(h string) bool {
	return h == "" || net.ParseIP(h) != nil || (len(h) <= 253 && patronHost.MatchString(h))
}

// direccionValida acepta host:puerto con un puerto entre 1 y 65535.
func direccionValida(d string) bool {
	h, p, err := net.SplitHostPort(d)
	if err != nil || !hostValido(h) {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535
}

// parseTamano interpreta la sintaxis de tamaños de Echo (1K = 1024 bytes).
func parseTamano(s string) (int64, bool) {
	m := patronTamano.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	mult := map[byte]float64{'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40, 'P': 1 << 50, 'E': 1 << 60}
	if u := strings.ToUpper(m[2]); u != "" && u != "B" {
		n *= mult[u[0]]
	}
	if n < 1 || n > 1<<40 {
		return 0, false
	}
	return int64(n), true
}

// Validate comprueba cada valor y completa los derivados. Las reglas que
// dependen del entorno (lo obligatorio en producción) viven aquí y no en
// etiquetas required.
func (c *Config) Validate() error {
	en := func(v string, opciones ...string) bool {
		for _, o := range opciones {
			if v == o {
				return true
			}
		}
		return false
	}
	positivos := []struct {
		clave string
		v     int
	}{
		{"JWT_ACCESS_TOKEN_EXP_VALUE", c.AccessExpValue}, {"JWT_REFRESH_TOKEN_EXP_VALUE", c.RefreshExpValue},
		{"SESSION_MAX_AGE_VALUE", c.SessionMaxValue}, {"RATE_LIMIT_AUTH_PER_MINUTE", c.RateLimitAuthPerMinute},
		{"LOGIN_MAX_FAILED_ATTEMPTS", c.LoginMaxFailed}, {"LOGIN_LOCKOUT_MINUTES", c.LoginLockoutMinutes},
	}
	costoMin := 10
	if c.AppEnv == EntornoPrueba {
		costoMin = 4
	}
	switch {
	case !en(c.AppEnv, EntornoDesarrollo, EntornoPrueba, EntornoProduccion):
		return errVar("APP_ENV", c.AppEnv)
	case !hostValido(c.Host):
		return errVar("HOST", c.Host)
	case c.Port < 1 || c.Port > 65535:
		return errVar("PORT", strconv.Itoa(c.Port))
	case !en(c.DBDriver, "sqlite", "postgres"):
		return errVar("DB_DRIVER", c.DBDriver)
	case c.DBTimeout < 100*time.Millisecond || c.DBTimeout > 10*time.Minute:
		return errVar("DB_TIMEOUT", c.DBTimeout.String())
	case strings.TrimSpace(c.DBDSN) == "",
		c.DBDriver == "postgres" && !strings.HasPrefix(c.DBDSN, "postgres://") && !strings.HasPrefix(c.DBDSN, "postgresql://"):
		return errVar("DB_DSN", "")
	case c.DBMaxConns < 1 || c.DBMaxConns > 1000:
		return errVar("DB_MAX_CONNS", strconv.Itoa(c.DBMaxConns))
	case c.MetricsAddr != "" && !direccionValida(c.MetricsAddr):
		return errVar("METRICS_ADDR", c.MetricsAddr)
	case (c.Produccion() || c.DBDriver == "postgres") && utf8.RuneCountInString(c.JWTSecret) < 32:
		return errVar("JWT_SECRET", "")
	case !en(c.JWTAlgorithm, "HS256", "HS384", "HS512"):
		return errVar("JWT_ALGORITHM", c.JWTAlgorithm)
	case c.RefreshGraceSecs < 0 || c.RefreshGraceSecs > 300:
		return errVar("REFRESH_REUSE_GRACE_SECONDS", strconv.Itoa(c.RefreshGraceSecs))
	case c.PasswordHashCost < costoMin || c.PasswordHashCost > 14:
		return errVar("PASSWORD_HASH_COST", strconv.Itoa(c.PasswordHashCost))
	case strings.TrimSpace(c.JWTIssuer) == "":
		return errVar("JWT_ISSUER", "")
	case strings.TrimSpace(c.JWTAudience) == "":
		return errVar("JWT_AUDIENCE", "")
	case strings.TrimSpace(c.APIUser) == "":
		return errVar("API_USER", "")
	case c.Produccion() && c.APIPassword == "":
		return errVar("API_PASSWORD", "")
	case c.APIEmail != "" && !strings.Contains(c.APIEmail, "@"):
		return errVar("API_EMAIL", c.APIEmail)
	case strings.TrimSpace(c.MFAIssuerName) == "":
		return errVar("MFA_ISSUER_NAME", "")
	case c.MFAValidWindow < 0 || c.MFAValidWindow > 10:
		return errVar("MFA_VALID_WINDOW", strconv.Itoa(c.MFAValidWindow))
	case c.MFAEncryptionKey != "" && ClaveMFA(c.MFAEncryptionKey) == nil:
		return errVar("MFA_ENCRYPTION_KEY", "")
	case c.RateLimitWritesPerMinute < 0 || c.RateLimitWritesPerMinute > 100000:
		return errVar("RATE_LIMIT_WRITES_PER_MINUTE", strconv.Itoa(c.RateLimitWritesPerMinute))
	case c.EventosRetencionDias < 1 || c.EventosRetencionDias > 365:
		return errVar("EVENTOS_RETENCION_DIAS", strconv.Itoa(c.EventosRetencionDias))
	case !en(c.LogLevel, "debug", "info", "warn", "error"):
		return errVar("LOG_LEVEL", c.LogLevel)
	case !en(c.LogFormat, "text", "json"):
		return errVar("LOG_FORMAT", c.LogFormat)
	}
	for _, p := range positivos {
		if p.v < 1 {
			return errVar(p.clave, strconv.Itoa(p.v))
		}
	}
	// Una vida absurda (200000 días) desbordaría time.Duration y daría
	// tokens ya vencidos: se acota a diez años.
	for _, d := range []struct {
		clave  string
		valor  int
		unidad Unidad
	}{
		{"JWT_ACCESS_TOKEN_EXP_VALUE", c.AccessExpValue, c.AccessExpUnit},
		{"JWT_REFRESH_TOKEN_EXP_VALUE", c.RefreshExpValue, c.RefreshExpUnit},
		{"SESSION_MAX_AGE_VALUE", c.SessionMaxValue, c.SessionMaxUnit},
	} {
		// Se compara antes de multiplicar, así no hay desbordamiento posible.
		if d.unidad <= 0 || int64(d.valor) > int64(duracionMaxima/time.Duration(d.unidad)) {
			return errVar(d.clave, strconv.Itoa(d.valor))
		}
	}
	for _, p := range c.TrustedProxies {
		p = strings.TrimSpace(p)
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return errVar("TRUSTED_PROXIES", p)
		}
	}
	for _, o := range c.CORSAllowedOrigins {
		o = strings.TrimSpace(o)
		if o != "*" && !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			return errVar("CORS_ALLOWED_ORIGINS", o)
		}
	}
	n, ok := parseTamano(c.BodyLimit)
	if !ok {
		return errVar("BODY_LIMIT", c.BodyLimit)
	}
	c.BodyLimitBytes = n
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "" || strings.EqualFold(c.Timezone, "local") {
		return errVar("TIMEZONE", c.Timezone)
	}
	c.Ubicacion = loc
	if c.JWTSecret != "" && utf8.RuneCountInString(c.JWTSecret) < 32 {
		c.Avisos = append(c.Avisos, "JWT_SECRET tiene menos de 32 caracteres: no se aceptaría en producción")
	}
	if c.Produccion() && c.MFAEncryptionKey == "" {
		c.Avisos = append(c.Avisos, "MFA_ENCRYPTION_KEY no está definida: los secretos TOTP se guardan sin cifrar")
	}
	return nil
}

// ClaveMFA decodifica MFA_ENCRYPTION_KEY (32 bytes, base64 o hex); nil si no
// es válida.
func ClaveMFA(s string) []byte {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b
		}
	}
	return nil
}

// secretoDesarrollo lee o genera (una vez) el secreto JWT de desarrollo en la
// carpeta de datos, con permisos 0600.
func secretoDesarrollo(dir string) (secreto, aviso string, err error) {
	ruta := filepath.Join(dir, "jwt_secret")
	if b, err := os.ReadFile(ruta); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), "JWT_SECRET vacío: se usa el secreto de desarrollo guardado en " + ruta, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	secreto = base64.RawURLEncoding.EncodeToString(b)
	if err := os.WriteFile(ruta, []byte(secreto+"\n"), 0o600); err != nil {
		return "", "", err
	}
	return secreto, "JWT_SECRET vacío: se generó un secreto de desarrollo en " + ruta + " (defina JWT_SECRET en producción)", nil
}
