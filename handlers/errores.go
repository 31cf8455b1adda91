package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// fila es el estado HTTP y el mensaje de un código del catálogo.
type fila struct {
	status  int
	mensaje string
}

// catalogo refleja API.md §2 fila por fila. models conoce los códigos; el
// estado HTTP y el mensaje son cosa de este borde.
var catalogo = map[models.CodigoError]fila{
	models.CodigoSolicitudMalFormada:   {http.StatusBadRequest, "Solicitud mal formada"},
	models.CodigoTokenNoProporcionado:  {http.StatusUnauthorized, "Token no proporcionado"},
	models.CodigoTokenInvalido:         {http.StatusUnauthorized, "Token inválido"},
	models.CodigoTokenExpirado:         {http.StatusUnauthorized, "Token expirado"},
	models.CodigoTokenRevocado:         {http.StatusUnauthorized, "Token revocado"},
	models.CodigoPermisosInsuficientes: {http.StatusForbidden, "Permisos insuficientes"},
	models.CodigoUsuarioInactivo:       {http.StatusForbidden, "Usuario inactivo"},
	models.CodigoNoEncontrado:          {http.StatusNotFound, "Recurso no encontrado"},
	models.CodigoMetodoNoPermitido:     {http.StatusMethodNotAllowed, "Método no permitido"},
	models.CodigoTiempoAgotado:         {http.StatusRequestTimeout, "Tiempo de espera agotado"},
	models.CodigoTransicionInvalida:    {http.StatusConflict, "Transición de estado no permitida"},
	models.CodigoConflictoAsignacion:   {http.StatusConflict, "Conflicto de asignación"},
	models.CodigoConflicto:             {http.StatusConflict, "Conflicto"},
	models.CodigoCuerpoDemasiadoGrande: {http.StatusRequestEntityTooLarge, "Cuerpo de la solicitud demasiado grande"},
	models.CodigoTipoContenido:         {http.StatusUnsupportedMediaType, "Tipo de contenido no soportado"},
	models.CodigoCredencialesInvalidas: {http.StatusUnprocessableEntity, "Credenciales inválidas"},
	models.CodigoValidacion:            {http.StatusUnprocessableEntity, "Datos inválidos"},
	models.CodigoMFAInvalido:           {http.StatusUnprocessableEntity, "Código MFA inválido"},
	models.CodigoDemasiadasSolicitudes: {http.StatusTooManyRequests, "Demasiadas solicitudes"},
	models.CodigoErrorInterno:          {http.StatusInternalServerError, "Error interno del servidor"},
	models.CodigoServicioNoDisponible:  {http.StatusServiceUnavailable, "Servicio no disponible"},
}

// respuestaError es el sobre de error de API.md §1.
type respuestaError struct {
	Exito   bool                `json:"exito"`
	Mensaje string              `json:"mensaje"`
	Detalle string              `json:"detalle"`
	Codigo  models.CodigoError  `json:"codigo"`
	Errores []models.ErrorCampo `json:"errores,omitempty"`
}

// manejarError es el único lugar que convierte errores en respuestas: los
// de models, los propios de Echo (404, 405, 413, 415, bind) y cualquier otro,
// que se registra completo y se contesta como ERROR_INTERNO sin detalles.
func manejarError(log *slog.Logger, bodyLimit string) func(error, echo.Context) {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		e := clasificar(err, c, bodyLimit)
		f, ok := catalogo[e.Codigo]
		if !ok {
			f = catalogo[models.CodigoErrorInterno]
		}
		// Un cliente que se fue (contexto cancelado) no es un fallo del servidor.
		if f.status >= 500 && c.Request().Context().Err() == nil {
			log.LogAttrs(c.Request().Context(), slog.LevelError, "error del servidor",
				slog.Any("requestId", c.Get(middleware.ClaveRequestID)),
				slog.String("codigo", string(e.Codigo)), slog.String("error", err.Error()))
		}
		// Un error nunca se guarda en caché (y así toda respuesta de una ruta
		// autenticada lleva no-store, también la que corta un middleware antes
		// de Autenticar: 413, query ilegible).
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		if f.status == http.StatusRequestTimeout {
			// El cuerpo a medio llegar deja la conexión inservible.
			c.Response().Header().Set(echo.HeaderConnection, "close")
		}
		if e.ReintentarEn > 0 {
			c.Response().Header().Set(echo.HeaderRetryAfter, strconv.Itoa(e.ReintentarEn))
		}
		var werr error
		switch {
		case c.Request().Method == http.MethodHead && c.Get(claveHEAD) != true:
			// Un HEAD que no pasó por headComoGet (no debería haberlo): sin
			// cuerpo. Los demás se escriben como el GET y escritorHEAD
			// descarta el cuerpo, así llevan las mismas cabeceras.
			werr = c.NoContent(f.status)
		case esRutaOAuth(c):
			status, cuerpo := aErrorOAuth(err, e, f)
			werr = c.JSON(status, cuerpo)
		default:
			werr = c.JSON(f.status, respuestaError{Mensaje: f.mensaje, Detalle: e.Detalle, Codigo: e.Codigo, Errores: e.Campos})
		}
		if werr != nil {
			log.Error("no se pudo escribir la respuesta de error", slog.String("error", werr.Error()))
		}
	}
}

