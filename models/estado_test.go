package models

import (
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
		puede  []Accion
	}
	quienes := []quien{
		{"admin", RolAdmin, Relacion{}, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionIniciar, AccionFinalizar, AccionCancelar}},
		{"admin dueño", RolAdmin, Relacion{Dueno: true}, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionIniciar, AccionFinalizar, AccionCancelar, AccionEditar}},
		{"aprobador", RolAprobador, Relacion{}, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionCancelar}},
		{"aprobador dueño", RolAprobador, Relacion{Dueno: true}, []Accion{AccionAprobar, AccionRechazar, AccionAsignar, AccionReasignar, AccionCancelar, AccionEditar}},
		{"motorista asignado", RolMotorista, Relacion{Motorista: true}, []Accion{AccionIniciar, AccionFinalizar}},
		{"motorista dueño", RolMotorista, Relacion{Dueno: true}, []Accion{AccionCancelar, AccionEditar}},
		{"motorista ajeno", RolMotorista, Relacion{}, nil},
		{"solicitante dueño", RolSolicitante, Relacion{Dueno: true}, []Accion{AccionCancelar, AccionEditar}},
		{"solicitante ajeno", RolSolicitante, Relacion{}, nil},
		// un exmotorista que sigue figurando como asignado no puede iniciar
		{"solicitante asignado", RolSolicitante, Relacion{Motorista: true}, nil},
	}
	for _, q := range quienes {
		for _, accion := range append([]Accion{AccionReasignar}, append(Acciones, AccionEditar)...) {
			for _, actual := range Estados {
				hacia, err := Transicion(actual, accion, q.rol, q.rel)
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
