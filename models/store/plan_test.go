package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"solicitud-transporte/models"
	"solicitud-transporte/models/store/storetest"
)

// sembrarSolicitudes carga n solicitudes con ImportarSolicitudes (sin reglas
// ni historial), como los benchmarks de tests/.
func sembrarSolicitudes(tb testing.TB, s *Store, ahora time.Time, n int, solicitantes, vehiculos, motoristas []uint) {
	tb.Helper()
	if err := s.ImportarSolicitudes(context.Background(), storetest.Solicitudes(ahora, n, solicitantes, vehiculos, motoristas)); err != nil {
		tb.Fatal(err)
	}
}

// flota crea nv vehículos y nm motoristas.
func flota(tb testing.TB, s *Store, nv, nm int) (vehiculos, motoristas []uint) {
	tb.Helper()
	ctx := context.Background()
	for i := 0; i < nv; i++ {
		v, err := s.CrearVehiculo(ctx, models.DatosVehiculo{Placa: ptr(fmt.Sprintf("B-%03d", i)), Marca: ptr("Toyota"), Modelo: ptr("Hiace"), Capacidad: ptr(20)})
		if err != nil {
			tb.Fatal(err)
		}
		vehiculos = append(vehiculos, v.ID)
	}
	for i := 0; i < nm; i++ {
		u, err := s.CrearUsuario(ctx, nil, models.NuevoUsuario{Username: fmt.Sprintf("bmot%d", i), Password: "clave-de-prueba-larga", Rol: models.RolMotorista})
		if err != nil {
			tb.Fatal(err)
		}
		motoristas = append(motoristas, u.ID)
	}
	return vehiculos, motoristas
}

// planDe devuelve el EXPLAIN QUERY PLAN de sql, una línea por paso.
func planDe(t *testing.T, db *gorm.DB, sql string, args ...any) string {
	t.Helper()
	var filas []struct {
		ID, Parent, Notused int
		Detail              string
	}
	if err := db.Raw("EXPLAIN QUERY PLAN "+sql, args...).Scan(&filas).Error; err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range filas {
		b.WriteString(f.Detail + "\n")
	}
	return b.String()
}

