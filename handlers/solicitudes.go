package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// registrarSolicitudes monta §7. Toda ruta vale para todo rol autenticado:
// la visibilidad y la tabla de transiciones de models deciden el resto.
func (a *API) registrarSolicitudes(e *echo.Echo, auth echo.MiddlewareFunc) {
	g := e.Group("/solicitud")
	g.GET("/", a.listarSolicitudes, auth)
	g.POST("/", a.crearSolicitud, auth)
	// Antes de /:id, para que «exportar» nunca se lea como un id.
	g.GET("/exportar", a.exportarSolicitudes, auth)
	g.GET("/:id", a.verSolicitud, auth)
	g.PATCH("/:id", a.editarSolicitud, auth)
	g.GET("/:id/historial", a.historialSolicitud, auth)
	for _, ac := range models.Acciones {
		g.POST("/:id/"+string(ac), a.accionSolicitud(ac), auth)
	}
}

// solicitudDTO es la forma de §7; los campos opcionales salen como null.
type solicitudDTO struct {
	ID                uint           `json:"id"`
	Codigo            string         `json:"codigo"`
	Estado            models.Estado  `json:"estado"`
	Origen            string         `json:"origen"`
	Destino           string         `json:"destino"`
	FechaSalida       string         `json:"fechaSalida"`
	FechaRegreso      *string        `json:"fechaRegreso"`
	Motivo            string         `json:"motivo"`
	Pasajeros         int            `json:"pasajeros"`
	Observaciones     *string        `json:"observaciones"`
	Solicitante       referenciaDTO  `json:"solicitante"`
	Vehiculo          *vehiculoDTO   `json:"vehiculo"`
	Motorista         *referenciaDTO `json:"motorista"`
	MotivoRechazo     *string        `json:"motivoRechazo"`
	MotivoCancelacion *string        `json:"motivoCancelacion"`
	Viaje             *viajeDTO      `json:"viaje"`
	Version           int            `json:"version"`
	CreadoEn          string         `json:"creadoEn"`
	ActualizadoEn     string         `json:"actualizadoEn"`
}

func (a *API) aSolicitudDTO(s *models.Solicitud) solicitudDTO {
	d := solicitudDTO{
		ID: s.ID, Codigo: s.Codigo, Estado: s.Estado, Origen: s.Origen, Destino: s.Destino,
		FechaSalida: fecha(s.FechaSalida, a.loc), FechaRegreso: fechaPtr(s.FechaRegreso, a.loc),
		Motivo: s.Motivo, Pasajeros: s.Pasajeros,
		Solicitante:   referenciaDTO{ID: s.SolicitanteID, Username: s.Solicitante.Username},
		MotivoRechazo: s.MotivoRechazo, MotivoCancelacion: s.MotivoCancelacion, Version: s.Version,
		CreadoEn: fecha(s.CreadoEn, a.loc), ActualizadoEn: fecha(s.ActualizadoEn, a.loc),
	}
	if s.Observaciones != "" {
		d.Observaciones = &s.Observaciones
	}
	if s.Vehiculo != nil {
		v := aVehiculoDTO(s.Vehiculo)
		d.Vehiculo = &v
	}
	if s.Motorista != nil {
		d.Motorista = &referenciaDTO{ID: s.Motorista.ID, Username: s.Motorista.Username}
	}
	if v := s.Viaje; v.Registrado() {
		d.Viaje = &viajeDTO{InicioReal: fechaPtr(v.InicioReal, a.loc), FinReal: fechaPtr(v.FinReal, a.loc),
			KmInicial: v.KmInicial, KmFinal: v.KmFinal, KmRecorridos: v.KmRecorridos(),
			CombustibleLitros: v.CombustibleLitros, Observaciones: v.Observaciones}
	}
	return d
}

// viajeDTO es la bitácora de §7.2; lo desconocido sale como null.
type viajeDTO struct {
	InicioReal        *string  `json:"inicioReal"`
	FinReal           *string  `json:"finReal"`
	KmInicial         *int     `json:"kmInicial"`
	KmFinal           *int     `json:"kmFinal"`
	KmRecorridos      *int     `json:"kmRecorridos"`
	CombustibleLitros *float64 `json:"combustibleLitros"`
	Observaciones     *string  `json:"observaciones"`
}

