package store

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// TestMoverCompareAndSwap comprueba el guardián de las transiciones sin
// contar con que SQLite serialice a los escritores: un movimiento hecho con
// una lectura vieja (otro ganó entre la lectura y la escritura) no cambia
// nada, no escribe historial y es TRANSICION_INVALIDA.
func TestMoverCompareAndSwap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(ctx, opcionesPrueba(t, 0, func() time.Time { return ahora }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, actor := usuarioPrueba(t, s, "admin2", models.RolAdmin)
	// la crea otro: nadie aprueba su propia solicitud (API.md §7.1)
	d, err := s.CrearUsuario(ctx, nil, models.NuevoUsuario{Username: "duena", Password: "clave-de-prueba-larga", Rol: models.RolSolicitante})
	if err != nil {
		t.Fatal(err)
	}
	dueno := &models.Actor{ID: d.ID, Username: d.Username, Rol: d.Rol}
	sol, err := s.CrearSolicitud(ctx, dueno, models.NuevaSolicitud{Origen: "Origen", Destino: "Destino",
		FechaSalida: ptr(time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)), Motivo: "Motivo", Pasajeros: ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	vieja := *sol // la lectura del perdedor
	if _, err := s.AplicarAccion(ctx, actor, sol.ID, models.AccionAprobar, models.DatosAccion{}); err != nil {
		t.Fatal(err)
	}
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		return s.mover(tx, &vieja, models.AccionRechazar, models.EstadoRechazada,
			map[string]any{"estado": models.EstadoRechazada, "version": gorm.Expr("version + 1")}, actor.ID, "tarde")
	})
	if models.CodigoDe(err) != models.CodigoTransicionInvalida {
		t.Fatalf("err = %v, want TRANSICION_INVALIDA", err)
	}
	fin, err := s.Solicitud(ctx, actor, sol.ID)
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.HistorialSolicitud(ctx, actor, sol.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fin.Estado != models.EstadoAprobada || fin.Version != 2 || len(h) != 2 {
		t.Fatalf("estado %s, version %d, historial %d; want aprobada, 2, 2", fin.Estado, fin.Version, len(h))
	}
}
