package middleware

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Cupo es el presupuesto de peticiones por clave (la IP del cliente) de
// RATE_LIMIT_AUTH_PER_MINUTE (models.LimiteTasa). Hay dos: Limitador, en la
// memoria de esta instancia (SQLite: un solo proceso, y sin una escritura
// por petición en su escritor único), y el de la base (store.CupoTasa), uno
// para todas las instancias que la comparten (PostgreSQL). La raíz de
// composición elige.
type Cupo interface {
	// Tomar gasta una petición del presupuesto de clave. Un error es que el
	// presupuesto no se pudo consultar (la base no respondió): ni pasa ni se
	// niega.
	Tomar(ctx context.Context, clave string) (models.DecisionTasa, error)
}

// Limitador es el Cupo en memoria: guarda por clave el tat de
// models.LimiteTasa. Con varias instancias cada una limita por su cuenta.
type Limitador struct {
	mu       sync.Mutex
	limite   models.LimiteTasa
	tat      map[string]int64
	now      func() time.Time
	limpieza time.Time
}

// NewLimitador crea un limitador de porMinuto peticiones por minuto.
func NewLimitador(porMinuto int, now func() time.Time) *Limitador {
	if now == nil {
		now = time.Now
	}
	return &Limitador{limite: models.NuevoLimiteTasa(porMinuto), tat: map[string]int64{}, now: now, limpieza: now()}
}

// Tomar gasta una ficha de clave; nunca falla.
func (l *Limitador) Tomar(_ context.Context, clave string) (models.DecisionTasa, error) {
	ahora := l.now()
	v := l.limite.En(ahora)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limpiar(ahora)
	previo := l.tat[clave]
	tat := v.Paso(previo)
	l.tat[clave] = tat
	return l.limite.Decidir(v, previo, tat), nil
}

// limpiar olvida, como mucho una vez por minuto, las claves cuyo cubo ya
// está lleno: recordarlas no cambia nada y así el mapa no crece sin fin.
func (l *Limitador) limpiar(ahora time.Time) {
	if ahora.Sub(l.limpieza) < time.Minute {
		return
	}
	l.limpieza = ahora
	n := ahora.UnixNano()
	for k, tat := range l.tat {
		if tat <= n {
			delete(l.tat, k)
		}
	}
}

// LimitarPrefijo aplica el cupo por IP del cliente a las rutas que empiezan
// con prefijo, con X-RateLimit-Limit y X-RateLimit-Remaining en cada
// respuesta y DEMASIADAS_SOLICITUDES (con los segundos de espera) al pasarse.
//
// Si el cupo no se puede consultar (la base compartida no responde), la
// petición es 503 SERVICIO_NO_DISPONIBLE sin cabeceras X-RateLimit-*: no se
// deja pasar sin límite (todo /auth/* necesita la base de todos modos, así
// que abrir la puerta no ganaría nada) ni se inventa una cuenta. El error
// lleva la causa, y el manejador central registra los 5xx.
func LimitarPrefijo(prefijo string, c Cupo) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(ctx echo.Context) error {
			// Las preflight CORS las manda el navegador solo: no gastan cupo.
			if !strings.HasPrefix(ctx.Request().URL.Path, prefijo) || ctx.Request().Method == http.MethodOptions {
				return next(ctx)
			}
			d, err := c.Tomar(ctx.Request().Context(), claveCliente(ctx.RealIP()))
			if err != nil {
				if models.CodigoDe(err) == models.CodigoServicioNoDisponible {
					return err
				}
				return &models.Error{Codigo: models.CodigoServicioNoDisponible,
					Detalle: "No se pudo comprobar el límite de peticiones. Intente de nuevo en unos segundos.", Err: err}
			}
			if err := aplicarDecision(ctx, d, "peticiones por minuto"); err != nil {
				return err
			}
			return next(ctx)
		}
	}
}

// aplicarDecision pone X-RateLimit-Limit y X-RateLimit-Remaining y, si la
// petición no pasa, devuelve DEMASIADAS_SOLICITUDES con los segundos de
// espera (Retry-After). unidad nombra lo que se cuenta en el detalle.
func aplicarDecision(ctx echo.Context, d models.DecisionTasa, unidad string) error {
	limite := strconv.Itoa(d.Limite)
	h := ctx.Response().Header()
	h.Set("X-RateLimit-Limit", limite)
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.Restantes))
	if d.Permitida {
		return nil
	}
	seg := d.ReintentarEn()
	return &models.Error{
		Codigo:       models.CodigoDemasiadasSolicitudes,
		Detalle:      "Se superó el límite de " + limite + " " + unidad + ". Intente de nuevo en " + strconv.Itoa(seg) + " segundo(s).",
		ReintentarEn: seg,
	}
}

// claveCliente agrupa las direcciones IPv6 por su /64: un cliente suele
// tener el prefijo entero y podría rotar direcciones dentro de él.
func claveCliente(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// SinCache pone Cache-Control: no-store en las respuestas bajo prefijo, que
// llevan tokens y datos de sesión.
func SinCache(prefijo string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if strings.HasPrefix(c.Request().URL.Path, prefijo) {
				c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
				c.Response().Header().Set("Pragma", "no-cache")
			}
			return next(c)
		}
	}
}