// nuevaSolicitudDTO es el cuerpo de creación. No tiene estado, solicitante
// ni vehículo: lo que el cliente mande con esos nombres se ignora.
type nuevaSolicitudDTO struct {
	Origen        string  `json:"origen"`
	Destino       string  `json:"destino"`
	FechaSalida   string  `json:"fechaSalida"`
	FechaRegreso  *string `json:"fechaRegreso"`
	Motivo        string  `json:"motivo"`
	Pasajeros     *int    `json:"pasajeros"`
	Observaciones *string `json:"observaciones"`
}

// crearSolicitud es POST /solicitud/.
func (a *API) crearSolicitud(c echo.Context) error {
	var in nuevaSolicitudDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	s, err := a.store.CrearSolicitud(c.Request().Context(), actorDe(c), in.aModelo())
	if err != nil {
		return err
	}
	return responder(c, http.StatusCreated, "Solicitud creada exitosamente", a.aSolicitudDTO(s))
}

// aModelo convierte el cuerpo en los datos tipados de models: una fecha
// vacía o null no vino; una ilegible va en Ilegibles.
func (in nuevaSolicitudDTO) aModelo() models.NuevaSolicitud {
	n := models.NuevaSolicitud{Origen: in.Origen, Destino: in.Destino, Motivo: in.Motivo,
		Pasajeros: in.Pasajeros, Observaciones: in.Observaciones}
	n.FechaSalida = fechaCuerpo("fechaSalida", in.FechaSalida, &n.Ilegibles)
	if in.FechaRegreso != nil {
		n.FechaRegreso = fechaCuerpo("fechaRegreso", *in.FechaRegreso, &n.Ilegibles)
	}
	return n
}

// fechaCuerpo convierte una fecha del cuerpo (RFC 3339 con zona): "" es nil;
// una ilegible también, y queda anotada en ilegibles con su mensaje para que
// models la informe en su lugar, junto con el resto de la validación.
func fechaCuerpo(campo, s string, ilegibles *[]models.ErrorCampo) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		*ilegibles = append(*ilegibles, models.ErrorCampo{Campo: campo, Mensaje: "debe ser una fecha RFC 3339 con zona horaria"})
		return nil
	}
	return &t
}

// listarSolicitudes es GET /solicitud/ con filtros, orden y paginación.
func (a *API) listarSolicitudes(c echo.Context) error {
	f, err := parseFiltroSolicitudes(c.QueryParams(), a.loc)
	if err != nil {
		return err
	}
	r, err := a.store.ListarSolicitudes(c.Request().Context(), actorDe(c), f)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Solicitudes obtenidas", aPaginaDTO(r, a.aSolicitudDTO))
}

// verSolicitud es GET /solicitud/{id}.
func (a *API) verSolicitud(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	s, err := a.store.Solicitud(c.Request().Context(), actorDe(c), id)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Solicitud obtenida", a.aSolicitudDTO(s))
}

// edicionSolicitudDTO es el cuerpo de PATCH: un campo ausente no cambia;
// null borra uno opcional (fechaRegreso, observaciones) y es VALIDACION en
// uno obligatorio (lo decide models); fechaRegreso "" también la borra.
type edicionSolicitudDTO struct {
	Origen        opcional[string] `json:"origen"`
	Destino       opcional[string] `json:"destino"`
	FechaSalida   opcional[string] `json:"fechaSalida"`
	FechaRegreso  opcional[string] `json:"fechaRegreso"`
	Motivo        opcional[string] `json:"motivo"`
	Pasajeros     opcional[int]    `json:"pasajeros"`
	Observaciones opcional[string] `json:"observaciones"`
	Version       opcional[int]    `json:"version"`
}

