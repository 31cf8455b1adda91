package migraciones

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// abrir abre una base SQLite nueva como la abre el store: una conexión que
// toma el bloqueo de escritura al empezar cada transacción.
func abrir(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "t.db")+"?_foreign_keys=on&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// baseVersionAnterior crea el esquema que creaba AutoMigrate en la versión
// anterior, sin tabla de versiones.
func baseVersionAnterior(t *testing.T) *sql.DB {
	t.Helper()
	db := abrir(t)
	esquema, err := os.ReadFile(filepath.Join("testdata", "esquema_version_anterior.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(esquema)); err != nil {
		t.Fatalf("crear el esquema anterior: %v", err)
	}
	return db
}

func aplicar(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	v, err := Aplicar(context.Background(), db, SQLite)
	if err != nil {
		t.Fatalf("Aplicar: %v", err)
	}
	return v
}

func ultima(t *testing.T) int64 {
	t.Helper()
	v, err := Ultima(SQLite)
	if err != nil || v < 1 {
		t.Fatalf("Ultima = %d, %v", v, err)
	}
	return v
}

var (
	espacios   = regexp.MustCompile(`\s+`)
	puntuacion = regexp.MustCompile(` ?([(),]) ?`)
)

// esquema devuelve las filas de sqlite_master (tipo, nombre, tabla, sql),
// ordenadas y con el sql normalizado: el espacio en blanco no cuenta, cada
// palabra y signo sí. Quedan fuera la tabla de versiones y las estadísticas
// del planificador.
func esquema(t *testing.T, db *sql.DB) []string {
	t.Helper()
	filas, err := db.Query(`SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite_stat%' AND tbl_name <> ?`, Tabla)
	if err != nil {
		t.Fatal(err)
	}
	defer filas.Close()
	var out []string
	for filas.Next() {
		var tipo, nombre, tabla, sentencia string
		if err := filas.Scan(&tipo, &nombre, &tabla, &sentencia); err != nil {
			t.Fatal(err)
		}
		sentencia = puntuacion.ReplaceAllString(espacios.ReplaceAllString(sentencia, " "), "$1")
		out = append(out, strings.Join([]string{tipo, nombre, tabla, strings.TrimSpace(sentencia)}, " | "))
	}
	if err := filas.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func versiones(t *testing.T, db *sql.DB) []int64 {
	t.Helper()
	filas, err := db.Query("SELECT version_id FROM " + Tabla + " WHERE is_applied ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer filas.Close()
	var vs []int64
	for filas.Next() {
		var v int64
		if err := filas.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

// TestMigracionInicialEsElEsquemaAnterior: la migración 1 sobre una base
// vacía crea exactamente las tablas, columnas, restricciones e índices que
// creaba AutoMigrate.
func TestMigracionInicialEsElEsquemaAnterior(t *testing.T) {
	t.Parallel()
	nueva := abrir(t)
	// Solo la migración 1: las siguientes cambian el esquema a propósito.
	if v, err := aplicarHasta(context.Background(), nueva, SQLite, 1); err != nil || v != 1 {
		t.Fatalf("aplicarHasta(1) = %d, %v", v, err)
	}
	anterior := baseVersionAnterior(t)
	got, want := esquema(t, nueva), esquema(t, anterior)
	if len(want) < 40 {
		t.Fatalf("el esquema anterior tiene %d objetos; ¿fixture vacío?", len(want))
	}
	if !slices.Equal(got, want) {
		for _, f := range got {
			if !slices.Contains(want, f) {
				t.Errorf("sobra: %s", f)
			}
		}
		for _, f := range want {
			if !slices.Contains(got, f) {
				t.Errorf("falta: %s", f)
			}
		}
	}
}

// TestBaseNuevaLlegaALaUltimaVersion y aplicar otra vez no cambia nada.
func TestBaseNuevaLlegaALaUltimaVersion(t *testing.T) {
	t.Parallel()
	db := abrir(t)
	if v := aplicar(t, db); v != ultima(t) {
		t.Fatalf("versión = %d, want %d", v, ultima(t))
	}
	antes, versionesAntes := esquema(t, db), versiones(t, db)
	if v := aplicar(t, db); v != ultima(t) {
		t.Fatalf("segunda vez: versión = %d, want %d", v, ultima(t))
	}
	if !slices.Equal(esquema(t, db), antes) {
		t.Fatal("aplicar dos veces cambió el esquema")
	}
	if got := versiones(t, db); !slices.Equal(got, versionesAntes) {
		t.Fatalf("aplicar dos veces registró versiones: %v, antes %v", got, versionesAntes)
	}
}

// TestBaseDeLaVersionAnteriorSeRegistraSinMigrar: una base con el esquema de
// AutoMigrate y sin tabla de versiones queda en la versión 1 sin ejecutar la
// migración 1 (que fallaría: sus tablas ya existen) y sin tocar el esquema.
func TestBaseDeLaVersionAnteriorSeRegistraSinMigrar(t *testing.T) {
	t.Parallel()
	db := baseVersionAnterior(t)
	antes := esquema(t, db)
	if v := aplicar(t, db); v != ultima(t) {
		t.Fatalf("versión = %d, want %d", v, ultima(t))
	}
	if got := versiones(t, db); len(got) < 2 || got[0] != 0 || got[1] != 1 {
		t.Fatalf("versiones registradas = %v, want [0 1 …]", got)
	}
	if ultima(t) == 1 && !slices.Equal(esquema(t, db), antes) {
		t.Fatal("la línea base cambió el esquema")
	}
	// Los números pueden saltar (una migración de un solo motor deja libre
	// su número en el otro): se compara con lo registrado, no con un conteo.
	registradas := versiones(t, db)
	if registradas[len(registradas)-1] != ultima(t) {
		t.Fatalf("versiones registradas = %v, want hasta %d", registradas, ultima(t))
	}
	aplicar(t, db)
	if got := versiones(t, db); !slices.Equal(got, registradas) {
		t.Fatalf("aplicar otra vez registró versiones: %v, antes %v", got, registradas)
	}
}

// TestBaseAjenaNoSeMarcaComoMigrada: una tabla usuarios sola no es una base
// de la versión anterior; no se registra ni se toca.
func TestBaseAjenaNoSeMarcaComoMigrada(t *testing.T) {
	t.Parallel()
	db := abrir(t)
	if _, err := db.Exec("CREATE TABLE usuarios (id integer PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	_, err := Aplicar(context.Background(), db, SQLite)
	if err == nil || !strings.Contains(err.Error(), "faltan") || !strings.Contains(err.Error(), "sesiones") || !strings.Contains(err.Error(), "más") {
		t.Fatalf("Aplicar = %v, want un error que nombre lo que falta", err)
	}
	var n int
	db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = ?", Tabla).Scan(&n)
	if n != 0 {
		t.Fatal("se creó la tabla de versiones en una base ajena")
	}
}

func TestDialectoDesconocido(t *testing.T) {
	t.Parallel()
	if _, err := Aplicar(context.Background(), abrir(t), "oracle"); err == nil || !strings.Contains(err.Error(), "oracle") {
		t.Fatalf("Aplicar = %v, want error que nombre el dialecto", err)
	}
}
