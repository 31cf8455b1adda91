package tests

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"solicitud-transporte/cmd/server/aplicacion"
	"solicitud-transporte/config"
)

// varHijo lleva a un proceso hijo de las pruebas la configuración del
// servidor que debe ser (JSON de config.Config). Con ella, TestMain no corre
// pruebas: sirve la API como cmd/server, hasta que lo maten.
const varHijo = "SOLICITUD_TRANSPORTE_PRUEBA_HIJO"

func TestMain(m *testing.M) {
	if cfg := os.Getenv(varHijo); cfg != "" {
		os.Exit(servirHijo(cfg))
	}
	os.Exit(m.Run())
}

// servirHijo es el proceso servidor de las pruebas que lo matan con
// SIGKILL: la raíz de composición de cmd/server con el reloj real, un
// oyente en un puerto libre de loopback que anuncia por la salida estándar.
func servirHijo(cfgJSON string) int {
	var cfg config.Config
	if err := json.Unmarshal([]byte(cfgJSON), &cfg); err != nil {
		fmt.Fprintln(os.Stderr, "config del hijo:", err)
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, "config del hijo:", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := aplicacion.Nueva(context.Background(), &cfg, nil, log, "hijo")
	if err != nil {
		fmt.Fprintln(os.Stderr, "armar la aplicación:", err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("ESCUCHA %s\n", ln.Addr())
	err = http.Serve(ln, app.Router)
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// hijo es un servidor de la API en otro proceso (ver servirHijo).
type hijo struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
}

// arrancarHijo lanza el binario de esta prueba como servidor con cfg y
// espera a que escuche (las migraciones incluidas).
func arrancarHijo(t *testing.T, cfg *config.Config) *hijo {
	t.Helper()
	copia := *cfg
	copia.Ubicacion = nil
	b, err := json.Marshal(copia)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), varHijo+"="+string(b))
	cmd.Stderr = os.Stderr
	salida, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &hijo{t: t, cmd: cmd}
	t.Cleanup(h.matar)
	lista := make(chan string, 1)
	go func() {
		lector := bufio.NewScanner(salida)
		for lector.Scan() {
			if dir, ok := strings.CutPrefix(lector.Text(), "ESCUCHA "); ok {
				lista <- dir
			}
		}
	}()
	select {
	case dir := <-lista:
		h.base = "http://" + dir
	case <-time.After(2 * time.Minute):
		t.Fatal("el servidor hijo no empezó a escuchar")
	}
	return h
}

// matar termina el proceso con SIGKILL: sin apagado ordenado, como un corte
// de luz o el OOM killer.
func (h *hijo) matar() {
	if h.cmd.ProcessState != nil {
		return
	}
	_ = h.cmd.Process.Signal(syscall.SIGKILL)
	_ = h.cmd.Wait()
}
