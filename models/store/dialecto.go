package store

import (
	"fmt"
	"strings"
)

// dialecto reúne lo poco que cambia entre SQLite y PostgreSQL fuera de
// Open. El resto del SQL del store es portable y se escribe una vez:
//   - FOR UPDATE (clause.Locking): PostgreSQL bloquea la fila; el dialecto
//     de GORM para SQLite lo omite, y allí ya serializa el único escritor.
//   - LIKE … ESCAPE '\' (patronLike): igual en los dos (PostgreSQL con
//     standard_conforming_strings, el valor por defecto, lee '\' literal).
//     La comparación sin mayúsculas va contra columnas ya normalizadas o
//     LOWER(columna), nunca ILIKE.
//   - Booleanos: GORM los pasa como parámetros; en SQLite son 0/1 y en
//     PostgreSQL boolean.
//   - ON CONFLICT DO NOTHING, RETURNING: los escribe el dialecto de GORM.
type dialecto struct {
	// nombre es el valor de DB_DRIVER.
	nombre string
	// sqlActor es la consulta de ActorDeToken con los placeholders del
	// motor.
	sqlActor string
	// sqlSolicitud es la lectura de una solicitud por id (GET
	// /solicitud/{id}) con los placeholders del motor.
	sqlSolicitud string
	// sqlCanje es la lectura de CanjearRefresh con los placeholders del
	// motor; en PostgreSQL bloquea la fila de la sesión (FOR UPDATE OF s):
	// los canjes de una misma sesión se esperan uno a otro, así el que llega
	// segundo ve el refresh_actual que dejó el primero (la gracia lo
	// compara); sin él, el segundo leería la sesión de antes y tomaría un
	// canje en gracia por una reutilización. En SQLite ya los serializa el
	// único escritor.
	sqlCanje string
	// unEscritor: las escrituras esperan turno para la única conexión de
	// escritura (SQLite, conEscritor). Si no, van por el pool, con
	// reintentos (PostgreSQL, escribirPool).
	unEscritor bool
	// acotarLecturas: cada lectura lleva el plazo DB_TIMEOUT (ver leer).
	acotarLecturas bool
	// indicarIndices: el planificador necesita que la lista le diga el
	// índice en algunos casos (SQLite, ver indiceLista); PostgreSQL estima
	// bien con sus estadísticas.
	indicarIndices bool
	// ordenarEventos es la sentencia que se ejecuta justo antes de insertar
	// un evento, para que el id crezca con el orden de confirmación (ver
	// anunciar). Vacía en SQLite: un solo escritor ya confirma en orden.
	ordenarEventos string
	// sql es el SQL fijo de las escrituras calientes, con los placeholders
	// del motor (ver sqlFijo).
	sql sqlFijo
}

var (
	sqliteDialecto = dialecto{nombre: "sqlite", sqlActor: sqlActor, sqlSolicitud: sqlSolicitud, sqlCanje: sqlCanje,
		unEscritor: true, indicarIndices: true, sql: armarSQLFijo(sinNumerar)}
	postgresDialecto = dialecto{nombre: "postgres", sqlActor: numerarParametros(sqlActor), sqlSolicitud: numerarParametros(sqlSolicitud),
		sqlCanje: numerarParametros(sqlCanje + " FOR UPDATE OF s"), acotarLecturas: true,
		ordenarEventos: "SELECT pg_advisory_xact_lock(" + claveOrdenEventos + ")",
		sql:            armarSQLFijo(numerarParametros)}
)

// numerarParametros cambia los "?" de q por $1, $2, … (PostgreSQL). q no
// debe tener "?" dentro de literales.
func numerarParametros(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
