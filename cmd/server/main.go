// Command server arranca la API de solicitudes de transporte.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"solicitud-transporte/config"
	"solicitud-transporte/handlers"
	"solicitud-transporte/models"
	"solicitud-transporte/models/store"
)

// version la fija el build (-ldflags "-X main.version=…").
var version = "0.1.0-dev"

func main() {
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

	st, err := store.Open(ctx, store.OpcionesStore{Driver: cfg.DBDriver, DSN: cfg.DBDSN, CostoHash: cfg.PasswordHashCost, Ubicacion: cfg.Ubicacion, Plazo: cfg.DBTimeout})
	if err != nil {
		return err
	}
	defer st.Close()
	if migrar {
		fmt.Fprintf(salida, "esquema en la versión %d\n", st.Esquema())
		return nil
	}

	tokens, err := models.NewTokens(models.ConfigTokens{
		Secreto: []byte(cfg.JWTSecret), Algoritmo: cfg.JWTAlgorithm, Emisor: cfg.JWTIssuer, Audiencia: cfg.JWTAudience,
	}, time.Now)
	if err != nil {
		return err
	}
	auth, err := models.NewAuth(st, tokens, models.ConfigAuth{
		AccesoTTL: cfg.AccesoTTL(), RefreshTTL: cfg.RefreshTTL(), SesionMax: cfg.SesionMax(), Gracia: cfg.Gracia(),
		MaxFallos: cfg.LoginMaxFailed, Bloqueo: cfg.Bloqueo(), CostoHash: cfg.PasswordHashCost, Now: time.Now,
	})
	if err != nil {
		return err
	}

	mfa, err := models.NewMFA(auth, st, models.ConfigMFA{
		Emisor: cfg.MFAIssuerName, Ventana: cfg.MFAValidWindow, Clave: config.ClaveMFA(cfg.MFAEncryptionKey),
	})
	if err != nil {
		return err
	}

	generada, err := auth.AsegurarAdmin(ctx, cfg.APIUser, cfg.APIPassword, cfg.APIEmail)
	if err != nil {
		var me *models.Error
		if errors.As(err, &me) && len(me.Campos) > 0 {
			return fmt.Errorf("configuración inválida: %s %s", me.Campos[0].Campo, me.Campos[0].Mensaje)
		}
		return fmt.Errorf("no se pudo preparar la cuenta de administración: %w", err)
	}
	if generada != "" {
		// El único secreto que se imprime jamás, y solo esta vez.
		fmt.Fprintf(salida, "\nCuenta de administración creada: usuario %q, contraseña %q\nGuárdela ahora: no se volverá a mostrar. Defina API_PASSWORD para fijarla.\n\n", cfg.APIUser, generada)
	}

	e := handlers.NewServer(handlers.Deps{Config: cfg, Store: st, Auth: auth, MFA: mfa, Log: log, Version: version})
	srv := &http.Server{
		Addr:              ":" + strconv.Itoa(cfg.Port),
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}

	purgaCtx, pararPurga := context.WithCancel(ctx)
	defer pararPurga()
	go mantener(purgaCtx, st, auth, log)

	errc := make(chan error, 1)
	go func() {
		log.Info("servidor escuchando", slog.Int("puerto", cfg.Port), slog.String("entorno", cfg.AppEnv), slog.String("version", version), slog.Int64("esquema", st.Esquema()))
		errc <- srv.ListenAndServe()
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("no se pudo escuchar en el puerto %d: %w", cfg.Port, err)
		}
	case <-ctx.Done():
		log.Info("apagando: se terminan las peticiones en curso")
		apagado, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := srv.Shutdown(apagado); err != nil {
			return fmt.Errorf("apagado incompleto: %w", err)
		}
	}
	log.Info("servidor detenido")
	return nil
}

// mantener borra cada 10 minutos la lista negra y las sesiones vencidas y
// pone al día las estadísticas de la base.
func mantener(ctx context.Context, st *store.Store, auth *models.Auth, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if n, err := auth.Purgar(ctx); err != nil && ctx.Err() == nil {
			log.Warn("purga fallida", slog.String("error", err.Error()))
		} else if n > 0 {
			log.Info("purga", slog.Int64("filas", n))
		}
		if err := st.Optimizar(ctx); err != nil && ctx.Err() == nil {
			log.Warn("optimización fallida", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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
