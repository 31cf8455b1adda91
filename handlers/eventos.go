package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
	"solicitud-transporte/models/eventos"
)

// plazoEscritura es lo que puede tardar en salir cada escritura del flujo:
// un cliente que deja de leer no retiene la goroutine para siempre.
const plazoEscritura = 30 * time.Second

func (a *API) registrarEventos(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.GET("/eventos", a.flujoEventos, auth)
}

// avisoDTO es el data de los mensajes reinicio, token_expirado y
// sesion_revocada.
type avisoDTO struct {
	Mensaje string `json:"mensaje"`
}

// flujoEventos atiende GET /eventos (API.md §11.1): Server-Sent Events con
// los eventos que el usuario puede ver en el momento de cada entrega.
// Last-Event-ID repite lo perdido; mal formado es 400 SOLICITUD_MAL_FORMADA,
// en el sobre, antes de empezar el flujo.
func (a *API) flujoEventos(c echo.Context) error {
	desde, err := ultimoEventoID(c.Request().Header.Values("Last-Event-ID"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: no acumular el flujo
	if c.Request().Method == http.MethodHead {
		return c.NoContent(http.StatusOK)
	}

	ctx := c.Request().Context()
	sub, inicio, err := a.eventos.Suscribir(ctx, *actorDe(c), desde)
	if err != nil {
		return err
	}
	defer sub.Cancelar()

	// El WriteTimeout del http.Server (60 s en cmd/server) cortaría el
	// flujo: cada escritura pone su propio plazo (enviar).
	rc := http.NewResponseController(c.Response())
	f := &escritorSSE{c: c, rc: rc, loc: a.loc}
	c.Response().WriteHeader(http.StatusOK)
	if inicio.Reinicio {
		f.mensaje(strconv.FormatUint(inicio.Ultimo, 10), "reinicio",
			avisoDTO{"Los eventos posteriores al último recibido ya no están disponibles: vuelva a cargar sus listas."})
	}
	if err := f.enviar(); err != nil {
		return nil // el cliente se fue
	}

	latido := time.NewTicker(a.latidoEventos)
	defer latido.Stop()
	for {
		aviso := sub.Aviso()
		evs, mas, err := sub.Pendientes(ctx)
		if err != nil {
			// La base no responde: se termina el flujo y el cliente vuelve
			// con Last-Event-ID, sin perder nada.
			return nil
		}
		for i := range evs {
			f.evento(&evs[i])
		}
		if err := f.enviar(); err != nil {
			return nil
		}
		if mas {
			continue
		}
		select {
		case <-aviso:
		case <-latido.C:
			f.b.WriteString(": latido\n\n")
			if err := f.enviar(); err != nil {
				return nil
			}
		case <-sub.Terminada():
			switch sub.Motivo() {
			case eventos.FinTokenExpirado:
				f.mensaje("", "token_expirado", avisoDTO{"El token de acceso expiró. Vuelva a conectarse con un token nuevo y Last-Event-ID."})
			case eventos.FinRevocada:
				f.mensaje("", "sesion_revocada", avisoDTO{"La sesión fue revocada o la cuenta desactivada. Inicie sesión nuevamente."})
			}
			_ = f.enviar()
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// ultimoEventoID lee Last-Event-ID: ausente o vacío es «desde ahora»; si
// no, un entero decimal canónico (sin signo ni ceros a la izquierda).
func ultimoEventoID(valores []string) (*uint64, error) {
	if len(valores) == 0 || (len(valores) == 1 && valores[0] == "") {
		return nil, nil
	}
	malo := models.Errorf(models.CodigoSolicitudMalFormada, "La cabecera Last-Event-ID debe ser un único id de evento (un entero no negativo).")
	if len(valores) > 1 {
		return nil, malo
	}
	v := valores[0]
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != v {
		return nil, malo
	}
	return &n, nil
}

// escritorSSE acumula mensajes en b y los envía juntos, con un plazo por
// escritura y un Flush.
type escritorSSE struct {
	c   echo.Context
	rc  *http.ResponseController
	loc *time.Location
	b   bytes.Buffer
}

func (f *escritorSSE) evento(e *models.Evento) {
	f.mensaje(strconv.FormatUint(e.ID, 10), string(e.Tipo), models.AEventoJSON(e, f.loc))
}

// mensaje añade un mensaje SSE; id vacío no lleva línea id. data es JSON de
// una línea (encoding/json no emite saltos de línea).
func (f *escritorSSE) mensaje(id, tipo string, data any) {
	j, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("evento sin JSON: %v", err)) // DTOs propios: no pasa
	}
	if id != "" {
		fmt.Fprintf(&f.b, "id: %s\n", id)
	}
	fmt.Fprintf(&f.b, "event: %s\ndata: %s\n\n", tipo, j)
}

// enviar escribe lo acumulado (si hay algo) y lo empuja al cliente.
func (f *escritorSSE) enviar() error {
	_ = f.rc.SetWriteDeadline(time.Now().Add(plazoEscritura))
	if f.b.Len() > 0 {
		_, err := f.c.Response().Write(f.b.Bytes())
		f.b.Reset()
		if err != nil {
			return err
		}
	}
	return f.rc.Flush()
}

// revisarSuscriptoresTras pide a la central que relea ya el estado de sus
// suscriptores tras cada escritura con éxito en /auth/ o /usuarios/ (logout,
// revocación de sesiones, cambio de rol, desactivación, contraseña): el flujo
// de una sesión revocada en esta instancia se cierra enseguida, sin esperar
// a la revisión periódica (que es la que cubre a las demás instancias).
func (a *API) revisarSuscriptoresTras() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			err := next(c)
			r := c.Request()
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return err
			}
			if err == nil && c.Response().Status < 400 && a.eventos != nil &&
				(strings.HasPrefix(r.URL.Path, "/auth/") || strings.HasPrefix(r.URL.Path, "/usuarios/")) {
				a.eventos.Revisar()
			}
			return err
		}
	}
}
