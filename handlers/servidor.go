package handlers

import (
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	"solicitud-transporte/config"
	"solicitud-transporte/handlers/metricas"
	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
	"solicitud-transporte/models/eventos"
	"solicitud-transporte/models/store"
	"solicitud-transporte/models/webhooks"
)

// Deps son las dependencias del servidor, construidas en cmd/server (o en
// las pruebas).
type Deps struct {
	Config  *config.Config
	Store   *store.Store
	Auth    *models.Auth
	MFA     *models.MFA
	Log     *slog.Logger
	Now     func() time.Time
	Version string
	// Metricas, si no es nil, cuenta y mide cada petición (METRICS_ADDR).
	Metricas *metricas.Metricas
	// Cupo es el presupuesto por IP de /auth/* (en memoria o en la base:
	// lo elige la raíz de composición); nil lo lleva en memoria.
	Cupo middleware.Cupo
	// Webhooks registra webhooks y entrega sus eventos (§11.2).
	Webhooks *webhooks.Servicio
	// Eventos es la central que alimenta GET /eventos; LatidoEventos, cada
	// cuánto va un comentario por un flujo sin eventos (0: 15 s).
	Eventos       *eventos.Central
	LatidoEventos time.Duration
}

// API agrupa los manejadores y lo que necesitan.
type API struct {
	store   *store.Store
	auth    *models.Auth
	mfa     *models.MFA
	log     *slog.Logger
	loc     *time.Location
	version string
	now     func() time.Time
	// cookieSegura es el atributo Secure de la cookie st_refresh (§4.9).
	cookieSegura bool
	// proxies son las redes de TRUSTED_PROXIES (urlBase).
	proxies []*net.IPNet
	// webhooks es el servicio de §11.2.
	webhooks *webhooks.Servicio
	// eventos y latidoEventos: ver Deps.
	eventos       *eventos.Central
	latidoEventos time.Duration
}

