// Command server arranca la API de solicitudes de transporte.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"solicitud-transporte/cmd/server/aplicacion"
	"solicitud-transporte/config"
)

// version la fija el build (-ldflags "-X main.version=…").
var version = "0.1.0-dev"

// gcPorDefecto es el GOGC del servidor si el operador no fija GOGC ni
// GOMEMLIMIT (ver ajustarGC).
const gcPorDefecto = 400

// ajustarGC sube GOGC a gcPorDefecto salvo que el entorno diga otra cosa.
//
// Por qué (issue 13): el montón vivo del servidor es de pocos MB y cada
// petición asigna decenas de KB que mueren con ella; con GOGC=100 el
// recolector arranca cada ~4 MB asignados, 30–60 veces por segundo bajo
// carga, y se llevaba el 5–9 % del CPU (más la barrera de escritura
// mientras marca). Con 400 corre unas cuatro veces menos a cambio de un
// montón de hasta ~5× el vivo: decenas de MB. Quien quiera otro equilibrio
// fija GOGC o GOMEMLIMIT y este valor no se aplica.
func ajustarGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(gcPorDefecto)
	}
}

func main() {
	ajustarGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run arranca el servidor y lo apaga en orden cuando ctx termina. La
// contraseña de administración generada (si la hay) se escribe en salida.
//
// Con args ["migrar"] solo aplica las migraciones pendientes, escribe en
// salida la versión de esquema alcanzada y termina: es el paso de los
// pipelines de despliegue. Sin argumentos, el servidor también las aplica al
// arrancar (en store.Open).
func run(ctx context.Context, args []string, salida io.Writer) error {
	migrar := false
	switch {
	case len(args) == 0:
	case len(args) == 1 && args[0] == "migrar":
		migrar = true
	default:
		return fmt.Errorf("argumentos no reconocidos: %s; use «migrar» para aplicar las migraciones, o ninguno para arrancar el servidor", strings.Join(args, " "))
	}
	cfg, err := config.Load()
	if err != nil {
		return err
	}
	log := nuevoLog(cfg)
	for _, aviso := range cfg.Avisos {
		log.Warn(aviso)
	}

	if migrar {
		st, err := aplicacion.AbrirStore(ctx, cfg, time.Now)
		if err != nil {
			return err
		}
		defer st.Close()
		fmt.Fprintf(salida, "esquema en la versión %d\n", st.Esquema())
		return nil
	}
	app, err := aplicacion.Nueva(ctx, cfg, time.Now, log, version)
	if err != nil {
		return err
	}
	defer app.Close()
	if app.PasswordGenerada != "" {
		// El único secreto que se imprime jamás, y solo esta vez.
		fmt.Fprintf(salida, "\nCuenta de administración creada: usuario %q, contraseña %q\nGuárdela ahora: no se volverá a mostrar. Defina API_PASSWORD para fijarla.\n\n", cfg.APIUser, app.PasswordGenerada)
	}

	srv := &http.Server{
		Addr:              net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		Handler:           app.Router,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}

	// Los flujos de GET /eventos no terminan solos: al empezar el apagado la
	// central los cierra (los clientes vuelven con Last-Event-ID a otra
	// instancia), así Shutdown no espera su plazo entero por ellos.
	srv.RegisterOnShutdown(app.Eventos.Stop)

	servidores := []*http.Server{srv}
	if app.Metricas != nil {
		// Un oyente propio: las métricas nunca se sirven en el puerto de la API.
		servidores = append(servidores, &http.Server{
			Addr:              cfg.MetricsAddr,
			Handler:           app.Metricas.Servir(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       120 * time.Second,
		})
	}

	// El mantenimiento termina antes de que app.Close cierre la base (los
	// defer corren al revés): se cancela y se espera su vuelta.
	purgaCtx, pararPurga := context.WithCancel(ctx)
	mantenido := make(chan struct{})
	go func() {
		defer close(mantenido)
		app.Mantener(purgaCtx, 10*time.Minute)
	}()
	defer func() {
		pararPurga()
		<-mantenido
	}()

	errc := make(chan error, len(servidores))
	log.Info("servidor escuchando", slog.String("entorno", cfg.AppEnv), slog.String("version", version), slog.String("direccion", srv.Addr), slog.Int64("esquema", app.Store.Esquema()))
	if app.Metricas != nil {
		log.Info("métricas escuchando", slog.String("direccion", cfg.MetricsAddr+"/metrics"))
	}
	for _, s := range servidores {
		go func() {
			if err := s.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("no se pudo escuchar en %s: %w", s.Addr, err)
			}
		}()
	}
	// Si un oyente falla (la dirección está ocupada), se apagan los demás y
	// el arranque falla: pedir métricas y no tenerlas no pasa en silencio.
	var fallo error
	select {
	case fallo = <-errc:
	case <-ctx.Done():
		log.Info("apagando: se terminan las peticiones en curso")
	}
	apagado, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, s := range servidores {
		if err := s.Shutdown(apagado); err != nil && fallo == nil {
			fallo = fmt.Errorf("apagado incompleto: %w", err)
		}
	}
	if fallo != nil {
		return fallo
	}
	log.Info("servidor detenido")
	return nil
}

func nuevoLog(cfg *config.Config) *slog.Logger {
	var nivel slog.Level
	_ = nivel.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: nivel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
