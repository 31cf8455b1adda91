package models

import (
	"slices"
	"strings"
	"testing"
)

// TestTransicion recorre estado × acción × quién contra una especificación
// escrita aparte de la tabla (API.md §5 y §7).
func TestTransicion(t *testing.T) {
	t.Parallel()
	legal := map[Accion]map[Estado]Estado{
		AccionAprobar:   {EstadoPendiente: EstadoAprobada},
		AccionRechazar:  {EstadoPendiente: EstadoRechazada},
		AccionAsignar:   {EstadoAprobada: EstadoAsignada},
		AccionReasignar: {EstadoAsignada: EstadoAsignada},
		AccionIniciar:   {EstadoAsignada: EstadoEnCurso},
		AccionFinalizar: {EstadoEnCurso: EstadoFinalizada},
		AccionCancelar:  {EstadoPendiente: EstadoCancelada, EstadoAprobada: EstadoCancelada, EstadoAsignada: EstadoCancelada},
		AccionEditar:    {EstadoPendiente: EstadoPendiente},
	}
	type quien struct {
		nombre string
		rol    Rol
		rel    Relacion
		flujo  Flujo
		puede  []Accion
	}
	// autoaprobacion: quienes pueden por rol pero son dueños (§7.1); con
	// PERMITIR_AUTOAPROBACION sí pueden.
	autoaprobacion := []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar}
	permisivo := Flujo{PermitirAutoaprobacion: true}
	quienes := []quien{
		{"admin", RolAdmin, Relacion{}, Flujo{}, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionIniciar, AccionFinalizar, AccionCancelar}},
		{"admin dueño", RolAdmin, Relacion{Dueno: true}, Flujo{}, []Accion{AccionIniciar, AccionFinalizar, AccionCancelar, AccionEditar}},
		{"admin dueño con autoaprobación", RolAdmin, Relacion{Dueno: true}, permisivo, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionIniciar, AccionFinalizar, AccionCancelar, AccionEditar}},
		{"aprobador", RolAprobador, Relacion{}, Flujo{}, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionCancelar}},
		{"aprobador dueño", RolAprobador, Relacion{Dueno: true}, Flujo{}, []Accion{AccionCancelar, AccionEditar}},
		{"aprobador dueño con autoaprobación", RolAprobador, Relacion{Dueno: true}, permisivo, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionCancelar, AccionEditar}},
		// la autoaprobación no da a un solicitante lo que su rol no permite
		{"solicitante dueño con autoaprobación", RolSolicitante, Relacion{Dueno: true}, permisivo, []Accion{AccionCancelar, AccionEditar}},
		{"motorista asignado", RolMotorista, Relacion{Motorista: true}, Flujo{}, []Accion{AccionIniciar, AccionFinalizar}},
		{"motorista dueño", RolMotorista, Relacion{Dueno: true}, Flujo{}, []Accion{AccionCancelar, AccionEditar}},
		{"motorista dueño y asignado", RolMotorista, Relacion{Dueno: true, Motorista: true}, Flujo{}, []Accion{AccionIniciar, AccionFinalizar, AccionCancelar, AccionEditar}},
		{"motorista ajeno", RolMotorista, Relacion{}, Flujo{}, nil},
		{"solicitante dueño", RolSolicitante, Relacion{Dueno: true}, Flujo{}, []Accion{AccionCancelar, AccionEditar}},
		{"solicitante ajeno", RolSolicitante, Relacion{}, Flujo{}, nil},
		// un exmotorista que sigue figurando como asignado no puede iniciar
		{"solicitante asignado", RolSolicitante, Relacion{Motorista: true}, Flujo{}, nil},
	}
	for _, q := range quienes {
		for _, accion := range append([]Accion{AccionReasignar}, append(Acciones, AccionEditar)...) {
			for _, actual := range Estados {
				hacia, err := q.flujo.Transicion(actual, accion, q.rol, q.rel)
				puede := false
				for _, a := range q.puede {
					puede = puede || a == accion
				}
				destino, esLegal := legal[accion][actual]
				switch {
				case !puede:
					if CodigoDe(err) != CodigoPermisosInsuficientes {
						t.Errorf("%s %s desde %s: err = %v, want PERMISOS_INSUFICIENTES", q.nombre, accion, actual, err)
					}
					propia := q.rel.Dueno && q.rol.Es(RolAdmin, RolAprobador) && slices.Contains(autoaprobacion, accion)
					if d := err.(*Error).Detalle; propia != (d == DetalleAutoaprobacion) {
						t.Errorf("%s %s desde %s: detalle = %q", q.nombre, accion, actual, d)
					}
				case !esLegal:
					if CodigoDe(err) != CodigoTransicionInvalida {
						t.Errorf("%s %s desde %s: err = %v, want TRANSICION_INVALIDA", q.nombre, accion, actual, err)
					} else if d := err.(*Error).Detalle; !strings.Contains(d, string(actual)) || !strings.Contains(d, string(accion)) {
						t.Errorf("detalle %q no nombra el estado y la acción", d)
					}
				default:
					if err != nil || hacia != destino {
						t.Errorf("%s %s desde %s = %q, %v; want %q", q.nombre, accion, actual, hacia, err, destino)
					}
				}
			}
		}
	}
}

func TestParseEstadoAccion(t *testing.T) {
	t.Parallel()
	for _, e := range Estados {
		if got, err := ParseEstado(string(e)); err != nil || got != e {
			t.Errorf("ParseEstado(%q) = %q, %v", e, got, err)
		}
	}
	for _, s := range []string{"", "PENDIENTE", "en curso", "borrada"} {
		if _, err := ParseEstado(s); err == nil {
			t.Errorf("ParseEstado(%q) aceptado", s)
		}
	}
	if _, err := ParseAccion("editar"); err == nil {
		t.Error("editar no es una acción de ruta")
	}
	if a, err := ParseAccion("asignar"); err != nil || a != AccionAsignar {
		t.Errorf("ParseAccion(asignar) = %q, %v", a, err)
	}
	if a, err := ParseAccion("reasignar"); err != nil || a != AccionReasignar {
		t.Errorf("ParseAccion(reasignar) = %q, %v", a, err)
	}
}
