package handlers

import (
	"errors"
	"net"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// registrarCalendario monta los feeds privados de calendario (API.md §7.3):
// crearlos y revocarlos con el token de acceso, y leerlos con el token del
// feed en la ruta (las aplicaciones de calendario no mandan Authorization).
func (a *API) registrarCalendario(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.POST("/auth/calendario", a.crearCalendario, auth)
	e.DELETE("/auth/calendario", a.revocarCalendario, auth)
	// El nombre del parámetro incluye «.ics» (Echo lo corta en «/»), así la
	// ruta se lee como en el documento: /calendario/{token}.ics.
	e.GET("/calendario/:token.ics", a.feedCalendario)
}

// calendarioDTO es la respuesta de POST /auth/calendario.
type calendarioDTO struct {
	URL string `json:"url"`
}

// crearCalendario es POST /auth/calendario: crea o reemplaza el feed del
// usuario y devuelve su URL, la única vez que se muestra.
func (a *API) crearCalendario(c echo.Context) error {
	token, err := a.store.CrearCalendario(c.Request().Context(), actorDe(c))
	if err != nil {
		return err
	}
	return responder(c, http.StatusCreated, "Calendario creado",
		calendarioDTO{URL: a.urlBase(c.Request()) + "/calendario/" + token + ".ics"})
}

// revocarCalendario es DELETE /auth/calendario; sin feed también es 200.
func (a *API) revocarCalendario(c echo.Context) error {
	habia, err := a.store.RevocarCalendario(c.Request().Context(), actorDe(c))
	if err != nil {
		return err
	}
	if !habia {
		return responder(c, http.StatusOK, "No había un calendario que revocar", nil)
	}
	return responder(c, http.StatusOK, "Calendario revocado", nil)
}

// feedCalendario es GET /calendario/{token}.ics. Un token desconocido o
// revocado es 404 en texto plano (lo lee una aplicación de calendario, no
// el frontend); los demás errores (503) siguen el camino de siempre.
func (a *API) feedCalendario(c echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	token, ok := strings.CutSuffix(c.Param("token.ics"), ".ics")
	if !ok {
		// Sin «.ics» no es la ruta del feed: el 404 de siempre.
		return echo.ErrNotFound
	}
	u, ss, err := a.store.FeedCalendario(c.Request().Context(), token)
	var me *models.Error
	if errors.As(err, &me) && me.Codigo == models.CodigoNoEncontrado {
		return calendarioNoEncontrado(c)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="transporte.ics"`)
	return c.Blob(http.StatusOK, "text/calendar; charset=utf-8", generarICS(u, ss, a.loc))
}

func calendarioNoEncontrado(c echo.Context) error {
	return c.Blob(http.StatusNotFound, "text/plain; charset=utf-8", []byte("Calendario no encontrado: la URL no existe o fue revocada.\n"))
}

// hostValido acepta un nombre de host o una IP (IPv6 entre corchetes), con
// puerto opcional: lo que puede ir en una URL sin romperla.
var hostValido = regexp.MustCompile(`^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?$`)

// urlBase es esquema://host de la petición, para armar URLs absolutas. Las
// cabeceras X-Forwarded-Proto y X-Forwarded-Host solo se creen si el par de
// la conexión está en TRUSTED_PROXIES (cualquier otro podría mandarlas);
// si no, cuentan TLS y Host.
func (a *API) urlBase(r *http.Request) string {
	esquema := "http"
	if r.TLS != nil {
		esquema = "https"
	}
	host := r.Host
	if a.desdeProxyConfiable(r) {
		if p := strings.ToLower(primerValor(r.Header.Get(echo.HeaderXForwardedProto))); p == "http" || p == "https" {
			esquema = p
		}
		if h := primerValor(r.Header.Get("X-Forwarded-Host")); hostValido.MatchString(h) {
			host = h
		}
	}
	return esquema + "://" + host
}

// desdeProxyConfiable dice si el par de la conexión está en TRUSTED_PROXIES.
func (a *API) desdeProxyConfiable(r *http.Request) bool {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		h = r.RemoteAddr
	}
	ip := net.ParseIP(h)
	if ip == nil {
		return false
	}
	for _, red := range a.proxies {
		if red.Contains(ip) {
			return true
		}
	}
	return false
}

// primerValor es el primer elemento de una cabecera con valores separados
// por comas (el que puso el proxy más cercano al cliente).
func primerValor(s string) string {
	v, _, _ := strings.Cut(s, ",")
	return strings.TrimSpace(v)
}
