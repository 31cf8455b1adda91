// Package migraciones lleva el esquema de la base a la última versión con
// migraciones SQL numeradas, embebidas en el binario y registradas en la tabla
// de versiones de goose (goose_db_version). Cada migración corre en su propia
// transacción.
//
// Solo depende de database/sql: el store le pasa la conexión. Las
// migraciones de cada dialecto viven en su carpeta (sqlite/, postgres/) y se
// escriben a mano: un cambio de esquema es un archivo nuevo, nunca una
// edición de uno ya publicado. Los números de versión son comunes a los dos
// dialectos (una migración que solo un motor necesita deja el número libre
// en el otro).
package migraciones

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math"
	"regexp"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
	"github.com/pressly/goose/v3/lock"
)

//go:embed sqlite/*.sql postgres/*.sql
var archivos embed.FS

// Dialecto es el motor de base de datos de las migraciones.
type Dialecto string

// Dialectos incluidos.
const (
	SQLite   Dialecto = "sqlite"
	Postgres Dialecto = "postgres"
)

// Tabla es la tabla donde goose registra las versiones aplicadas.
const Tabla = goose.DefaultTablename

// dialecto reúne lo que cambia de un motor a otro.
type dialecto struct {
	goose   goose.Dialect
	carpeta string
	// existe cuenta los objetos (tablas o índices) con el nombre dado; solo
	// hace falta con lineaBase.
	existe string
	// lineaBase: reconocer una base de la versión anterior (AutoMigrate).
	// Solo SQLite: no hubo una versión anterior sobre PostgreSQL.
	lineaBase bool
	// bloqueo: migrar con un bloqueo de sesión de la base, para que de
	// varias instancias que arrancan a la vez migre una y las demás esperen.
	// En SQLite no hace falta: cada migración es una transacción inmediata
	// que toma el bloqueo de escritura de todo el archivo.
	bloqueo bool
}

var dialectos = map[Dialecto]dialecto{
	SQLite: {
		goose:     goose.DialectSQLite3,
		carpeta:   "sqlite",
		existe:    "SELECT count(*) FROM sqlite_master WHERE name = ?",
		lineaBase: true,
	},
	Postgres: {
		goose:   goose.DialectPostgres,
		carpeta: "postgres",
		bloqueo: true,
	},
}

// tablaTestigo es una tabla que la versión anterior (AutoMigrate, sin tabla
// de versiones) siempre creaba: si está y la tabla de versiones no, la base
// es de esa versión.
const tablaTestigo = "usuarios"

// Aplicar aplica a db las migraciones pendientes de d y devuelve la versión
// de esquema alcanzada.
//
// Una base de la versión anterior se reconoce porque tiene la tabla usuarios y
// no la tabla de versiones: se comprueba que tenga todas las tablas e índices
// de la migración 1 y se la registra como aplicada (línea base) en vez de
// ejecutarla; después se aplican las siguientes. A una base vacía se le aplica
// la migración 1 como a cualquier otra.
//
// En SQLite, db debe tomar el bloqueo de escritura al empezar cada
// transacción (_txlock=immediate), para que la línea base no compita con
// otro proceso que abre la misma base. En PostgreSQL todo ocurre bajo un
// bloqueo consultivo de sesión (goose SessionLocker) propio del esquema
// actual: db necesita al menos dos conexiones (una retiene el bloqueo).
func Aplicar(ctx context.Context, db *sql.DB, d Dialecto) (int64, error) {
	return aplicarHasta(ctx, db, d, math.MaxInt64)
}

// aplicarHasta es Aplicar sin pasar de la versión hasta.
func aplicarHasta(ctx context.Context, db *sql.DB, d Dialecto, hasta int64) (int64, error) {
	dl, fsys, err := buscar(d)
	if err != nil {
		return 0, err
	}
	if dl.lineaBase {
		if err := lineaBase(ctx, db, dl, fsys); err != nil {
			return 0, err
		}
	}
	opciones := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true), goose.WithLogger(goose.NopLogger())}
	if dl.bloqueo {
		l, err := bloqueoDeSesion(ctx, db)
		if err != nil {
			return 0, err
		}
		opciones = append(opciones, goose.WithSessionLocker(l))
	}
	p, err := goose.NewProvider(dl.goose, db, fsys, opciones...)
	if err != nil {
		return 0, fmt.Errorf("preparar migraciones: %w", err)
	}
	if _, err := p.UpTo(ctx, hasta); err != nil {
		return 0, fmt.Errorf("aplicar migraciones: %w", err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("leer la versión del esquema: %w", err)
	}
	return v, nil
}

