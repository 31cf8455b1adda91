package middleware

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Limitador es un cubo de fichas por clave (la IP del cliente): capacidad
// porMinuto, que se rellena a porMinuto fichas por minuto. Vive en memoria de
// esta instancia; con varias instancias cada una limita por su cuenta.
type Limitador struct {
	mu        sync.Mutex
	capacidad float64
	ritmo     float64 // fichas por segundo
	cubos     map[string]*cubo
	now       func() time.Time
	limpieza  time.Time
}

type cubo struct {
	fichas float64
	ultimo time.Time
}

// NewLimitador crea un limitador de porMinuto peticiones por minuto.
func NewLimitador(porMinuto int, now func() time.Time) *Limitador {
	if now == nil {
		now = time.Now
	}
	return &Limitador{
		capacidad: float64(porMinuto), ritmo: float64(porMinuto) / 60,
		cubos: map[string]*cubo{}, now: now, limpieza: now(),
	}
}

// Tomar gasta una ficha de clave. Devuelve si pasa, cuántas quedan y, si no
// pasa, cuánto falta para que pase una.
func (l *Limitador) Tomar(clave string) (ok bool, restantes int, espera time.Duration) {
	ahora := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limpiar(ahora)
	c := l.cubos[clave]
	if c == nil {
		c = &cubo{fichas: l.capacidad, ultimo: ahora}
		l.cubos[clave] = c
	}
	if d := ahora.Sub(c.ultimo); d > 0 {
		c.fichas = math.Min(l.capacidad, c.fichas+d.Seconds()*l.ritmo)
		c.ultimo = ahora
	}
	if c.fichas >= 1 {
		c.fichas--
		return true, int(c.fichas), 0
	}
	falta := (1 - c.fichas) / l.ritmo
	return false, 0, time.Duration(falta * float64(time.Second))
}

// limpiar olvida, como mucho una vez por minuto, los cubos que ya estarían
// llenos: recordarlos no cambia nada y así el mapa no crece sin fin.
func (l *Limitador) limpiar(ahora time.Time) {
	if ahora.Sub(l.limpieza) < time.Minute {
		return
	}
	l.limpieza = ahora
	lleno := time.Duration(l.capacidad / l.ritmo * float64(time.Second))
	for k, c := range l.cubos {
		if ahora.Sub(c.ultimo) >= lleno {
			delete(l.cubos, k)
		}
	}
}

// LimitarPrefijo aplica el limitador por IP del cliente a las rutas que
// empiezan con prefijo, con X-RateLimit-Limit y X-RateLimit-Remaining en cada
// respuesta y DEMASIADAS_SOLICITUDES (con los segundos de espera) al pasarse.
func LimitarPrefijo(prefijo string, l *Limitador) echo.MiddlewareFunc {
	limite := strconv.Itoa(int(l.capacidad))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// Las preflight CORS las manda el navegador solo: no gastan cupo.
			if !strings.HasPrefix(c.Request().URL.Path, prefijo) || c.Request().Method == http.MethodOptions {
				return next(c)
			}
			ok, restantes, espera := l.Tomar(c.RealIP())
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
