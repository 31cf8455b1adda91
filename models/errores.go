package models

import (
	"errors"
	"fmt"
)

// CodigoError es el código estable de error que el cliente usa para decidir qué
// hacer. Hay uno por fila del catálogo de API.md §2; el estado HTTP y el
// mensaje los pone la capa HTTP, no este paquete.
type CodigoError string

// Códigos del catálogo de errores.
const (
	CodigoSolicitudMalFormada   CodigoError = "SOLICITUD_MAL_FORMADA"
	CodigoTokenNoProporcionado  CodigoError = "TOKEN_NO_PROPORCIONADO"
	CodigoTokenInvalido         CodigoError = "TOKEN_INVALIDO"
	CodigoTokenExpirado         CodigoError = "TOKEN_EXPIRADO"
	CodigoTokenRevocado         CodigoError = "TOKEN_REVOCADO"
	CodigoPermisosInsuficientes CodigoError = "PERMISOS_INSUFICIENTES"
	CodigoUsuarioInactivo       CodigoError = "USUARIO_INACTIVO"
	CodigoNoEncontrado          CodigoError = "NO_ENCONTRADO"
	CodigoMetodoNoPermitido     CodigoError = "METODO_NO_PERMITIDO"
	// CodigoTiempoAgotado: el cuerpo de la petición no llegó a tiempo (408).
	// API.md §2 no tiene fila para él; lo pide §12.
	CodigoTiempoAgotado         CodigoError = "TIEMPO_AGOTADO"
	CodigoTransicionInvalida    CodigoError = "TRANSICION_INVALIDA"
	CodigoConflictoAsignacion   CodigoError = "CONFLICTO_ASIGNACION"
	CodigoConflicto             CodigoError = "CONFLICTO"
	CodigoCuerpoDemasiadoGrande CodigoError = "CUERPO_DEMASIADO_GRANDE"
	CodigoTipoContenido         CodigoError = "TIPO_CONTENIDO_NO_SOPORTADO"
	CodigoCredencialesInvalidas CodigoError = "CREDENCIALES_INVALIDAS"
	CodigoValidacion            CodigoError = "VALIDACION"
	CodigoMFAInvalido           CodigoError = "CODIGO_MFA_INVALIDO"
	CodigoDemasiadasSolicitudes CodigoError = "DEMASIADAS_SOLICITUDES"
	CodigoErrorInterno          CodigoError = "ERROR_INTERNO"
	CodigoServicioNoDisponible  CodigoError = "SERVICIO_NO_DISPONIBLE"
)

// CodigosError lista todos los códigos, para que la capa HTTP compruebe que cada
// uno tiene su fila en el catálogo.
var CodigosError = []CodigoError{
	CodigoSolicitudMalFormada, CodigoTokenNoProporcionado, CodigoTokenInvalido,
	CodigoTokenExpirado, CodigoTokenRevocado, CodigoPermisosInsuficientes,
	CodigoUsuarioInactivo, CodigoNoEncontrado, CodigoMetodoNoPermitido, CodigoTiempoAgotado,
	CodigoTransicionInvalida, CodigoConflictoAsignacion, CodigoConflicto,
	CodigoCuerpoDemasiadoGrande, CodigoTipoContenido, CodigoCredencialesInvalidas,
	CodigoValidacion, CodigoMFAInvalido, CodigoDemasiadasSolicitudes,
	CodigoErrorInterno, CodigoServicioNoDisponible,
}

// ErrorCampo es el error de un campo concreto, nombrado como en el JSON de la
// petición.
type ErrorCampo struct {
	Campo   string `json:"campo"`
	Mensaje string `json:"mensaje"`
}

// Error es el error de dominio: un código, un detalle en español apto para el
// cliente y, opcionalmente, la causa interna (Err), que nunca se muestra.
type Error struct {
	Codigo  CodigoError
	Detalle string
	Campos  []ErrorCampo
	// ReintentarEn indica, en DEMASIADAS_SOLICITUDES, los segundos de espera.
	ReintentarEn int
	Err          error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Codigo, e.Detalle, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Codigo, e.Detalle)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf crea un *Error con el detalle formateado.
func Errorf(codigo CodigoError, formato string, args ...any) *Error {
	return &Error{Codigo: codigo, Detalle: fmt.Sprintf(formato, args...)}
}

// ErrorInterno envuelve una causa interna como ERROR_INTERNO.
func ErrorInterno(err error) *Error {
	return &Error{Codigo: CodigoErrorInterno, Detalle: "Ocurrió un error inesperado. Intente de nuevo más tarde.", Err: err}
}

// CodigoDe devuelve el código de err, o ERROR_INTERNO si no es un *Error.
func CodigoDe(err error) CodigoError {
	var e *Error
	if errors.As(err, &e) {
		return e.Codigo
	}
	return CodigoErrorInterno
}

// Validacion acumula errores de campo y produce un VALIDACION si hay alguno.
type Validacion struct {
	campos []ErrorCampo
}

// Agregar anota un error en campo.
func (v *Validacion) Agregar(campo, mensaje string) {
	v.campos = append(v.campos, ErrorCampo{Campo: campo, Mensaje: mensaje})
}

// Err devuelve nil si no hubo errores, o un VALIDACION con todos los campos.
func (v *Validacion) Err() error {
	if len(v.campos) == 0 {
		return nil
	}
	detalle := "Revise los campos indicados."
	if len(v.campos) == 1 {
		detalle = "El campo " + v.campos[0].Campo + " " + v.campos[0].Mensaje + "."
	}
	return &Error{Codigo: CodigoValidacion, Detalle: detalle, Campos: v.campos}
}

// ErrCampo es un atajo para un VALIDACION de un solo campo.
func ErrCampo(campo, mensaje string) error {
	var v Validacion
	v.Agregar(campo, mensaje)
	return v.Err()
}
