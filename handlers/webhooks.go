package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// registrarWebhooks monta §11.2: todo solo para admin.
func (a *API) registrarWebhooks(e *echo.Echo, auth echo.MiddlewareFunc) {
	g := e.Group("/webhooks")
	admin := middleware.RequiereRol(models.RolAdmin)
	g.POST("/", a.crearWebhook, auth, admin)
	g.GET("/", a.listarWebhooks, auth, admin)
	g.GET("/:id", a.verWebhook, auth, admin)
	g.PATCH("/:id", a.editarWebhook, auth, admin)
	g.DELETE("/:id", a.borrarWebhook, auth, admin)
	g.GET("/:id/entregas", a.entregasWebhook, auth, admin)
	g.POST("/:id/probar", a.probarWebhook, auth, admin)
}

// webhookDTO es la forma de un webhook; el secreto nunca va aquí.
type webhookDTO struct {
	ID            uint     `json:"id"`
	URL           string   `json:"url"`
	Eventos       []string `json:"eventos"`
	Descripcion   string   `json:"descripcion"`
	Activo        bool     `json:"activo"`
	CreadoEn      string   `json:"creadoEn"`
	ActualizadoEn string   `json:"actualizadoEn"`
}

// webhookCreadoDTO es la respuesta de POST: la única con el secreto.
type webhookCreadoDTO struct {
	webhookDTO
	Secreto string `json:"secreto"`
}

func (a *API) aWebhookDTO(w *models.Webhook) webhookDTO {
	ev := make([]string, len(w.Eventos))
	for i, t := range w.Eventos {
		ev[i] = string(t)
	}
	return webhookDTO{ID: w.ID, URL: w.URL, Eventos: ev, Descripcion: w.Descripcion, Activo: w.Activo,
		CreadoEn: fecha(w.CreadoEn, a.loc), ActualizadoEn: fecha(w.ActualizadoEn, a.loc)}
}

// entregaDTO es un intento del registro de un webhook.
type entregaDTO struct {
	EventoID   *uint64 `json:"eventoId"`
	Intento    int     `json:"intento"`
	EstadoHTTP *int    `json:"estadoHttp"`
	DuracionMs int64   `json:"duracionMs"`
	Error      *string `json:"error"`
	Fecha      string  `json:"fecha"`
	Resultado  string  `json:"resultado"`
}

func (a *API) aEntregaDTO(e *models.EntregaWebhook) entregaDTO {
	return entregaDTO{EventoID: e.EventoID, Intento: e.Intento, EstadoHTTP: e.EstadoHTTP, DuracionMs: e.DuracionMs,
		Error: e.Error, Fecha: fecha(e.Fecha, a.loc), Resultado: string(e.Resultado)}
}

// datosWebhookDTO es el cuerpo de POST.
type datosWebhookDTO struct {
	URL         *string   `json:"url"`
	Eventos     *[]string `json:"eventos"`
	Descripcion *string   `json:"descripcion"`
	Activo      *bool     `json:"activo"`
}

// crearWebhook es POST /webhooks/.
func (a *API) crearWebhook(c echo.Context) error {
	var in datosWebhookDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	w, secreto, err := a.webhooks.Crear(c.Request().Context(), models.DatosWebhook{
		URL: in.URL, Eventos: in.Eventos, Descripcion: in.Descripcion, Activo: in.Activo})
	if err != nil {
		return err
	}
	return responder(c, http.StatusCreated, "Webhook creado exitosamente; guarde el secreto: no se volverá a mostrar",
		webhookCreadoDTO{webhookDTO: a.aWebhookDTO(w), Secreto: secreto})
}

// listarWebhooks es GET /webhooks/.
func (a *API) listarWebhooks(c echo.Context) error {
	q := nuevaConsulta(c.QueryParams(), a.loc)
	p := q.pagina()
	if err := q.v.Err(); err != nil {
		return err
	}
	r, err := a.store.ListarWebhooks(c.Request().Context(), p)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Webhooks obtenidos", aPaginaDTO(r, a.aWebhookDTO))
}

// verWebhook es GET /webhooks/{id}.
func (a *API) verWebhook(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	w, err := a.store.Webhook(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Webhook obtenido", a.aWebhookDTO(w))
}

// cambioWebhookDTO es el cuerpo de PATCH: lo ausente no cambia; null borra
// descripcion y es VALIDACION en los demás.
type cambioWebhookDTO struct {
	URL         opcional[string]   `json:"url"`
	Eventos     opcional[[]string] `json:"eventos"`
	Descripcion opcional[string]   `json:"descripcion"`
	Activo      opcional[bool]     `json:"activo"`
}

// editarWebhook es PATCH /webhooks/{id}.
func (a *API) editarWebhook(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	var in cambioWebhookDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	var d models.DatosWebhook
	d.URL = valorPatch(in.URL, "url", &d.Nulos)
	d.Eventos = valorPatch(in.Eventos, "eventos", &d.Nulos)
	d.Descripcion = valorPatch(in.Descripcion, "descripcion", &d.Nulos)
	d.Activo = valorPatch(in.Activo, "activo", &d.Nulos)
	w, err := a.webhooks.Editar(c.Request().Context(), id, d)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Webhook actualizado", a.aWebhookDTO(w))
}

// borrarWebhook es DELETE /webhooks/{id}: 200 con datos null, como los
// demás DELETE de la API; sus envíos pendientes se descartan.
func (a *API) borrarWebhook(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	if err := a.store.BorrarWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Webhook eliminado", nil)
}

// entregasWebhook es GET /webhooks/{id}/entregas: paginado, el intento más
// reciente primero.
func (a *API) entregasWebhook(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	q := nuevaConsulta(c.QueryParams(), a.loc)
	p := q.pagina()
	if err := q.v.Err(); err != nil {
		return err
	}
	r, err := a.store.EntregasWebhook(c.Request().Context(), id, p)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Entregas obtenidas", aPaginaDTO(r, a.aEntregaDTO))
}

// probarWebhook es POST /webhooks/{id}/probar: envía un ping y espera la
// respuesta del receptor (como mucho el plazo de una entrega, 10 s), así
// quien configura el webhook ve el resultado enseguida. 200 con el intento
// también si el receptor falló: la prueba se hizo.
func (a *API) probarWebhook(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	e, err := a.webhooks.Probar(c.Request().Context(), id)
	if err != nil {
		return err
	}
	msg := "Ping entregado"
	if e.Resultado != models.ResultadoEntregada {
		msg = "El ping no se pudo entregar"
	}
	return responder(c, http.StatusOK, msg, a.aEntregaDTO(e))
}
