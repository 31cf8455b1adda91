// Package aplicacion es la raíz de composición: arma el servicio completo
// (store, tokens, servicios, router) desde una configuración, un reloj y un
// logger. cmd/server y las pruebas de tests/ lo usan por igual, así la
// traducción de la configuración a opciones de cada pieza se escribe una vez.
package aplicacion

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/config"
	"solicitud-transporte/handlers"
	"solicitud-transporte/handlers/metricas"
	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
	"solicitud-transporte/models/eventos"
	"solicitud-transporte/models/store"
	"solicitud-transporte/models/webhooks"
)

// Aplicacion es el servicio armado. Close libera la base.
type Aplicacion struct {
	Config *config.Config
	Store  *store.Store
	Auth   *models.Auth
	MFA    *models.MFA
	// Router atiende todas las rutas de la API.
	Router *echo.Echo
	// Metricas es el registro de Prometheus de esta instancia, o nil si
	// METRICS_ADDR está vacío. cmd/server lo sirve en METRICS_ADDR.
	Metricas *metricas.Metricas
	// Webhooks entrega los eventos a los webhooks (§11.2); su ciclo de
	// fondo corre hasta Close, salvo SinEntregaDeFondo.
	Webhooks *webhooks.Servicio
	// PasswordGenerada es la contraseña de API_USER generada en este
	// arranque, o vacía: el único secreto que el proceso muestra, una vez.
	PasswordGenerada string
	// Eventos es la central de eventos de esta instancia (GET /eventos);
	// Close la detiene.
	Eventos *eventos.Central

	log   *slog.Logger
	reloj func() time.Time
}

// AbrirStore abre la base descrita por cfg (y aplica las migraciones). Es
// lo único que necesita `server migrar`.
func AbrirStore(ctx context.Context, cfg *config.Config, reloj func() time.Time) (*store.Store, error) {
	return store.Open(ctx, store.OpcionesStore{
		Driver: cfg.DBDriver, DSN: cfg.DBDSN, CostoHash: cfg.PasswordHashCost, Now: reloj,
		Ubicacion: cfg.Ubicacion, Plazo: cfg.DBTimeout, MaxConexiones: cfg.DBMaxConns,
		Flujo: models.Flujo{PermitirAutoaprobacion: cfg.PermitirAutoaprobacion},
	})
}

// Opcion ajusta lo que Nueva arma más allá de la configuración.
type Opcion func(*opciones)

type opciones struct {
	cupoEnBase bool
	// sinFondo y plazoWebhooks: ver SinEntregaDeFondo y ConPlazoWebhooks.
	sinFondo      bool
	plazoWebhooks time.Duration
	eventos       OpcionesEventos
}

// SinEntregaDeFondo no arranca el ciclo de entrega de webhooks: la prueba
// lo mueve a mano con Webhooks.UnaPasada, al ritmo de su reloj.
func SinEntregaDeFondo() Opcion { return func(o *opciones) { o.sinFondo = true } }

// ConPlazoWebhooks cambia los 10 s que un intento de entrega espera al
// receptor (las pruebas de un receptor lento no esperan 10 s).
func ConPlazoWebhooks(d time.Duration) Opcion { return func(o *opciones) { o.plazoWebhooks = d } }

// OpcionesEventos son los plazos de GET /eventos; los ceros toman los de
// producción (sondeo 500 ms, revisión 1 s, latido 15 s, anillo de 4096
// eventos).
type OpcionesEventos struct {
	Sondeo, Revision, Latido time.Duration
	Anillo                   int
}

// ConEventos fija los plazos de la central de eventos y del latido. Es para
// las pruebas (un latido de 15 s alarga cada prueba que lo espera).
func ConEventos(e OpcionesEventos) Opcion { return func(o *opciones) { o.eventos = e } }

// ConCupoEnBase lleva el presupuesto por IP de /auth/* en la base también
// con SQLite, como con PostgreSQL. Es para las pruebas: con SQLite hay un
// solo proceso y el límite en memoria ahorra una escritura por petición.
func ConCupoEnBase() Opcion { return func(o *opciones) { o.cupoEnBase = true } }

