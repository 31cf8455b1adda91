package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// registrarAuditoria monta GET /auditoria (solo admin; /auditoria/ es alias).
func (a *API) registrarAuditoria(e *echo.Echo, auth echo.MiddlewareFunc) {
	e.GET("/auditoria/", a.listarAuditoria, auth, middleware.RequiereRol(models.RolAdmin))
}

// auditoriaDTO es una entrada del registro, con la forma de §6.
type auditoriaDTO struct {
	ID        uint                   `json:"id"`
	Evento    models.EventoAuditoria `json:"evento"`
	Fecha     string                 `json:"fecha"`
	Usuario   *referenciaDTO         `json:"usuario"`
	Actor     *referenciaDTO         `json:"actor"`
	IP        string                 `json:"ip"`
	UserAgent string                 `json:"userAgent"`
	RequestID string                 `json:"requestId"`
	Detalle   string                 `json:"detalle"`
}

func aReferencia(r *models.Referencia) *referenciaDTO {
	if r == nil {
		return nil
	}
	return &referenciaDTO{ID: r.ID, Username: r.Username}
}

func (a *API) aAuditoriaDTO(x *models.EntradaAuditoria) auditoriaDTO {
	return auditoriaDTO{ID: x.ID, Evento: x.Evento, Fecha: fecha(x.Fecha, a.loc), Usuario: aReferencia(x.Usuario),
		Actor: aReferencia(x.Actor), IP: x.IP, UserAgent: x.UserAgent, RequestID: x.RequestID, Detalle: x.Detalle}
}

// listarAuditoria es GET /auditoria: el más reciente primero, filtrable por
// usuarioId, evento, desde y hasta.
func (a *API) listarAuditoria(c echo.Context) error {
	f, err := parseFiltroAuditoria(c.QueryParams(), a.loc)
	if err != nil {
		return err
	}
	r, err := a.store.ListarAuditoria(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Registro de auditoría", aPaginaDTO(r, a.aAuditoriaDTO))
}
