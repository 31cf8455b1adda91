package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// TestEventosEnLaTransaccion: cada creación, edición y movimiento deja
// exactamente un evento con el estado y la versión en que quedó la
// solicitud; un movimiento rechazado (transición inválida) y un PATCH sin
// cambios no dejan ninguno; los ids crecen; la visibilidad que acompaña a
// cada evento es la actual de la solicitud.
func TestEventosEnLaTransaccion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(ctx, opcionesPrueba(t, 0, func() time.Time { return ahora }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	avisos := 0
	var mu sync.Mutex
	s.AlPublicar(func() { mu.Lock(); avisos++; mu.Unlock() })

	admin := actorNuevo(t, s, "admin2", models.RolAdmin)
	dueno := actorNuevo(t, s, "duena", models.RolSolicitante)
	sol, err := s.CrearSolicitud(ctx, dueno, models.NuevaSolicitud{Origen: "Origen", Destino: "Destino",
		FechaSalida: ptr(time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)), Motivo: "Motivo", Pasajeros: ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditarSolicitud(ctx, dueno, sol.ID, models.EdicionSolicitud{Motivo: ptr("Otro motivo"), Version: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditarSolicitud(ctx, dueno, sol.ID, models.EdicionSolicitud{Motivo: ptr("Otro motivo"), Version: ptr(2)}); err != nil {
		t.Fatal(err) // sin cambios: sin evento
	}
	if _, err := s.AplicarAccion(ctx, admin, sol.ID, models.AccionAprobar, models.DatosAccion{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AplicarAccion(ctx, admin, sol.ID, models.AccionAprobar, models.DatosAccion{}); models.CodigoDe(err) != models.CodigoTransicionInvalida {
		t.Fatalf("aprobar dos veces: %v", err)
	}
	if _, err := s.AplicarAccion(ctx, dueno, sol.ID, models.AccionCancelar, models.DatosAccion{Motivo: "ya no"}); err != nil {
		t.Fatal(err)
	}

	ev, err := s.EventosDesde(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		tipo    models.TipoEvento
		estado  models.Estado
		version int
		actor   uint
	}{
		{models.EventoCreada, models.EstadoPendiente, 1, dueno.ID},
		{models.EventoActualizada, models.EstadoPendiente, 2, dueno.ID},
		{models.EventoAprobada, models.EstadoAprobada, 3, admin.ID},
		{models.EventoCancelada, models.EstadoCancelada, 4, dueno.ID},
	}
	if len(ev) != len(want) {
		t.Fatalf("%d eventos, want %d: %+v", len(ev), len(want), ev)
	}
	for i, w := range want {
		e := ev[i]
		if e.Tipo != w.tipo || e.Estado != w.estado || e.Version != w.version || e.ActorID == nil || *e.ActorID != w.actor ||
			e.SolicitudID != sol.ID || e.Codigo != sol.Codigo || e.Visible.SolicitanteID != dueno.ID || !e.Fecha.Equal(ahora) {
			t.Errorf("evento %d = %+v, want %+v", i, e, w)
		}
		if i > 0 && e.ID <= ev[i-1].ID {
			t.Errorf("ids no crecen: %d tras %d", e.ID, ev[i-1].ID)
		}
	}
	if !models.PuedeVerEvento(dueno, &ev[0]) || models.PuedeVerEvento(actorNuevo(t, s, "otra", models.RolSolicitante), &ev[0]) {
		t.Error("la visibilidad del evento no sigue §5")
	}
	mu.Lock()
	if avisos != 4 {
		t.Errorf("AlPublicar avisó %d veces, want 4 (una por escritura con evento)", avisos)
	}
	mu.Unlock()

	// desde un id: solo lo posterior
	if resto, err := s.EventosDesde(ctx, ev[1].ID, 100); err != nil || len(resto) != 2 || resto[0].ID != ev[2].ID {
		t.Fatalf("EventosDesde(%d) = %v, %v", ev[1].ID, resto, err)
	}

	// La purga borra lo anterior al corte y deja la marca.
	ahora = ahora.Add(48 * time.Hour)
	if _, err := s.AplicarAccion(ctx, admin, mustCrear(t, s, dueno).ID, models.AccionAprobar, models.DatosAccion{}); err != nil {
		t.Fatal(err)
	}
	n, err := s.PurgarEventos(ctx, ahora.Add(-24*time.Hour))
	if err != nil || n != 4 {
		t.Fatalf("PurgarEventos = %d, %v; want 4", n, err)
	}
	m, err := s.Marcas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.PurgadoHasta != ev[3].ID || m.Ultimo <= ev[3].ID {
		t.Fatalf("marcas = %+v, want purgado hasta %d", m, ev[3].ID)
	}
	if quedan, _ := s.EventosDesde(ctx, 0, 100); len(quedan) != 2 {
		t.Fatalf("quedan %d eventos, want 2 (creada y aprobada de la nueva)", len(quedan))
	}
}

func actorNuevo(t *testing.T, s *Store, nombre string, rol models.Rol) *models.Actor {
	t.Helper()
	u, err := s.CrearUsuario(context.Background(), nil, models.NuevoUsuario{Username: nombre, Password: "clave-de-prueba-larga", Rol: rol})
	if err != nil {
		t.Fatal(err)
	}
	return &models.Actor{ID: u.ID, Username: u.Username, Rol: u.Rol}
}

func mustCrear(t *testing.T, s *Store, a *models.Actor) *models.Solicitud {
	t.Helper()
	sol, err := s.CrearSolicitud(context.Background(), a, models.NuevaSolicitud{Origen: "Origen", Destino: "Destino",
		FechaSalida: ptr(time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC)), Motivo: "Motivo", Pasajeros: ptr(1)})
	if err != nil {
		t.Fatal(err)
	}
	return sol
}
