package store

import (
	"database/sql"

	"gorm.io/gorm"
)

// sqlFijo es el SQL de las escrituras calientes (issue 13): crear una
// solicitud, el historial y el evento de cada movimiento, y el canje de un
// refresh token. Son cadenas armadas una vez por dialecto (placeholders "?"
// en SQLite, $1, $2, … en PostgreSQL) que se ejecutan tal cual en la
// conexión de la transacción (ejecutar, leerFila), sin los constructores de
// GORM: en cada petición no hay reflexión del modelo, ni SQL que armar, ni
// callbacks.
//
// Las columnas y los valores son los que escribía GORM con Create y Updates
// (DryRun): todas las columnas del modelo, las nulas como NULL, y cada valor
// Go llega igual al driver (el mismo time.Time, el mismo puntero nil), así
// SQLite guarda los instantes con el mismo texto (el formato de mattn) y las
// comparaciones y los órdenes de las consultas no cambian. Lo comprueba
// TestSQLFijoComoGORM.
type sqlFijo struct {
	// siguienteCodigo crea o incrementa el contador del año y devuelve el
	// número (ver siguienteCodigoSolicitud).
	siguienteCodigo string
	// insertarSolicitud inserta la fila entera de una solicitud nueva y
	// devuelve su id.
	insertarSolicitud string
	// historiar inserta una entrada del historial (sin RETURNING: nadie
	// usa su id).
	historiar string
	// anunciar inserta un evento en la bandeja de salida.
	anunciar string
	// gastarRefresh marca usado un refresh token si no lo estaba: el
	// llamador comprueba las filas afectadas.
	gastarRefresh string
	// insertarRefresh inserta el sucesor de un refresh token.
	insertarRefresh string
	// usarSesion anota el último uso de la sesión y su refresh vigente.
	usarSesion string
}

// armarSQLFijo arma el SQL fijo con los placeholders que da numerar.
func armarSQLFijo(numerar func(string) string) sqlFijo {
	return sqlFijo{
		siguienteCodigo: numerar(`INSERT INTO contadores_codigo (anio, numero) VALUES (?, 1)
	ON CONFLICT (anio) DO UPDATE SET numero = contadores_codigo.numero + 1 RETURNING numero`),
		insertarSolicitud: numerar(`INSERT INTO solicitudes (codigo, estado, origen, destino, fecha_salida, fecha_regreso,
	fin_ventana, motivo, pasajeros, observaciones, busqueda, solicitante_id, vehiculo_id, motorista_id,
	viaje_inicio_real, viaje_fin_real, viaje_km_inicial, viaje_km_final, viaje_combustible_litros, viaje_observaciones,
	motivo_rechazo, motivo_cancelacion, version, creado_en, actualizado_en)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		historiar: numerar(`INSERT INTO historial_solicitudes (solicitud_id, estado_anterior, estado_nuevo, usuario_id, comentario, fecha)
	VALUES (?, ?, ?, ?, ?, ?)`),
		anunciar: numerar(`INSERT INTO eventos (tipo, fecha, solicitud_id, codigo, estado, version, actor_id, actor_username)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		gastarRefresh: numerar(`UPDATE refresh_tokens SET sucesor_jti = ?, usado_en = ?
	WHERE jti = ? AND sesion_id = ? AND usado_en IS NULL`),
		insertarRefresh: numerar(`INSERT INTO refresh_tokens (jti, sesion_id, rol, emitido_en, expira_en, usado_en, sucesor_jti)
	VALUES (?, ?, ?, ?, ?, ?, ?)`),
		usarSesion: numerar(`UPDATE sesiones SET refresh_actual = ?, ultimo_uso = ? WHERE id = ?`),
	}
}

// sinNumerar deja los "?" de SQLite.
func sinNumerar(q string) string { return q }

// ejecutar ejecuta q (SQL fijo, ya con los placeholders del motor) en la
// conexión de la transacción tx: en SQLite la del escritor, que reutiliza
// su sentencia preparada (txEscritor); en PostgreSQL la *sql.Tx, y pgx
// guarda la sentencia preparada de la conexión. El error se traduce como lo
// traduce GORM (TranslateError), así traducir y conexionDudosa lo ven igual
// que antes.
func ejecutar(tx *gorm.DB, q string, args ...any) (sql.Result, error) {
	res, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, q, args...)
	if err != nil {
		return nil, traducirGorm(tx, err)
	}
	return res, nil
}

// leerFila ejecuta q en la conexión de la transacción tx y lee su primera
// fila en dest. Sin filas es sql.ErrNoRows.
func leerFila(tx *gorm.DB, q string, args []any, dest ...any) error {
	err := tx.Statement.ConnPool.QueryRowContext(tx.Statement.Context, q, args...).Scan(dest...)
	if err != nil && err != sql.ErrNoRows {
		return traducirGorm(tx, err)
	}
	return err
}

// traducirGorm convierte err como lo hace GORM con TranslateError (claves
// duplicadas, claves foráneas).
func traducirGorm(tx *gorm.DB, err error) error {
	if t, ok := tx.Dialector.(gorm.ErrorTranslator); ok && tx.Config.TranslateError {
		return t.Translate(err)
	}
	return err
}
