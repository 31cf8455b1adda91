package tests

import (
	"strings"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

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
// temporal). Las consultas son las que genera models (GORM).
func TestPlanConsultas(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	vehiculos, motoristas := flotaGrande(env, 10, 10)
	sembrar(t, env, 5000, []uint{1}, vehiculos, motoristas)
	db, err := gorm.Open(sqlite.Open(env.cfg.DBDSN), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if s, err := db.DB(); err == nil {
			s.Close()
		}
	}()
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
