package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	go func() { fin <- run(ctx, salida) }()

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
	}
	json.NewDecoder(r.Body).Decode(&sobre)
	r.Body.Close()
	if r.StatusCode != 200 || !sobre.Exito {
		t.Fatalf("login con la contraseña impresa: %d", r.StatusCode)
	}
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
	err := run(context.Background(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "JWT_ACCESS_TOKEN_EXP_UNIT") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("run = %v, want una línea que nombre JWT_ACCESS_TOKEN_EXP_UNIT", err)
	}
}