// TestPlanConsultas comprueba que la comprobación de conflictos y el listado
// por estado usan índices (nunca un recorrido de la tabla ni un ordenamiento
// temporal). Las consultas son las que genera el store (GORM).
func TestPlanConsultas(t *testing.T) {
	t.Parallel()
	soloSQLite(t, "EXPLAIN QUERY PLAN es de SQLite (PostgreSQL: TestPlanConsultasPostgres)")
	ctx := context.Background()
	reloj := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(ctx, OpcionesStore{DSN: filepath.Join(t.TempDir(), "t.db"), CostoHash: bcrypt.MinCost, Now: func() time.Time { return reloj }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin, err := s.CrearUsuario(ctx, nil, models.NuevoUsuario{Username: "api_user", Password: "clave-de-prueba-larga", Rol: models.RolAdmin})
	if err != nil {
		t.Fatal(err)
	}
	vehiculos, motoristas := flota(t, s, 10, 10)
	sembrarSolicitudes(t, s, reloj, 5000, []uint{admin.ID}, vehiculos, motoristas)
	db, fin := s.leer(ctx)
	defer fin()
	ahora := time.Now().UTC()
	casos := []struct {
		nombre, sql string
		args        []any
		indice      string
	}{
		{"conflicto vehículo",
			"SELECT `codigo` FROM `solicitudes` WHERE vehiculo_id = ? AND estado IN (?,?) AND id <> ? AND fecha_salida < ? AND fin_ventana > ? LIMIT 1",
			[]any{1, "asignada", "en_curso", 5, ahora, ahora}, "idx_sol_vehiculo_ventana"},
		{"conflicto motorista",
			"SELECT `codigo` FROM `solicitudes` WHERE motorista_id = ? AND estado IN (?,?) AND id <> ? AND fecha_salida < ? AND fin_ventana > ? LIMIT 1",
			[]any{1, "asignada", "en_curso", 5, ahora, ahora}, "idx_sol_motorista_ventana"},
		{"lista por estado",
			"SELECT * FROM `solicitudes` WHERE estado IN (?) ORDER BY creado_en DESC, id DESC LIMIT 20",
			[]any{"pendiente"}, "idx_sol_estado_creado"},
		{"total por estado", "SELECT count(*) FROM `solicitudes` WHERE estado IN (?)", []any{"pendiente"}, "idx_sol_estado"},
		{"auditoría de un usuario",
			"SELECT * FROM `auditoria` WHERE usuario_id = ? ORDER BY fecha DESC, id DESC LIMIT 20", []any{1}, "idx_aud_usuario_fecha"},
		{"auditoría por evento",
			"SELECT * FROM `auditoria` WHERE evento IN (?) ORDER BY fecha DESC, id DESC LIMIT 20", []any{"LOGIN_EXITOSO"}, "idx_aud_evento_fecha"},
		{"lista de un solicitante por estado",
			"SELECT * FROM `solicitudes` WHERE (solicitante_id = ? OR motorista_id = ?) AND estado IN (?) ORDER BY creado_en DESC, id DESC LIMIT 20",
			[]any{1, 1, "pendiente"}, "idx_sol_"},
	}
	for _, c := range casos {
		plan := planDe(t, db, c.sql, c.args...)
		t.Logf("%s:\n%s", c.nombre, plan)
		if !strings.Contains(plan, c.indice) || strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SCAN solicitudes\n") {
			t.Errorf("%s no usa %s:\n%s", c.nombre, c.indice, plan)
		}
	}
}

// TestPlanListaVariosEstados: la página de la lista con varios estados sigue
// el índice del orden pedido. Se explica la consulta que ListarSolicitudes
// ejecuta de verdad (capturada en la base), no una escrita a mano: con dos
// índices (estado, …) igual de buenos para el planificador, SQLite
// desempataba por el creado más tarde (ver indiceLista).
func TestPlanListaVariosEstados(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reloj := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(ctx, OpcionesStore{DSN: filepath.Join(t.TempDir(), "t.db"), CostoHash: bcrypt.MinCost, Now: func() time.Time { return reloj }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin, err := s.CrearUsuario(ctx, nil, models.NuevoUsuario{Username: "api_user", Password: "clave-de-prueba-larga", Rol: models.RolAdmin})
	if err != nil {
		t.Fatal(err)
	}
	vehiculos, motoristas := flota(t, s, 3, 3)
	sembrarSolicitudes(t, s, reloj, 3000, []uint{admin.ID}, vehiculos, motoristas)
	if err := s.Optimizar(ctx); err != nil {
		t.Fatal(err)
	}
	type consulta struct {
		sql  string
		args []any
	}
	var paginas []consulta
	if err := s.r.Callback().Row().After("gorm:row").Register("prueba:captura", func(db *gorm.DB) {
		if db.Statement.Table == "solicitudes" || strings.Contains(db.Statement.SQL.String(), "INDEXED BY") {
			if sql := db.Statement.SQL.String(); strings.Contains(sql, "LIMIT") {
				paginas = append(paginas, consulta{sql, db.Statement.Vars})
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	actor := &models.Actor{ID: admin.ID, Username: admin.Username, Rol: admin.Rol}
	for _, c := range []struct{ orden, indice string }{
		{"-creadoEn", "idx_sol_estado_creado"}, {"creadoEn", "idx_sol_estado_creado"},
		{"fechaSalida", "idx_sol_estado_salida"}, {"-fechaSalida", "idx_sol_estado_salida"},
	} {
		paginas = nil
		f := models.FiltroSolicitudes{Estados: []models.Estado{models.EstadoPendiente, models.EstadoAprobada}, Orden: c.orden,
			Pagina: models.Pagina{Pagina: 1, PorPagina: 20}}
		if _, err := s.ListarSolicitudes(ctx, actor, f); err != nil {
			t.Fatal(err)
		}
		if len(paginas) != 1 {
			t.Fatalf("orden %s: %d consultas de página capturadas, want 1", c.orden, len(paginas))
		}
		db, fin := s.leer(ctx)
		plan := planDe(t, db, paginas[0].sql, paginas[0].args...)
		fin()
		if !strings.Contains(plan, c.indice) {
			t.Errorf("orden %s: la página no usa %s:\n%s", c.orden, c.indice, plan)
		}
	}
}
