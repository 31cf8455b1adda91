package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// limpio deja el entorno sin ninguna variable de la configuración y trabaja
// en una carpeta temporal (ahí se crean data/ y el .env de cada caso).
func limpio(t *testing.T) string {
	t.Helper()
	for k := range permitido {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

func TestPorDefecto(t *testing.T) {
	dir := limpio(t)
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 8000 || c.DBDSN != "data/solicitud_transporte.db" || c.AccesoTTL() != time.Hour ||
		c.RefreshTTL() != 24*time.Hour || c.SesionMax() != 7*24*time.Hour || c.Gracia() != 10*time.Second ||
		c.PasswordHashCost != 12 || c.BodyLimitBytes != 1<<20 || c.Ubicacion.String() != "America/El_Salvador" ||
		len(c.CORSAllowedOrigins) != 1 || c.CORSAllowedOrigins[0] != "*" ||
		c.Host != "" || c.DBTimeout != 5*time.Second || c.DBMaxConns != 20 || c.MetricsAddr != "" ||
		c.PermitirAutoaprobacion {
		t.Fatalf("valores por defecto inesperados: %+v", c)
	}
	// Secreto de desarrollo: generado una vez, guardado con modo 0600 y reutilizado.
	info, err := os.Stat(filepath.Join(dir, "data", "jwt_secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secreto de desarrollo: %v, modo %v", err, info)
	}
	if len(c.JWTSecret) < 32 || len(c.Avisos) == 0 {
		t.Fatalf("secreto %d caracteres, avisos %v", len(c.JWTSecret), c.Avisos)
	}
	c2, err := Load()
	if err != nil || c2.JWTSecret != c.JWTSecret {
		t.Fatal("el secreto de desarrollo debe persistir entre arranques")
	}
}

// TestVariasInstancias: la configuración de una instancia sobre PostgreSQL
// (§10) con dirección de escucha y métricas propias.
func TestVariasInstancias(t *testing.T) {
	limpio(t)
	for k, v := range map[string]string{
		"DB_DRIVER": "postgres", "DB_DSN": "postgres://api:clave@db.interna:5432/transporte?sslmode=require",
		"JWT_SECRET": strings.Repeat("s", 40), "HOST": "127.0.0.1", "METRICS_ADDR": "127.0.0.1:9090",
		"DB_MAX_CONNS": "50", "DB_TIMEOUT": "1500ms",
	} {
		t.Setenv(k, v)
	}
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "127.0.0.1" || c.MetricsAddr != "127.0.0.1:9090" || c.DBMaxConns != 50 || c.DBTimeout != 1500*time.Millisecond {
		t.Fatalf("valores inesperados: %+v", c)
	}
	if len(c.Avisos) != 0 {
		t.Fatalf("con PostgreSQL no se genera secreto de desarrollo: %v", c.Avisos)
	}
}

func TestUnidades(t *testing.T) {
	casos := map[string]time.Duration{
		"seconds": 90 * time.Second, "segundos": 90 * time.Second, "Minutos": 90 * time.Minute, "minutes": 90 * time.Minute,
		"hours": 90 * time.Hour, "horas": 90 * time.Hour, "days": 90 * 24 * time.Hour, "días": 90 * 24 * time.Hour,
		"dias": 90 * 24 * time.Hour, "DÍAS": 90 * 24 * time.Hour,
	}
	for unidad, want := range casos {
		t.Run(unidad, func(t *testing.T) {
			limpio(t)
			t.Setenv("JWT_ACCESS_TOKEN_EXP_VALUE", "90")
			t.Setenv("JWT_ACCESS_TOKEN_EXP_UNIT", unidad)
			c, err := Load()
			if err != nil {
				t.Fatal(err)
			}
			if c.AccesoTTL() != want {
				t.Fatalf("AccesoTTL = %v, want %v", c.AccesoTTL(), want)
			}
		})
	}
}

// TestValoresInvalidos: cada valor malo detiene el arranque con una línea en
// español que nombra la variable.
func TestValoresInvalidos(t *testing.T) {
	secreto := strings.Repeat("s", 40)
	casos := []struct {
		nombre   string
		env      map[string]string
		variable string
	}{
		{"APP_ENV", map[string]string{"APP_ENV": "staging"}, "APP_ENV"},
		{"PORT texto", map[string]string{"PORT": "abc"}, "PORT"},
		{"PORT fuera de rango", map[string]string{"PORT": "70000"}, "PORT"},
		{"DB_DRIVER", map[string]string{"DB_DRIVER": "mysql"}, "DB_DRIVER"},
		{"HOST con espacio", map[string]string{"HOST": "mi host"}, "HOST"},
		{"HOST con puerto", map[string]string{"HOST": "127.0.0.1:80"}, "HOST"},
		{"DB_MAX_CONNS cero", map[string]string{"DB_MAX_CONNS": "0"}, "DB_MAX_CONNS"},
		{"DB_MAX_CONNS texto", map[string]string{"DB_MAX_CONNS": "muchas"}, "DB_MAX_CONNS"},
		{"METRICS_ADDR sin puerto", map[string]string{"METRICS_ADDR": "127.0.0.1"}, "METRICS_ADDR"},
		{"METRICS_ADDR puerto malo", map[string]string{"METRICS_ADDR": "127.0.0.1:0"}, "METRICS_ADDR"},
		{"postgres sin JWT_SECRET", map[string]string{"DB_DRIVER": "postgres", "DB_DSN": "postgres://u@localhost/db"}, "JWT_SECRET"},
		{"DB_TIMEOUT texto", map[string]string{"DB_TIMEOUT": "cinco"}, "DB_TIMEOUT"},
		{"DB_TIMEOUT sin unidad", map[string]string{"DB_TIMEOUT": "5"}, "DB_TIMEOUT"},
		{"DB_TIMEOUT cero", map[string]string{"DB_TIMEOUT": "0s"}, "DB_TIMEOUT"},
		{"DB_DSN postgres sin URL", map[string]string{"DB_DRIVER": "postgres", "DB_DSN": "archivo.db"}, "DB_DSN"},
		{"JWT_ALGORITHM", map[string]string{"JWT_ALGORITHM": "RS256"}, "JWT_ALGORITHM"},
		{"unidad semanas", map[string]string{"JWT_ACCESS_TOKEN_EXP_UNIT": "semanas"}, "JWT_ACCESS_TOKEN_EXP_UNIT"},
		{"unidad refresh", map[string]string{"JWT_REFRESH_TOKEN_EXP_UNIT": "años"}, "JWT_REFRESH_TOKEN_EXP_UNIT"},
		{"unidad sesión", map[string]string{"SESSION_MAX_AGE_UNIT": "x"}, "SESSION_MAX_AGE_UNIT"},
		{"valor cero", map[string]string{"JWT_ACCESS_TOKEN_EXP_VALUE": "0"}, "JWT_ACCESS_TOKEN_EXP_VALUE"},
		{"valor negativo", map[string]string{"JWT_REFRESH_TOKEN_EXP_VALUE": "-5"}, "JWT_REFRESH_TOKEN_EXP_VALUE"},
		{"valor texto", map[string]string{"SESSION_MAX_AGE_VALUE": "siete"}, "SESSION_MAX_AGE_VALUE"},
		{"valor que desborda", map[string]string{"JWT_ACCESS_TOKEN_EXP_VALUE": "200000", "JWT_ACCESS_TOKEN_EXP_UNIT": "days"}, "JWT_ACCESS_TOKEN_EXP_VALUE"},
		{"más de diez años", map[string]string{"SESSION_MAX_AGE_VALUE": "3651"}, "SESSION_MAX_AGE_VALUE"},
		{"gracia negativa", map[string]string{"REFRESH_REUSE_GRACE_SECONDS": "-1"}, "REFRESH_REUSE_GRACE_SECONDS"},
		{"costo bajo", map[string]string{"PASSWORD_HASH_COST": "4"}, "PASSWORD_HASH_COST"},
		{"costo alto", map[string]string{"PASSWORD_HASH_COST": "15"}, "PASSWORD_HASH_COST"},
		{"costo bajo en test", map[string]string{"APP_ENV": "test", "PASSWORD_HASH_COST": "3"}, "PASSWORD_HASH_COST"},
		{"issuer vacío", map[string]string{"JWT_ISSUER": " "}, "JWT_ISSUER"},
		{"ventana MFA", map[string]string{"MFA_VALID_WINDOW": "11"}, "MFA_VALID_WINDOW"},
		{"clave MFA", map[string]string{"MFA_ENCRYPTION_KEY": "corta"}, "MFA_ENCRYPTION_KEY"},
		{"límite de tasa", map[string]string{"RATE_LIMIT_AUTH_PER_MINUTE": "0"}, "RATE_LIMIT_AUTH_PER_MINUTE"},
		{"escrituras negativas", map[string]string{"RATE_LIMIT_WRITES_PER_MINUTE": "-1"}, "RATE_LIMIT_WRITES_PER_MINUTE"},
		{"escrituras texto", map[string]string{"RATE_LIMIT_WRITES_PER_MINUTE": "muchas"}, "RATE_LIMIT_WRITES_PER_MINUTE"},
		{"escrituras absurdas", map[string]string{"RATE_LIMIT_WRITES_PER_MINUTE": "1000000"}, "RATE_LIMIT_WRITES_PER_MINUTE"},
		{"cookie secure", map[string]string{"COOKIE_SECURE": "quizás"}, "COOKIE_SECURE"},
		{"intentos", map[string]string{"LOGIN_MAX_FAILED_ATTEMPTS": "0"}, "LOGIN_MAX_FAILED_ATTEMPTS"},
		{"bloqueo", map[string]string{"LOGIN_LOCKOUT_MINUTES": "no"}, "LOGIN_LOCKOUT_MINUTES"},
		{"proxies", map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,no-es-ip"}, "TRUSTED_PROXIES"},
		{"cors", map[string]string{"CORS_ALLOWED_ORIGINS": "ejemplo.org"}, "CORS_ALLOWED_ORIGINS"},
		{"body limit", map[string]string{"BODY_LIMIT": "mucho"}, "BODY_LIMIT"},
		{"body limit cero", map[string]string{"BODY_LIMIT": "0"}, "BODY_LIMIT"},
		{"log level", map[string]string{"LOG_LEVEL": "verbose"}, "LOG_LEVEL"},
		{"log format", map[string]string{"LOG_FORMAT": "xml"}, "LOG_FORMAT"},
		{"zona horaria", map[string]string{"TIMEZONE": "Marte/Olympus"}, "TIMEZONE"},
		{"autoaprobación", map[string]string{"PERMITIR_AUTOAPROBACION": "quizás"}, "PERMITIR_AUTOAPROBACION"},
		{"retención cero", map[string]string{"EVENTOS_RETENCION_DIAS": "0"}, "EVENTOS_RETENCION_DIAS"},
		{"retención texto", map[string]string{"EVENTOS_RETENCION_DIAS": "semana"}, "EVENTOS_RETENCION_DIAS"},
		{"red privada", map[string]string{"WEBHOOK_PERMITIR_RED_PRIVADA": "quizás"}, "WEBHOOK_PERMITIR_RED_PRIVADA"},
		{"producción sin secreto", map[string]string{"APP_ENV": "production", "API_PASSWORD": "una-clave-larga-de-admin"}, "JWT_SECRET"},
		{"producción con secreto corto", map[string]string{"APP_ENV": "production", "JWT_SECRET": "diez-chars", "API_PASSWORD": "una-clave-larga-de-admin"}, "JWT_SECRET"},
		{"producción sin password", map[string]string{"APP_ENV": "production", "JWT_SECRET": secreto}, "API_PASSWORD"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			limpio(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			_, err := Load()
			if err == nil {
				t.Fatal("Load aceptó un valor inválido")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.variable) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "configuración inválida") {
				t.Fatalf("mensaje %q: debe ser una línea que nombre %s", msg, c.variable)
			}
			if v := c.env["JWT_SECRET"]; v != "" && strings.Contains(msg, v) {
				t.Fatalf("el mensaje muestra el secreto: %q", msg)
			}
		})
	}
}

func TestProduccionValida(t *testing.T) {
	limpio(t)
	t.Setenv("APP_ENV", "production")
	t.Setenv("JWT_SECRET", strings.Repeat("k", 32))
	t.Setenv("API_PASSWORD", "una-clave-larga-de-admin")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.CORSAllowedOrigins) != 0 {
		t.Fatalf("CORS en producción debe estar vacío por defecto: %v", c.CORSAllowedOrigins)
	}
	if _, err := os.Stat(filepath.Join("data", "jwt_secret")); err == nil {
		t.Fatal("en producción no se genera secreto")
	}
}

// TestArchivoEnv: .env se lee primero y el entorno real gana.
func TestArchivoEnv(t *testing.T) {
	dir := limpio(t)
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("PORT=9001\nLOG_LEVEL=debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORT", "9002")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9002 || c.LogLevel != "debug" {
		t.Fatalf("PORT %d LOG_LEVEL %q; want 9002 (entorno) y debug (.env)", c.Port, c.LogLevel)
	}
	os.Unsetenv("LOG_LEVEL") // godotenv lo puso en el proceso
}

// TestEscriturasYCookie: RATE_LIMIT_WRITES_PER_MINUTE (120 por defecto, 0
// lo apaga) y COOKIE_SECURE, que sin definir depende de APP_ENV (§3, §4.9).
func TestEscriturasYCookie(t *testing.T) {
	casos := []struct {
		nombre     string
		env        map[string]string
		escrituras int
		segura     bool
	}{
		{"desarrollo por defecto", nil, 120, false},
		{"test por defecto", map[string]string{"APP_ENV": "test"}, 120, true},
		{"producción por defecto", map[string]string{"APP_ENV": "production", "JWT_SECRET": strings.Repeat("k", 32),
			"API_PASSWORD": "una-clave-larga-de-admin"}, 120, true},
		{"desarrollo con Secure", map[string]string{"COOKIE_SECURE": "true"}, 120, true},
		{"test sin Secure", map[string]string{"APP_ENV": "test", "COOKIE_SECURE": "false"}, 120, false},
		{"vacía es por defecto", map[string]string{"APP_ENV": "test", "COOKIE_SECURE": ""}, 120, true},
		{"límite apagado", map[string]string{"RATE_LIMIT_WRITES_PER_MINUTE": "0"}, 0, false},
		{"límite propio", map[string]string{"RATE_LIMIT_WRITES_PER_MINUTE": "30"}, 30, false},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			limpio(t)
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			cfg, err := Load()
			if err != nil {
				t.Fatal(err)
			}
			if cfg.RateLimitWritesPerMinute != c.escrituras || cfg.CookieSegura() != c.segura {
				t.Fatalf("escrituras = %d, cookie segura = %v; want %d, %v",
					cfg.RateLimitWritesPerMinute, cfg.CookieSegura(), c.escrituras, c.segura)
			}
		})
	}
}

func TestTamanos(t *testing.T) {
	casos := map[string]int64{"1K": 1024, "512k": 512 << 10, "1M": 1 << 20, "2MB": 2 << 20, "1.5M": 3 << 19, "100": 100, "1G": 1 << 30}
	for s, want := range casos {
		if got, ok := parseTamano(s); !ok || got != want {
			t.Errorf("parseTamano(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "-1M", "M", "1X", "0"} {
		if _, ok := parseTamano(s); ok {
			t.Errorf("parseTamano(%q) aceptó un valor inválido", s)
		}
	}
}

// TestAutoaprobacion: PERMITIR_AUTOAPROBACION=true se lee (API.md §7.1).
func TestAutoaprobacion(t *testing.T) {
	limpio(t)
	t.Setenv("PERMITIR_AUTOAPROBACION", "true")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if !c.PermitirAutoaprobacion {
		t.Fatal("PERMITIR_AUTOAPROBACION=true no se aplicó")
	}
}
