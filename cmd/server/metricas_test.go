package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// entornoArranque deja el entorno de un arranque de desarrollo en una
// carpeta temporal, con la API en 127.0.0.1:puerto.
func entornoArranque(t *testing.T, puerto int) {
	t.Helper()
	t.Chdir(t.TempDir())
	for _, k := range []string{"APP_ENV", "DB_DSN", "JWT_SECRET", "API_USER", "CORS_ALLOWED_ORIGINS"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("HOST", "127.0.0.1")
	t.Setenv("PORT", strconv.Itoa(puerto))
	t.Setenv("LOG_LEVEL", "error")
	t.Setenv("PASSWORD_HASH_COST", "10")
	t.Setenv("API_PASSWORD", "clave-de-admin-de-prueba")
}

// TestArranqueConMetricas: con METRICS_ADDR, run sirve /metrics en esa
// dirección (con las peticiones a la API ya contadas por plantilla de ruta)
// y no en el puerto de la API; al cancelar, apaga los dos servidores.
func TestArranqueConMetricas(t *testing.T) {
	puerto, puertoMetricas := puertoLibre(t), puertoLibre(t)
	entornoArranque(t, puerto)
	t.Setenv("METRICS_ADDR", "127.0.0.1:"+strconv.Itoa(puertoMetricas))

	ctx, cancelar := context.WithCancel(context.Background())
	defer cancelar()
	fin := make(chan error, 1)
	go func() { fin <- run(ctx, nil, &salidaSegura{}) }()

	api := "http://127.0.0.1:" + strconv.Itoa(puerto)
	listo := false
	for range 100 {
		if r, err := http.Get(api + "/salud"); err == nil {
			r.Body.Close()
			listo = r.StatusCode == 200
			break
		}
		time.Sleep(100 * time.Millisecond) // espera real a un servidor real, no una aserción de tiempo
	}
	if !listo {
		t.Fatal("el servidor no respondió")
	}
	if r, err := http.Get(api + "/metrics"); err != nil || r.StatusCode != 404 {
		t.Fatalf("GET /metrics en el puerto de la API = %v %v, want 404", r, err)
	} else {
		r.Body.Close()
	}

	// El servidor de métricas arranca a la vez que el de la API: se le
	// espera igual.
	var cuerpo string
	for range 100 {
		r, err := http.Get("http://127.0.0.1:" + strconv.Itoa(puertoMetricas) + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if r.StatusCode != 200 {
				t.Fatalf("GET /metrics = %d", r.StatusCode)
			}
			cuerpo = string(b)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{
		`solicitud_transporte_http_peticiones_total{estado="200",metodo="GET",ruta="/salud"} 1`,
		`solicitud_transporte_http_peticiones_total{estado="404",metodo="GET",ruta="desconocida"} 1`,
		`solicitud_transporte_db_conexiones_maximas{pool="escritura"} 1`,
		`solicitud_transporte_login_bloqueos_total 0`,
		"go_goroutines", "process_resident_memory_bytes",
	} {
		if !strings.Contains(cuerpo, want) {
			t.Errorf("/metrics no tiene %s", want)
		}
	}

	cancelar()
	select {
	case err := <-fin:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run no se apagó")
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(puertoMetricas), time.Second); err == nil {
		c.Close()
		t.Fatal("el servidor de métricas sigue escuchando tras el apagado")
	}
}

// TestMetricasDireccionOcupada: si METRICS_ADDR no se puede escuchar, el
// arranque falla nombrando la dirección (y la API no queda sirviendo).
func TestMetricasDireccionOcupada(t *testing.T) {
	ocupada, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ocupada.Close()
	entornoArranque(t, puertoLibre(t))
	t.Setenv("METRICS_ADDR", ocupada.Addr().String())

	fin := make(chan error, 1)
	go func() { fin <- run(context.Background(), nil, &salidaSegura{}) }()
	select {
	case err := <-fin:
		if err == nil || !strings.Contains(err.Error(), ocupada.Addr().String()) {
			t.Fatalf("run = %v, want un error que nombre %s", err, ocupada.Addr())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run siguió con la dirección de métricas ocupada")
	}
}
