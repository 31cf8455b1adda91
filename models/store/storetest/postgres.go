package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	// Driver "pgx" de database/sql, para crear y borrar los esquemas.
	_ "github.com/jackc/pgx/v5/stdlib"
)

// VariablePostgres es la variable de entorno con la URL de un superusuario
// de un PostgreSQL de pruebas (la exporta .ci/postgres.sh). Sin ella, las
// pruebas corren solo sobre SQLite.
const VariablePostgres = "TEST_DATABASE_URL"

// URLPostgres devuelve TEST_DATABASE_URL ("" si no está).
func URLPostgres() string { return os.Getenv(VariablePostgres) }

var extension struct {
	sync.Mutex
	lista bool
}

// EsquemaPostgres crea en la base de TEST_DATABASE_URL un esquema nuevo y
// vacío, t_<aleatorio>, y devuelve una URL que lo usa (search_path=t_…,public
// como parámetro de sesión de pgx); lo borra con todo su contenido al
// terminar la prueba, después de lo que la prueba registró en t.Cleanup
// tras llamarla. Omite la prueba si TEST_DATABASE_URL no está.
//
// btree_gist (migración 2) se crea una vez por base en public, antes del
// primer esquema: CREATE EXTENSION IF NOT EXISTS no es seguro entre
// sesiones simultáneas (varios paquetes de pruebas corren a la vez), así que
// va bajo un bloqueo consultivo de transacción.
func EsquemaPostgres(tb testing.TB) string {
	tb.Helper()
	base := URLPostgres()
	if base == "" {
		tb.Skip(VariablePostgres + " no está definida: prueba solo para PostgreSQL")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("abrir %s: %v", VariablePostgres, err)
	}
	defer db.Close()
	ctx, cancelar := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancelar()
	if err := crearExtension(ctx, db); err != nil {
		tb.Fatalf("crear btree_gist: %v", err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	esquema := "t_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+esquema); err != nil {
		tb.Fatalf("crear el esquema de la prueba: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			tb.Errorf("borrar el esquema %s: %v", esquema, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + esquema + " CASCADE"); err != nil {
			tb.Errorf("borrar el esquema %s: %v", esquema, err)
		}
	})
	return ConParametro(tb, base, "search_path", esquema+",public")
}

// ConParametro devuelve dsn con el parámetro de URL clave=valor (lo
// reemplaza si ya estaba).
func ConParametro(tb testing.TB, dsn, clave, valor string) string {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatalf("%s no es una URL: %v", VariablePostgres, err)
	}
	q := u.Query()
	q.Set(clave, valor)
	u.RawQuery = q.Encode()
	return u.String()
}

func crearExtension(ctx context.Context, db *sql.DB) error {
	extension.Lock()
	defer extension.Unlock()
	if extension.lista {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Un número cualquiera, fijo: el mismo en todos los procesos de prueba.
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(727274001)"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	extension.lista = true
	return nil
}
