package models

import (
	"fmt"
	"strings"
)

// Estado es la etapa de una solicitud en el flujo de aprobación (API.md §7).
type Estado string

// Estados de una solicitud.
const (
	EstadoPendiente  Estado = "pendiente"
	EstadoAprobada   Estado = "aprobada"
	EstadoRechazada  Estado = "rechazada"
	EstadoAsignada   Estado = "asignada"
	EstadoEnCurso    Estado = "en_curso"
	EstadoFinalizada Estado = "finalizada"
	EstadoCancelada  Estado = "cancelada"
)

// Estados lista los estados en el orden del flujo.
var Estados = []Estado{
	EstadoPendiente, EstadoAprobada, EstadoRechazada, EstadoAsignada,
	EstadoEnCurso, EstadoFinalizada, EstadoCancelada,
}

// EstadosOcupados son los estados en los que una solicitud ocupa su vehículo
// y su motorista durante su ventana (la comprobación de conflictos de §7).
var EstadosOcupados = []Estado{EstadoAsignada, EstadoEnCurso}

// ParseEstado convierte texto en Estado; error si no es uno de Estados.
func ParseEstado(s string) (Estado, error) {
	for _, e := range Estados {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("estado desconocido %q", s)
}

// Accion es lo que un usuario hace sobre una solicitud.
type Accion string

// Acciones. AccionEditar no cambia el estado, pero sigue las mismas reglas
// (solo el dueño, solo en pendiente), así que vive en la misma tabla.
const (
	AccionAprobar   Accion = "aprobar"
	AccionRechazar  Accion = "rechazar"
	AccionAsignar   Accion = "asignar"
	AccionReasignar Accion = "reasignar"
	AccionIniciar   Accion = "iniciar"
	AccionFinalizar Accion = "finalizar"
	AccionCancelar  Accion = "cancelar"
	AccionEditar    Accion = "editar"
)

// Acciones lista las acciones que mueven el estado (las rutas POST de §7).
var Acciones = []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionIniciar, AccionFinalizar, AccionCancelar}

// ParseAccion convierte texto en una de Acciones.
func ParseAccion(s string) (Accion, error) {
	for _, a := range Acciones {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("acción desconocida %q", s)
}

// Relacion dice qué es el actor para una solicitud concreta, además de su rol.
type Relacion struct {
	// Dueno: el actor creó la solicitud.
	Dueno bool
	// Motorista: el actor es el motorista asignado.
	Motorista bool
}

// transicion es una fila de la máquina de estados: desde qué estados se
// puede, a cuál lleva y quién puede hacerlo. Un actor puede si su rol está en
// roles, o si es el dueño y dueno es true, o si es el motorista asignado (con
// rol motorista) y motorista es true. ajeno exige además que el actor no sea
// el dueño (segregación de funciones, API.md §7.1), salvo que el Flujo lo
// relaje (PERMITIR_AUTOAPROBACION).
type transicion struct {
	desde     []Estado
	hacia     Estado
	roles     []Rol
	dueno     bool
	motorista bool
	ajeno     bool
}

// transiciones es la única tabla del flujo (API.md §5 y §7). Los manejadores
// nunca deciden sobre estados: preguntan a Transicion.
var transiciones = map[Accion]transicion{
	AccionAprobar:  {desde: []Estado{EstadoPendiente}, hacia: EstadoAprobada, roles: []Rol{RolAdmin, RolAprobador}, ajeno: true},
	AccionRechazar: {desde: []Estado{EstadoPendiente}, hacia: EstadoRechazada, roles: []Rol{RolAdmin, RolAprobador}, ajeno: true},
	AccionAsignar:  {desde: []Estado{EstadoAprobada}, hacia: EstadoAsignada, roles: []Rol{RolAdmin, RolAprobador}, ajeno: true},
	// reasignar cambia vehículo o motorista sin salir de asignada.
	AccionReasignar: {desde: []Estado{EstadoAsignada}, hacia: EstadoAsignada, roles: []Rol{RolAdmin, RolAprobador}, ajeno: true},
	AccionIniciar:   {desde: []Estado{EstadoAsignada}, hacia: EstadoEnCurso, roles: []Rol{RolAdmin}, motorista: true},
	AccionFinalizar: {desde: []Estado{EstadoEnCurso}, hacia: EstadoFinalizada, roles: []Rol{RolAdmin}, motorista: true},
	AccionCancelar: {desde: []Estado{EstadoPendiente, EstadoAprobada, EstadoAsignada}, hacia: EstadoCancelada,
		roles: []Rol{RolAdmin, RolAprobador}, dueno: true},
	AccionEditar: {desde: []Estado{EstadoPendiente}, hacia: EstadoPendiente, dueno: true},
}

// DetalleAutoaprobacion es el detalle del PERMISOS_INSUFICIENTES de quien
// aprueba, rechaza, asigna o reasigna su propia solicitud (API.md §7.1).
const DetalleAutoaprobacion = "No puede aprobar, rechazar ni asignar su propia solicitud."

// Flujo es la máquina de estados con lo que la configuración puede relajar.
// El valor cero es la regla estricta de API.md §7.1.
type Flujo struct {
	// PermitirAutoaprobacion (PERMITIR_AUTOAPROBACION) deja que el dueño
	// haga las acciones marcadas ajeno si su rol puede hacerlas: oficinas
	// con un solo aprobador.
	PermitirAutoaprobacion bool
}

// Transicion es Flujo{}.Transicion: la regla estricta, sin autoaprobación.
func Transicion(actual Estado, accion Accion, rol Rol, rel Relacion) (Estado, error) {
	return Flujo{}.Transicion(actual, accion, rol, rel)
}

// Transicion decide, sin tocar la base, si un actor de rol rol con relación
// rel puede aplicar accion a una solicitud en estado actual, y a qué estado
// lleva. Errores: PERMISOS_INSUFICIENTES si ese actor nunca puede hacer esa
// acción sobre esa solicitud (se comprueba primero, así el estado no se
// revela a quien no puede actuar), con DetalleAutoaprobacion si puede por su
// rol pero la solicitud es suya; TRANSICION_INVALIDA si podría pero no desde
// actual, con el estado y la acción en el detalle.
func (f Flujo) Transicion(actual Estado, accion Accion, rol Rol, rel Relacion) (Estado, error) {
	t, ok := transiciones[accion]
	if !ok {
		return "", Errorf(CodigoNoEncontrado, "La acción %q no existe.", accion)
	}
	puede := rol.Es(t.roles...) || (t.dueno && rel.Dueno) || (t.motorista && rel.Motorista && rol == RolMotorista)
	if !puede {
		return "", Errorf(CodigoPermisosInsuficientes, "Su rol (%s) no permite %s esta solicitud.", rol, accion)
	}
	if t.ajeno && rel.Dueno && !f.PermitirAutoaprobacion {
		return "", Errorf(CodigoPermisosInsuficientes, "%s", DetalleAutoaprobacion)
	}
	for _, d := range t.desde {
		if d == actual {
			return t.hacia, nil
		}
	}
	return "", errTransicion(actual, accion)
}

func errTransicion(actual Estado, accion Accion) error {
	desde := make([]string, len(transiciones[accion].desde))
	for i, d := range transiciones[accion].desde {
		desde[i] = string(d)
	}
	return Errorf(CodigoTransicionInvalida,
		"No se puede %s una solicitud en estado %s; solo es posible en estado %s.",
		accion, actual, strings.Join(desde, " o "))
}
