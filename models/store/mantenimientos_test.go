package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// TestExclusionMantenimientosSolapados (API.md §10, solo PostgreSQL): la
// base misma rechaza dos mantenimientos del mismo vehículo que se solapan,
// aunque la escritura se salte la comprobación de la aplicación, y lo
// traduce a CONFLICTO_ASIGNACION; ventanas contiguas y otro vehículo sí
// entran. (Un viaje contra un mantenimiento lo decide el bloqueo de la fila
// del vehículo: ver postgres/00006.)
func TestExclusionMantenimientosSolapados(t *testing.T) {
	t.Parallel()
	soloPostgres(t)
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), opcionesPrueba(t, 0, func() time.Time { return ahora }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e := nuevoEscenario(t, s)
	h := func(hora int) time.Time { return time.Date(2026, 3, 5, hora, 0, 0, 0, time.UTC) }
	insertar := func(vehiculo uint, desde, hasta time.Time) error {
		return s.escribir(context.Background(), func(tx *gorm.DB) error {
			return tx.Omit("CreadoPor").Create(&models.Mantenimiento{VehiculoID: vehiculo, Desde: desde, Hasta: hasta,
				Motivo: "Directo", CreadoPorID: e.admin.ID, CreadoEn: ahora}).Error
		})
	}
	if err := insertar(e.vehiculos[0], h(10), h(12)); err != nil {
		t.Fatalf("primero: %v", err)
	}
	err = insertar(e.vehiculos[0], h(11), h(13))
	var me *models.Error
	if !errors.As(err, &me) || me.Codigo != models.CodigoConflictoAsignacion || !strings.Contains(me.Detalle, "mantenimiento") {
		t.Fatalf("solapado: err = %v, want CONFLICTO_ASIGNACION", err)
	}
	if err := insertar(e.vehiculos[0], h(12), h(14)); err != nil {
		t.Fatalf("contiguo [12:00, 14:00): %v", err)
	}
	if err := insertar(e.vehiculos[1], h(11), h(13)); err != nil {
		t.Fatalf("otro vehículo: %v", err)
	}
}

// TestMantenimientoYAsignacionSimultaneos (§8): por el camino normal, un
// mantenimiento y una asignación del mismo vehículo en la misma franja,
// lanzados a la vez y repetidos: nunca salen bien los dos. En SQLite los
// ordena el único escritor; en PostgreSQL, la fila del vehículo FOR UPDATE.
func TestMantenimientoYAsignacionSimultaneos(t *testing.T) {
	t.Parallel()
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), opcionesPrueba(t, 0, func() time.Time { return ahora }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := func(hora int) time.Time { return time.Date(2026, 3, 5, hora, 0, 0, 0, time.UTC) }
	for ronda := range 10 {
		e := nuevoEscenarioRonda(t, s, ronda, [2]time.Time{h(10), h(12)})
		errs := make([]error, 2)
		inicio := make(chan struct{})
		hecho := make(chan struct{})
		go func() {
			<-inicio
			_, errs[0] = s.CrearMantenimiento(context.Background(), e.admin, e.vehiculos[0],
				models.NuevoMantenimiento{Desde: ptr(h(11)), Hasta: ptr(h(13)), Motivo: "Carrera"})
			hecho <- struct{}{}
		}()
		go func() {
			<-inicio
			_, errs[1] = s.AplicarAccion(context.Background(), e.admin, e.solicitudes[0].ID, models.AccionAsignar,
				models.DatosAccion{VehiculoID: &e.vehiculos[0], MotoristaID: &e.motoristas[0]})
			hecho <- struct{}{}
		}()
		close(inicio)
		<-hecho
		<-hecho
		ok := 0
		for i, err := range errs {
			switch {
			case err == nil:
				ok++
			case models.CodigoDe(err) != models.CodigoConflictoAsignacion:
				t.Fatalf("ronda %d, %d: %v", ronda, i, err)
			}
		}
		if ok != 1 {
			t.Fatalf("ronda %d: %d éxitos (mantenimiento: %v; asignar: %v), want 1", ronda, ok, errs[0], errs[1])
		}
	}
}