// clasificar lleva cualquier error a un *models.Error con detalle en español.
func clasificar(err error, c echo.Context, bodyLimit string) *models.Error {
	var me *models.Error
	var mbe *http.MaxBytesError
	var he *echo.HTTPError
	var d *errOAuthDirecto
	switch {
	case errors.As(err, &me):
		return me
	case errors.As(err, &d):
		return models.Errorf(models.CodigoValidacion, "%s", d.cuerpo.Descripcion)
	case errors.As(err, &mbe), errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return models.Errorf(models.CodigoCuerpoDemasiadoGrande, "El cuerpo de la petición supera el límite de %s.", bodyLimit)
	case errors.As(err, &he):
		return desdeHTTPError(he, c)
	}
	return models.ErrorInterno(err)
}

func desdeHTTPError(he *echo.HTTPError, c echo.Context) *models.Error {
	switch he.Code {
	case http.StatusNotFound:
		return models.Errorf(models.CodigoNoEncontrado, "La ruta %s no existe.", middleware.RutaParaLog(c.Request().URL.Path))
	case http.StatusMethodNotAllowed:
		return models.Errorf(models.CodigoMetodoNoPermitido, "El método %s no está permitido en %s.", c.Request().Method, middleware.RutaParaLog(c.Request().URL.Path))
	case http.StatusRequestEntityTooLarge:
		return models.Errorf(models.CodigoCuerpoDemasiadoGrande, "El cuerpo de la petición es demasiado grande.")
	case http.StatusUnsupportedMediaType:
		return models.Errorf(models.CodigoTipoContenido, "Envíe el cuerpo como application/json.")
	case http.StatusBadRequest:
		return errMalFormada(he.Internal)
	case http.StatusTooManyRequests:
		return models.Errorf(models.CodigoDemasiadasSolicitudes, "Demasiadas peticiones. Intente de nuevo más tarde.")
	case http.StatusUnauthorized:
		return models.Errorf(models.CodigoTokenNoProporcionado, "Esta operación requiere autenticación.")
	case http.StatusForbidden:
		return models.Errorf(models.CodigoPermisosInsuficientes, "No tiene permiso para esta operación.")
	case http.StatusServiceUnavailable:
		return models.Errorf(models.CodigoServicioNoDisponible, "El servicio no está disponible en este momento.")
	}
	return models.ErrorInterno(he)
}

// errMalFormada explica, si se puede, qué parte del JSON no se entendió.
func errMalFormada(causa error) *models.Error {
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	e := &models.Error{Codigo: models.CodigoSolicitudMalFormada, Err: causa}
	switch {
	case errors.As(causa, &ute) && ute.Field != "":
		e.Detalle = fmt.Sprintf("El campo %s tiene un tipo incorrecto: se esperaba %s.", ute.Field, tipoJSON(ute.Type.Kind().String()))
	case errors.As(causa, &se):
		e.Detalle = fmt.Sprintf("El cuerpo no es JSON válido (error cerca del carácter %d).", se.Offset)
	default:
		e.Detalle = "El cuerpo de la petición no es JSON válido o no tiene la forma esperada."
	}
	return e
}

func tipoJSON(kind string) string {
	switch kind {
	case "string":
		return "un texto"
	case "bool":
		return "true o false"
	case "struct", "map":
		return "un objeto"
	case "slice", "array":
		return "una lista"
	}
	return "un número"
}
