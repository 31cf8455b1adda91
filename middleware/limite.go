package middleware

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Limitador limita por clave (la IP del cliente) a porMinuto peticiones por
// minuto con ráfagas de hasta porMinuto: un cubo de fichas llevado como GCRA,
// es decir, guardando por clave solo el instante teórico en que el cubo
// vuelve a estar lleno (aritmética entera, sin errores de redondeo). Vive en
// memoria de esta instancia; con varias instancias cada una limita por su
// cuenta.
type Limitador struct {
	mu        sync.Mutex
	capacidad int
	intervalo time.Duration // lo que tarda en volver una ficha
	lleno     map[string]time.Time
	now       func() time.Time
	limpieza  time.Time
}

// NewLimitador crea un limitador de porMinuto peticiones por minuto.
func NewLimitador(porMinuto int, now func() time.Time) *Limitador {
	if now == nil {
		now = time.Now
	}
	return &Limitador{
		capacidad: porMinuto, intervalo: time.Minute / time.Duration(porMinuto),
		lleno: map[string]time.Time{}, now: now, limpieza: now(),
	}
}

// Tomar gasta una ficha de clave. Devuelve si pasa, cuántas quedan y, si no
// pasa, cuánto falta para que pase una.
func (l *Limitador) Tomar(clave string) (ok bool, restantes int, espera time.Duration) {
	ahora := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limpiar(ahora)
	lleno := l.lleno[clave]
	if lleno.Before(ahora) {
		lleno = ahora
	}
	nuevo := lleno.Add(l.intervalo)
	tope := ahora.Add(time.Duration(l.capacidad) * l.intervalo)
	if nuevo.After(tope) {
		return false, 0, nuevo.Sub(tope)
	}
	l.lleno[clave] = nuevo
	return true, int(tope.Sub(nuevo) / l.intervalo), 0
}

// limpiar olvida, como mucho una vez por minuto, las claves cuyo cubo ya
// está lleno: recordarlas no cambia nada y así el mapa no crece sin fin.
func (l *Limitador) limpiar(ahora time.Time) {
	if ahora.Sub(l.limpieza) < time.Minute {
		return
	}
	l.limpieza = ahora
	for k, t := range l.lleno {
		if !t.After(ahora) {
			delete(l.lleno, k)
		}
	}
}

// LimitarPrefijo aplica el limitador por IP del cliente a las rutas que
// empiezan con prefijo, con X-RateLimit-Limit y X-RateLimit-Remaining en cada
// respuesta y DEMASIADAS_SOLICITUDES (con los segundos de espera) al pasarse.
func LimitarPrefijo(prefijo string, l *Limitador) echo.MiddlewareFunc {
	limite := strconv.Itoa(l.capacidad)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// Las preflight CORS las manda el navegador solo: no gastan cupo.
			if !strings.HasPrefix(c.Request().URL.Path, prefijo) || c.Request().Method == http.MethodOptions {
				return next(c)
			}
			ok, restantes, espera := l.Tomar(claveCliente(c.RealIP()))
			h := c.Response().Header()
			h.Set("X-RateLimit-Limit", limite)
			h.Set("X-RateLimit-Remaining", strconv.Itoa(restantes))
			if !ok {
				seg := int(math.Ceil(espera.Seconds()))
				if seg < 1 {
					seg = 1
				}
				return &models.Error{
					Codigo:       models.CodigoDemasiadasSolicitudes,
					Detalle:      "Se superó el límite de " + limite + " peticiones por minuto. Intente de nuevo en " + strconv.Itoa(seg) + " segundo(s).",
					ReintentarEn: seg,
				}
			}
			return next(c)
		}
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