// aModelo convierte el cuerpo en la edición tipada de models: los null van
// en Nulos, las fechas vacías se marcan con Vaciar… y las ilegibles van en
// Ilegibles.
func (in edicionSolicitudDTO) aModelo() models.EdicionSolicitud {
	var e models.EdicionSolicitud
	e.Origen = valorPatch(in.Origen, "origen", &e.Nulos)
	e.Destino = valorPatch(in.Destino, "destino", &e.Nulos)
	e.Motivo = valorPatch(in.Motivo, "motivo", &e.Nulos)
	e.Pasajeros = valorPatch(in.Pasajeros, "pasajeros", &e.Nulos)
	e.Observaciones = valorPatch(in.Observaciones, "observaciones", &e.Nulos)
	// version null es como ausente: models la exige
	e.Version = in.Version.Valor
	if s := valorPatch(in.FechaSalida, "fechaSalida", &e.Nulos); s != nil {
		e.FechaSalida = fechaCuerpo("fechaSalida", *s, &e.Ilegibles)
		e.VaciarFechaSalida = *s == ""
	}
	if s := valorPatch(in.FechaRegreso, "fechaRegreso", &e.Nulos); s != nil {
		e.FechaRegreso = fechaCuerpo("fechaRegreso", *s, &e.Ilegibles)
		e.VaciarFechaRegreso = *s == ""
	}
	return e
}

// editarSolicitud es PATCH /solicitud/{id}.
func (a *API) editarSolicitud(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	var in edicionSolicitudDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	s, err := a.store.EditarSolicitud(c.Request().Context(), actorDe(c), id, in.aModelo())
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Solicitud actualizada", a.aSolicitudDTO(s))
}

// accionDTO es el cuerpo de las acciones: motivo (rechazar, cancelar,
// reasignar), vehiculoId y motoristaId (asignar, reasignar), kmInicial
// (iniciar), kmFinal, combustibleLitros y observaciones (finalizar).
type accionDTO struct {
	Motivo            string   `json:"motivo"`
	VehiculoID        *uint    `json:"vehiculoId"`
	MotoristaID       *uint    `json:"motoristaId"`
	KmInicial         *int     `json:"kmInicial"`
	KmFinal           *int     `json:"kmFinal"`
	CombustibleLitros *float64 `json:"combustibleLitros"`
	Observaciones     *string  `json:"observaciones"`
}

// mensajesAccion es el mensaje de éxito de cada acción.
var mensajesAccion = map[models.Accion]string{
	models.AccionAprobar:   "Solicitud aprobada",
	models.AccionRechazar:  "Solicitud rechazada",
	models.AccionAsignar:   "Solicitud asignada",
	models.AccionReasignar: "Solicitud reasignada",
	models.AccionIniciar:   "Viaje iniciado",
	models.AccionFinalizar: "Viaje finalizado",
	models.AccionCancelar:  "Solicitud cancelada",
}

// accionSolicitud es POST /solicitud/{id}/{accion}: quién puede y desde qué
// estado lo decide models.Transicion, no este manejador.
func (a *API) accionSolicitud(ac models.Accion) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idDe(c)
		if err != nil {
			return err
		}
		var in accionDTO
		if err := leerJSON(c, &in); err != nil {
			return err
		}
		s, err := a.store.AplicarAccion(c.Request().Context(), actorDe(c), id, ac, models.DatosAccion(in))
		if err != nil {
			return err
		}
		return responder(c, http.StatusOK, mensajesAccion[ac], a.aSolicitudDTO(s))
	}
}

// historialDTO es una entrada de GET /solicitud/{id}/historial.
type historialDTO struct {
	EstadoAnterior *models.Estado `json:"estadoAnterior"`
	EstadoNuevo    models.Estado  `json:"estadoNuevo"`
	Usuario        referenciaDTO  `json:"usuario"`
	Comentario     *string        `json:"comentario"`
	Fecha          string         `json:"fecha"`
}

// historialSolicitud es GET /solicitud/{id}/historial, el más antiguo primero.
func (a *API) historialSolicitud(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	h, err := a.store.HistorialSolicitud(c.Request().Context(), actorDe(c), id)
	if err != nil {
		return err
	}
	out := make([]historialDTO, len(h))
	for i, x := range h {
		out[i] = historialDTO{EstadoAnterior: x.EstadoAnterior, EstadoNuevo: x.EstadoNuevo,
			Usuario: referenciaDTO{ID: x.UsuarioID, Username: x.Usuario.Username}, Fecha: fecha(x.Fecha, a.loc)}
		if x.Comentario != "" {
			out[i].Comentario = &h[i].Comentario
		}
	}
	return responder(c, http.StatusOK, "Historial de la solicitud", out)
}