// NewServer arma el servidor Echo completo: middleware, rutas y el manejador
// central de errores.
func NewServer(d Deps) *echo.Echo {
	if d.Now == nil {
		d.Now = time.Now
	}
	a := &API{store: d.Store, auth: d.Auth, mfa: d.MFA, log: d.Log, loc: d.Config.Ubicacion, version: d.Version, now: d.Now,
		cookieSegura: d.Config.CookieSegura(), proxies: redesConfiables(d.Config.TrustedProxies),
		eventos: d.Eventos, latidoEventos: d.LatidoEventos, webhooks: d.Webhooks}
	if a.latidoEventos <= 0 {
		a.latidoEventos = 15 * time.Second
	}
	if a.loc == nil {
		a.loc = time.UTC
	}

	if d.Cupo == nil {
		d.Cupo = middleware.NewLimitador(d.Config.RateLimitAuthPerMinute, d.Now)
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = manejarError(d.Log, d.Config.BodyLimit)
	e.IPExtractor = extractorIP(d.Config.TrustedProxies)

	e.Pre(headComoGet(), aliasColecciones("/solicitud", "/usuarios", "/vehiculos", "/auditoria", "/webhooks"))
	// Orden: HEAD enrutado como GET (Pre) y devuelto a HEAD → id de petición → métricas (si están activas; fuera del
	// registro, así miden el estado ya enviado) → registro (que entrega los
	// errores al manejador central) → recuperación de panics (dentro del registro, así un panic
	// también queda registrado como 500) → cabeceras de seguridad y CORS →
	// /auth/* (no-store y límite de tasa) → límite de cuerpo → formato
	// (query legible, una sola Authorization). El límite de cuerpo y el
	// formato van al final para que también un 413 o un 400 lleven las
	// cabeceras de /auth/* y de CORS, y cuenten para el límite de tasa.
	e.Use(restaurarHEAD(), middleware.RequestID())
	if d.Metricas != nil {
		e.Use(d.Metricas.Medir())
	}
	e.Use(middleware.Registro(d.Log), middleware.Recuperar())
	e.Use(echomw.SecureWithConfig(echomw.SecureConfig{ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", ReferrerPolicy: "no-referrer"}))
	if len(d.Config.CORSAllowedOrigins) > 0 {
		e.Use(echomw.CORSWithConfig(echomw.CORSConfig{
			AllowOrigins: d.Config.CORSAllowedOrigins,
			AllowMethods: []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions},
			// Last-Event-ID: un frontend de otro origen reconecta GET /eventos
			// con fetch (EventSource no envía Authorization).
			AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, echo.HeaderXRequestID, cabeceraCSRF, "Last-Event-ID"},
			ExposeHeaders: []string{echo.HeaderXRequestID, "X-RateLimit-Limit", "X-RateLimit-Remaining", echo.HeaderRetryAfter},
			// Credenciales (la cookie st_refresh, §4.9) solo para orígenes
			// listados, a los que Echo responde con el origen mismo; nunca
			// con «*».
			AllowCredentials: !slices.Contains(d.Config.CORSAllowedOrigins, "*"),
		}))
	}
	e.Use(middleware.SinCache("/auth/"),
		middleware.LimitarPrefijo("/auth/", d.Cupo),
		limiteCuerpo(d.Config.BodyLimitBytes),
		middleware.Formato(),
		a.revisarSuscriptoresTras())

	auth := autenticarYLimitar(middleware.Autenticar(d.Auth), d.Config.RateLimitWritesPerMinute, d.Now)
	a.registrarSalud(e)
	a.registrarAuth(e, auth)
	a.registrarSolicitudes(e, auth)
	a.registrarVehiculos(e, auth)
	a.registrarUsuarios(e, auth)
	a.registrarAuditoria(e, auth)
	a.registrarReportes(e, auth)
	a.registrarMFA(e, auth)
	a.registrarAgenda(e, auth)
	a.registrarCalendario(e, auth)
	a.registrarWebhooks(e, auth)
	a.registrarEventos(e, auth)
	registrarDocs(e)
	return e
}

// autenticarYLimitar es el middleware de las rutas protegidas: autentica y,
// con el actor ya conocido, aplica el cupo de escrituras por usuario
// (RATE_LIMIT_WRITES_PER_MINUTE, en memoria por instancia; 0 lo apaga).
func autenticarYLimitar(autenticar echo.MiddlewareFunc, porMinuto int, now func() time.Time) echo.MiddlewareFunc {
	var cupo middleware.Cupo
	if porMinuto > 0 {
		cupo = middleware.NewLimitador(porMinuto, now)
	}
	limitar := middleware.LimitarEscrituras(cupo)
	return func(next echo.HandlerFunc) echo.HandlerFunc { return autenticar(limitar(next)) }
}

// extractorIP toma la IP del socket, salvo que el par esté en
// TRUSTED_PROXIES: entonces la de más a la derecha de X-Forwarded-For que no
// sea un proxy de confianza. Nunca se confía por defecto en redes privadas.
func extractorIP(proxies []string) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opciones := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, red := range redesConfiables(proxies) {
		opciones = append(opciones, echo.TrustIPRange(red))
	}
	return echo.ExtractIPFromXFFHeader(opciones...)
}

// redesConfiables lee TRUSTED_PROXIES: CIDRs, o IPs sueltas (/32, /128).
func redesConfiables(proxies []string) []*net.IPNet {
	var redes []*net.IPNet
	for _, p := range proxies {
		p = strings.TrimSpace(p)
		if !strings.Contains(p, "/") {
			if ip := net.ParseIP(p); ip != nil && ip.To4() != nil {
				p += "/32"
			} else {
				p += "/128"
			}
		}
		if _, red, err := net.ParseCIDR(p); err == nil {
			redes = append(redes, red)
		}
	}
	return redes
}

// aliasColecciones atiende /solicitud igual que /solicitud/ (sin redirigir),
// para los clientes que omiten la barra final.
func aliasColecciones(rutas ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			for _, ruta := range rutas {
				if r.URL.Path == ruta {
					r.URL.Path = ruta + "/"
					if r.URL.RawPath != "" {
						r.URL.RawPath = r.URL.Path
					}
					break
				}
			}
			return next(c)
		}
	}
}

// limiteCuerpo aplica BODY_LIMIT: rechaza por Content-Length y corta la
// lectura de cuerpos sin longitud; ambos terminan en 413.
func limiteCuerpo(limite int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > limite {
				return echo.ErrStatusRequestEntityTooLarge
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limite)
			return next(c)
		}
	}
}
