package store

/*
typedef struct sqlite3 sqlite3;
int sqlite3_db_config(sqlite3*, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG (sqlite3.h); sqlite3_db_config es variádica y
// cgo no llama variádicas directamente.
static int activar_qpsg(void *db) {
	int v = 0;
	if (sqlite3_db_config((sqlite3*)db, 1007, 1, &v) != 0) return -1;
	return v;
}
*/
import "C"

import (
	"errors"
	"reflect"

	"github.com/mattn/go-sqlite3"
)

// activarQPSG activa en la conexión la garantía de estabilidad del
// planificador de SQLite (SQLITE_DBCONFIG_ENABLE_QPSG): el plan de una
// sentencia deja de depender de los valores ligados.
//
// Por qué: sin ella, SQLite mira los valores ligados al planificar toda
// consulta de más de una tabla (y LIMIT ?, LIKE ?) y marca la sentencia
// para volver a prepararla si cambian; mattn llama a sqlite3_clear_bindings
// antes de cada ejecución, y eso basta para marcarla. Cada canje de refresh
// y cada GET /solicitud/{id} volvían a analizar y planificar su SELECT con
// JOIN (sqlite3Reprepare: el 15 % del refresh y el 13 % del GET en perf,
// issue 13), aunque la sentencia estuviera preparada. Nuestras consultas no
// ganan nada con planes por valor: los filtros van por índice y las
// estadísticas (sqlite_stat1, sin STAT4) no miran valores.
//
// mattn no expone el sqlite3* ni sqlite3_db_config: se lee su campo db. Si
// una versión de mattn lo cambia, activarQPSG devuelve un error y la
// conexión no se abre (lo ve cualquier prueba), en vez de seguir en
// silencio sin la garantía.
func activarQPSG(c *sqlite3.SQLiteConn) error {
	campo := reflect.ValueOf(c).Elem().FieldByName("db")
	if !campo.IsValid() || campo.Kind() != reflect.Pointer || campo.IsNil() {
		return errors.New("sqlite: no se encontró el manejador de la conexión (¿cambió mattn/go-sqlite3?)")
	}
	if C.activar_qpsg(campo.UnsafePointer()) != 1 {
		return errors.New("sqlite: no se pudo activar SQLITE_DBCONFIG_ENABLE_QPSG")
	}
	return nil
}
