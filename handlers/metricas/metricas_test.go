package metricas

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"solicitud-transporte/models/store"
)

// fuenteFija es una base con estadísticas dadas.
type fuenteFija struct {
	pools     []store.EstadisticasPool
	descartes int64
}

func (f fuenteFija) Pools() []store.EstadisticasPool { return f.pools }
func (f fuenteFija) EscritoresDescartados() int64    { return f.descartes }

// TestColectorBase: el colector traduce sql.DBStats de cada pool al leer
// (esperas y su duración en segundos) y cuenta los escritores descartados.
// Dos aplicaciones en un proceso tienen registros separados.
func TestColectorBase(t *testing.T) {
	f := fuenteFija{descartes: 2, pools: []store.EstadisticasPool{
		{Pool: "escritura", DBStats: sql.DBStats{MaxOpenConnections: 1, InUse: 1, WaitCount: 3, WaitDuration: 1500 * time.Millisecond}},
		{Pool: "lectura", DBStats: sql.DBStats{MaxOpenConnections: 4, Idle: 2}},
	}}
	m, otra := Nuevas(), Nuevas()
	m.ObservarBase(f)
	otra.ObservarBase(f)
	want := `
# HELP solicitud_transporte_db_conexiones_en_uso Conexiones de la base en uso, por pool (escritura, lectura).
# TYPE solicitud_transporte_db_conexiones_en_uso gauge
solicitud_transporte_db_conexiones_en_uso{pool="escritura"} 1
solicitud_transporte_db_conexiones_en_uso{pool="lectura"} 0
# HELP solicitud_transporte_db_conexiones_libres Conexiones de la base abiertas y libres, por pool.
# TYPE solicitud_transporte_db_conexiones_libres gauge
solicitud_transporte_db_conexiones_libres{pool="escritura"} 0
solicitud_transporte_db_conexiones_libres{pool="lectura"} 2
# HELP solicitud_transporte_db_esperas_total Veces que se esperó una conexión del pool porque no había libre.
# TYPE solicitud_transporte_db_esperas_total counter
solicitud_transporte_db_esperas_total{pool="escritura"} 3
solicitud_transporte_db_esperas_total{pool="lectura"} 0
# HELP solicitud_transporte_db_espera_segundos_total Tiempo total esperando una conexión del pool, en segundos.
# TYPE solicitud_transporte_db_espera_segundos_total counter
solicitud_transporte_db_espera_segundos_total{pool="escritura"} 1.5
solicitud_transporte_db_espera_segundos_total{pool="lectura"} 0
# HELP solicitud_transporte_db_escritores_descartados_total Conexiones de escritura cerradas tras un fallo de la conexión.
# TYPE solicitud_transporte_db_escritores_descartados_total counter
solicitud_transporte_db_escritores_descartados_total 2
`
	err := testutil.GatherAndCompare(m.Registro(), strings.NewReader(want),
		"solicitud_transporte_db_conexiones_en_uso", "solicitud_transporte_db_conexiones_libres",
		"solicitud_transporte_db_esperas_total", "solicitud_transporte_db_espera_segundos_total",
		"solicitud_transporte_db_escritores_descartados_total")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(m.Registro(), "solicitud_transporte_db_conexiones_maximas"); err != nil || n != 2 {
		t.Fatalf("db_conexiones_maximas: %d series, %v", n, err)
	}
	// Un registro propio con las métricas del proceso, sin problemas de lint.
	if problemas, err := testutil.GatherAndLint(m.Registro()); err != nil || len(problemas) > 0 {
		t.Fatalf("lint: %v %v", problemas, err)
	}
}

// TestMetodo: un método inventado no crea una serie propia.
func TestMetodo(t *testing.T) {
	for m, want := range map[string]string{"GET": "GET", "PATCH": "PATCH", "BREW": "OTRO", "get": "OTRO", "": "OTRO"} {
		if got := metodo(m); got != want {
			t.Errorf("metodo(%q) = %q, want %q", m, got, want)
		}
	}
}