// Nueva arma la aplicación: abre la base, crea los servicios, asegura la
// cuenta de administración (API_USER) y construye el router. reloj nil usa
// time.Now.
func Nueva(ctx context.Context, cfg *config.Config, reloj func() time.Time, log *slog.Logger, version string, opcs ...Opcion) (*Aplicacion, error) {
	if reloj == nil {
		reloj = time.Now
	}
	var o opciones
	for _, f := range opcs {
		f(&o)
	}
	st, err := AbrirStore(ctx, cfg, reloj)
	if err != nil {
		return nil, err
	}
	app, err := componer(ctx, cfg, st, reloj, log, version, o)
	if err != nil {
		st.Close()
		return nil, err
	}
	return app, nil
}

func componer(ctx context.Context, cfg *config.Config, st *store.Store, reloj func() time.Time, log *slog.Logger, version string, o opciones) (*Aplicacion, error) {
	var met *metricas.Metricas
	var observador models.Observador // nil (y no un *Metricas nil) sin métricas
	if cfg.MetricsAddr != "" {
		met = metricas.Nuevas()
		met.ObservarBase(st)
		observador = met
	}

	tokens, err := models.NewTokens(models.ConfigTokens{
		Secreto: []byte(cfg.JWTSecret), Algoritmo: cfg.JWTAlgorithm, Emisor: cfg.JWTIssuer, Audiencia: cfg.JWTAudience,
	}, reloj)
	if err != nil {
		return nil, err
	}
	auth, err := models.NewAuth(st, tokens, models.ConfigAuth{
		AccesoTTL: cfg.AccesoTTL(), RefreshTTL: cfg.RefreshTTL(), SesionMax: cfg.SesionMax(), Gracia: cfg.Gracia(),
		MaxFallos: cfg.LoginMaxFailed, Bloqueo: cfg.Bloqueo(), CostoHash: cfg.PasswordHashCost, Now: reloj,
		Observador: observador,
	})
	if err != nil {
		return nil, err
	}
	mfa, err := models.NewMFA(auth, st, models.ConfigMFA{
		Emisor: cfg.MFAIssuerName, Ventana: cfg.MFAValidWindow, Clave: config.ClaveMFA(cfg.MFAEncryptionKey),
	})
	if err != nil {
		return nil, err
	}
	generada, err := auth.AsegurarAdmin(ctx, cfg.APIUser, cfg.APIPassword, cfg.APIEmail)
	if err != nil {
		var me *models.Error
		if errors.As(err, &me) && len(me.Campos) > 0 {
			return nil, fmt.Errorf("configuración inválida: %s %s", me.Campos[0].Campo, me.Campos[0].Mensaje)
		}
		return nil, fmt.Errorf("no se pudo preparar la cuenta de administración: %w", err)
	}
	restaurada, err := auth.RestaurarAdminSiFalta(ctx, cfg.APIUser)
	if err != nil {
		return nil, fmt.Errorf("no se pudo comprobar que haya un administrador activo: %w", err)
	}
	if restaurada {
		log.Warn("no quedaba ningún administrador activo: API_USER vuelve a ser administrador activo", slog.String("usuario", cfg.APIUser))
	}
	wh, err := servicioWebhooks(cfg, st, reloj, log, version, met, o)
	if err != nil {
		return nil, err
	}
	central := eventos.New(st, eventos.Opciones{Sondeo: o.eventos.Sondeo, Revision: o.eventos.Revision, Anillo: o.eventos.Anillo,
		Now: reloj, Log: log})
	if met != nil {
		met.ObservarEventos(central)
	}
	router := handlers.NewServer(handlers.Deps{Config: cfg, Store: st, Auth: auth, MFA: mfa, Log: log, Now: reloj, Version: version,
		Metricas: met, Cupo: cupoAuth(cfg, st, reloj, o), Webhooks: wh, Eventos: central, LatidoEventos: o.eventos.Latido})
	// Un evento confirmado en esta instancia despierta al momento a la
	// central (GET /eventos) y a la entrega de webhooks; los de otras
	// instancias llegan por sus sondeos.
	despertar := central.Despertar
	if !o.sinFondo {
		despertar = func() { central.Despertar(); wh.Despertar() }
		wh.Arrancar()
	}
	st.AlPublicar(despertar)
	central.Start(ctx)
	return &Aplicacion{Config: cfg, Store: st, Auth: auth, MFA: mfa, Router: router, Metricas: met, Webhooks: wh,
		Eventos: central, PasswordGenerada: generada, log: log, reloj: reloj}, nil
}

