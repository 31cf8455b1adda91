package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"solicitud-transporte/models/store/migraciones"
	"solicitud-transporte/models/store/storetest"
)

// salidaSegura es un buffer que run escribe mientras la prueba lo lee.
type salidaSegura struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *salidaSegura) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *salidaSegura) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func puertoLibre(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestArranqueEnMaquinaNueva: sin configuración, run crea la base y el
// secreto en data/, imprime una sola vez la contraseña generada del admin,
// atiende un login con ella y se apaga en orden al cancelar el contexto.
func TestArranqueEnMaquinaNueva(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, k := range []string{"APP_ENV", "DB_DSN", "JWT_SECRET", "API_USER", "API_PASSWORD", "CORS_ALLOWED_ORIGINS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	puerto := puertoLibre(t)
	t.Setenv("PORT", strconv.Itoa(puerto))
	t.Setenv("LOG_LEVEL", "error")
	t.Setenv("PASSWORD_HASH_COST", "10") // el mínimo de desarrollo: la prueba no mide bcrypt

	ctx, cancelar := context.WithCancel(context.Background())
	defer cancelar()
	salida := &salidaSegura{}
	fin := make(chan error, 1)
	go func() { fin <- run(ctx, nil, salida) }()

	base := "http://127.0.0.1:" + strconv.Itoa(puerto)
	listo := false
	for range 100 {
		if r, err := http.Get(base + "/salud"); err == nil {
			r.Body.Close()
			listo = r.StatusCode == 200
			break
		}
		time.Sleep(100 * time.Millisecond) // espera real a un servidor real, no una aserción de tiempo
	}
	if !listo {
		t.Fatalf("el servidor no respondió; salida: %s", salida)
	}
	m := regexp.MustCompile(`contraseña "([^"]+)"`).FindStringSubmatch(salida.String())
	if m == nil {
		t.Fatalf("no se imprimió la contraseña generada: %q", salida)
	}
	cuerpo := `{"username":"api_user","password":` + strconv.Quote(m[1]) + `}`
	r, err := http.Post(base+"/auth/login", "application/json", strings.NewReader(cuerpo))
	if err != nil {
		t.Fatal(err)
	}
	var sobre struct {
		Exito bool `json:"exito"`
		Datos struct {
			AccessToken string `json:"accessToken"`
		} `json:"datos"`
	}
	json.NewDecoder(r.Body).Decode(&sobre)
	r.Body.Close()
	if r.StatusCode != 200 || !sobre.Exito {
		t.Fatalf("login con la contraseña impresa: %d", r.StatusCode)
	}
	// Un flujo de GET /eventos abierto no retiene el apagado: la central lo
	// cierra al empezar Shutdown.
	req, _ := http.NewRequest("GET", base+"/eventos", nil)
	req.Header.Set("Authorization", "Bearer "+sobre.Datos.AccessToken)
	flujo, err := http.DefaultClient.Do(req)
	if err != nil || flujo.StatusCode != 200 {
		t.Fatalf("GET /eventos: %v %v", err, flujo)
	}
	defer flujo.Body.Close()
	for _, f := range []string{"solicitud_transporte.db", "jwt_secret"} {
		if _, err := os.Stat(filepath.Join(dir, "data", f)); err != nil {
			t.Errorf("falta data/%s: %v", f, err)
		}
	}

	cancelar()
	select {
	case err := <-fin:
		if err != nil {
			t.Fatalf("run terminó con error: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run no se apagó")
	}
	if n := strings.Count(salida.String(), m[1]); n != 1 {
		t.Fatalf("la contraseña aparece %d veces en la salida", n)
	}
}

// TestConfiguracionInvalidaDetieneElArranque: un valor malo es un error de
// una línea y el servidor no arranca.
func TestConfiguracionInvalidaDetieneElArranque(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("JWT_ACCESS_TOKEN_EXP_UNIT", "semanas")
	err := run(context.Background(), nil, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "JWT_ACCESS_TOKEN_EXP_UNIT") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("run = %v, want una línea que nombre JWT_ACCESS_TOKEN_EXP_UNIT", err)
	}
}

// TestMigrar: «server migrar» aplica las migraciones, dice en una línea la
// versión alcanzada y termina sin arrancar el servidor; otra vez, lo mismo.
// Una base que no reconoce es un error en español y la deja como estaba.
func TestMigrar(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, k := range []string{"APP_ENV", "JWT_SECRET", "API_USER", "API_PASSWORD"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("LOG_LEVEL", "error")
	t.Setenv("PASSWORD_HASH_COST", "10")
	t.Setenv("DB_DSN", filepath.Join(dir, "migrar.db"))

	ultima, err := migraciones.Ultima(migraciones.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("esquema en la versión %d\n", ultima)
	for i := range 2 {
		var salida bytes.Buffer
		if err := run(context.Background(), []string{"migrar"}, &salida); err != nil {
			t.Fatalf("migrar (vez %d): %v", i+1, err)
		}
		if salida.String() != want {
			t.Fatalf("migrar (vez %d) escribió %q, want %q", i+1, salida.String(), want)
		}
	}

	// Una base ajena: tiene una tabla usuarios pero no el esquema anterior.
	ajena := filepath.Join(dir, "ajena.db")
	db, err := sql.Open("sqlite3", ajena)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE usuarios (id integer PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	t.Setenv("DB_DSN", ajena)
	var salida bytes.Buffer
	err = run(context.Background(), []string{"migrar"}, &salida)
	if err == nil || !strings.Contains(err.Error(), "faltan") || salida.Len() != 0 {
		t.Fatalf("migrar sobre una base ajena = %v (salida %q), want un error que diga qué falta", err, salida.String())
	}

	if err := run(context.Background(), []string{"migrate"}, &salida); err == nil || !strings.Contains(err.Error(), "migrar") {
		t.Fatalf("argumento desconocido = %v, want un error que sugiera «migrar»", err)
	}
}

// TestHostEscuchaSoloEnEsaDireccion: con HOST=127.0.0.1 el servidor responde
// en 127.0.0.1 y no en otra dirección local (aquí, la loopback de IPv6).
func TestHostEscuchaSoloEnEsaDireccion(t *testing.T) {
	sonda, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("esta máquina no tiene loopback IPv6 con la que comparar")
	}
	sonda.Close()
	t.Chdir(t.TempDir())
	for _, k := range []string{"APP_ENV", "DB_DSN", "JWT_SECRET", "API_USER", "CORS_ALLOWED_ORIGINS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	puerto := puertoLibre(t)
	t.Setenv("HOST", "127.0.0.1")
	t.Setenv("PORT", strconv.Itoa(puerto))
	t.Setenv("LOG_LEVEL", "error")
	t.Setenv("PASSWORD_HASH_COST", "10")
	t.Setenv("API_PASSWORD", "clave-de-admin-de-prueba")
	ctx, cancelar := context.WithCancel(context.Background())
	fin := make(chan error, 1)
	go func() { fin <- run(ctx, nil, &salidaSegura{}) }()
	defer func() {
		cancelar()
		if err := <-fin; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	listo := false
	for range 100 {
		if r, err := http.Get("http://127.0.0.1:" + strconv.Itoa(puerto) + "/salud"); err == nil {
			r.Body.Close()
			listo = r.StatusCode == 200
			break
		}
		time.Sleep(100 * time.Millisecond) // espera real a un servidor real, no una aserción de tiempo
	}
	if !listo {
		t.Fatal("el servidor no respondió en 127.0.0.1")
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("::1", strconv.Itoa(puerto)), time.Second); err == nil {
		c.Close()
		t.Fatal("con HOST=127.0.0.1 el servidor también acepta conexiones en [::1]")
	}
}

// TestMigrarPostgres es TestMigrar sobre PostgreSQL (con TEST_DATABASE_URL):
// migrar aplica las migraciones de postgres/ a un esquema vacío y dice la
// versión, dos veces igual. Una base que no contesta es un error que no
// muestra la contraseña del DSN.
func TestMigrarPostgres(t *testing.T) {
	dsn := storetest.EsquemaPostgres(t)
	t.Chdir(t.TempDir())
	for _, k := range []string{"APP_ENV", "API_USER", "API_PASSWORD"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("LOG_LEVEL", "error")
	t.Setenv("DB_DRIVER", "postgres")
	t.Setenv("DB_DSN", dsn)
	t.Setenv("JWT_SECRET", "secreto-de-pruebas-de-al-menos-32-caracteres")

	ultima, err := migraciones.Ultima(migraciones.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("esquema en la versión %d\n", ultima)
	for i := range 2 {
		var salida bytes.Buffer
		if err := run(context.Background(), []string{"migrar"}, &salida); err != nil {
			t.Fatalf("migrar (vez %d): %v", i+1, err)
		}
		if salida.String() != want {
			t.Fatalf("migrar (vez %d) escribió %q, want %q", i+1, salida.String(), want)
		}
	}

	const clave = "clave-que-no-debe-verse"
	t.Setenv("DB_DSN", fmt.Sprintf("postgres://nadie:%s@127.0.0.1:%d/x?sslmode=disable", clave, puertoLibre(t)))
	t.Setenv("DB_TIMEOUT", "1s")
	var salida bytes.Buffer
	err = run(context.Background(), []string{"migrar"}, &salida)
	if err == nil || strings.Contains(err.Error(), clave) {
		t.Fatalf("migrar sin base = %v, want un error sin la contraseña", err)
	}
}