// Ultima devuelve la versión más alta de las migraciones embebidas de d.
func Ultima(d Dialecto) (int64, error) {
	_, fsys, err := buscar(d)
	if err != nil {
		return 0, err
	}
	var ultima int64
	err = fs.WalkDir(fsys, ".", func(ruta string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		if v, err := goose.NumericComponent(ruta); err == nil && v > ultima {
			ultima = v
		}
		return nil
	})
	return ultima, err
}

// bloqueoDeSesion es el bloqueo consultivo de PostgreSQL bajo el que se
// migra. Su id sale del esquema actual (current_schema()): la tabla de
// versiones es de cada esquema, así dos esquemas de una base (las pruebas
// usan uno cada una) migran a la vez, y dos instancias sobre el mismo
// esquema se esperan. Se reintenta cada segundo, hasta 5 minutos.
func bloqueoDeSesion(ctx context.Context, db *sql.DB) (lock.SessionLocker, error) {
	var esquema string
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&esquema); err != nil {
		return nil, fmt.Errorf("leer el esquema actual: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("solicitud-transporte/migraciones/" + esquema))
	return lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64()>>1)), lock.WithLockTimeout(1, 300))
}

func buscar(d Dialecto) (dialecto, fs.FS, error) {
	dl, ok := dialectos[d]
	if !ok {
		return dialecto{}, nil, fmt.Errorf("no hay migraciones para el dialecto %q", d)
	}
	fsys, err := fs.Sub(archivos, dl.carpeta)
	if err != nil {
		return dialecto{}, nil, err
	}
	return dl, fsys, nil
}

// lineaBase registra la migración 1 como aplicada si la base es de la
// versión anterior. Todo ocurre en una transacción de escritura: dos procesos
// que abren la misma base no la registran dos veces.
func lineaBase(ctx context.Context, db *sql.DB, dl dialecto, fsys fs.FS) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("revisar el esquema existente: %w", err)
	}
	defer tx.Rollback() // tras Commit no hace nada
	conVersiones, err := existe(ctx, tx, dl, Tabla)
	if err != nil {
		return err
	}
	anterior, err := existe(ctx, tx, dl, tablaTestigo)
	if err != nil {
		return err
	}
	if conVersiones || !anterior {
		return nil
	}

	inicial, err := fs.ReadFile(fsys, "00001_esquema_inicial.sql")
	if err != nil {
		return err
	}
	var faltan []string
	for _, nombre := range objetos(string(inicial)) {
		ok, err := existe(ctx, tx, dl, nombre)
		if err != nil {
			return err
		}
		if !ok {
			faltan = append(faltan, nombre)
		}
	}
	if len(faltan) > 0 {
		lista := strings.Join(faltan, ", ")
		if len(faltan) > 5 {
			lista = fmt.Sprintf("%s y %d más", strings.Join(faltan[:5], ", "), len(faltan)-5)
		}
		return fmt.Errorf("la base tiene la tabla %s pero no el esquema completo de la versión anterior (faltan %s); no se la migra", tablaTestigo, lista)
	}

	st, err := database.NewStore(dl.goose, Tabla)
	if err != nil {
		return err
	}
	if err := st.CreateVersionTable(ctx, tx); err != nil {
		return fmt.Errorf("crear la tabla de versiones: %w", err)
	}
	// Versión 0 como la registra goose al crear la tabla, y 1 como aplicada.
	for _, v := range []int64{0, 1} {
		if err := st.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return fmt.Errorf("registrar la línea base: %w", err)
		}
	}
	return tx.Commit()
}

func existe(ctx context.Context, tx *sql.Tx, dl dialecto, nombre string) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, dl.existe, nombre).Scan(&n); err != nil {
		return false, fmt.Errorf("revisar el esquema existente: %w", err)
	}
	return n > 0, nil
}

var reCreate = regexp.MustCompile("(?i)CREATE\\s+(?:UNIQUE\\s+)?(?:TABLE|INDEX)\\s+[`\"]?(\\w+)")

// objetos devuelve los nombres de las tablas e índices que crea la parte Up
// de una migración.
func objetos(migracion string) []string {
	up, _, _ := strings.Cut(migracion, "-- +goose Down")
	var nombres []string
	for _, m := range reCreate.FindAllStringSubmatch(up, -1) {
		nombres = append(nombres, m[1])
	}
	return nombres
}