// servicioWebhooks arma la entrega de webhooks: los secretos se sellan con
// MFA_ENCRYPTION_KEY, como los TOTP.
func servicioWebhooks(cfg *config.Config, st *store.Store, reloj func() time.Time, log *slog.Logger, version string,
	met *metricas.Metricas, o opciones) (*webhooks.Servicio, error) {
	cifrado, err := models.NuevoCifradoWebhooks(config.ClaveMFA(cfg.MFAEncryptionKey))
	if err != nil {
		return nil, err
	}
	var obs webhooks.Observador // nil (y no un *Metricas nil) sin métricas
	if met != nil {
		met.ObservarWebhooks(st)
		obs = met
	}
	return webhooks.New(webhooks.Opciones{
		Almacen: st, Cifrado: cifrado, Now: reloj, Ubicacion: cfg.Ubicacion, PermitirRedPrivada: cfg.WebhookPermitirRedPrivada,
		Plazo: o.plazoWebhooks, Observador: obs, Log: log, UserAgent: "solicitud-transporte-webhooks/" + version,
	}), nil
}

// cupoAuth elige dónde vive el presupuesto por IP de /auth/* (API.md §4.8):
// con PostgreSQL, en la base, uno por cliente para todas las instancias
// (§10); con SQLite, en memoria (un solo proceso, y sin una escritura por
// petición en el escritor único), salvo ConCupoEnBase.
func cupoAuth(cfg *config.Config, st *store.Store, reloj func() time.Time, o opciones) middleware.Cupo {
	if cfg.DBDriver == "postgres" || o.cupoEnBase {
		return store.NewCupoTasa(st, cfg.RateLimitAuthPerMinute)
	}
	return middleware.NewLimitador(cfg.RateLimitAuthPerMinute, reloj)
}

// Mantener borra cada intervalo la lista negra y las sesiones vencidas, los
// eventos más viejos que EVENTOS_RETENCION_DIAS y el registro de entregas
// de webhooks de más de 30 días, y pone al día las estadísticas de la base,
// hasta que ctx termine.
func (a *Aplicacion) Mantener(ctx context.Context, intervalo time.Duration) {
	t := time.NewTicker(intervalo)
	defer t.Stop()
	for {
		if n, err := a.Auth.Purgar(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("purga fallida", slog.String("error", err.Error()))
		} else if n > 0 {
			a.log.Info("purga", slog.Int64("filas", n))
		}
		if n, err := a.Store.PurgarEventos(ctx, a.reloj().Add(-a.Config.RetencionEventos())); err != nil && ctx.Err() == nil {
			a.log.Warn("purga de eventos fallida", slog.String("error", err.Error()))
		} else if n > 0 {
			a.log.Info("purga de eventos", slog.Int64("filas", n))
		}
		if n, err := a.Store.PurgarEntregasWebhook(ctx, a.reloj().Add(-RetencionEntregas)); err != nil && ctx.Err() == nil {
			a.log.Warn("purga de entregas de webhooks fallida", slog.String("error", err.Error()))
		} else if n > 0 {
			a.log.Info("purga de entregas de webhooks", slog.Int64("filas", n))
		}
		if err := a.Store.Optimizar(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("optimización fallida", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RetencionEntregas es cuánto se guarda el registro de intentos de los
// webhooks.
const RetencionEntregas = 30 * 24 * time.Hour

// Close detiene la central de eventos (y cierra sus flujos) y la entrega de
// webhooks (esperando los intentos en curso, como mucho su plazo), y luego
// cierra la base: ninguna de las dos la usa ya.
func (a *Aplicacion) Close() error {
	a.Eventos.Stop()
	a.Webhooks.Detener()
	return a.Store.Close()
}
