package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"solicitud-transporte/models"
	"solicitud-transporte/models/store/migraciones"
)

// reintentosPostgres es cuántas veces, como mucho, se ejecuta una
// transacción de escritura que PostgreSQL aborta por un conflicto de
// serialización (40001) o un interbloqueo (40P01).
const reintentosPostgres = 3

// abrirPostgres abre el pool sobre la URL o.DSN y migra el esquema.
//
// DB_TIMEOUT acota cada espera por la base: conectar (ConnectTimeout),
// esperar un bloqueo (lock_timeout, en cada conexión) y, dos veces él, una
// sentencia (statement_timeout) y una transacción abierta sin actividad
// (idle_in_transaction_session_timeout, cuatro veces). Esperar una conexión
// del pool lo acotan los contextos de leer y escribirPool. Los ajustes que ya
// traiga la URL se respetan.
func abrirPostgres(ctx context.Context, o OpcionesStore) (*gorm.DB, int64, error) {
	cc, err := pgx.ParseConfig(o.DSN)
	if err != nil {
		// El error de pgx puede repetir la URL, contraseña incluida si no
		// la reconoce: no se muestra.
		return nil, 0, errors.New("DB_DSN no es una URL de PostgreSQL válida (postgres://usuario:clave@host:5432/base?sslmode=…)")
	}
	cc.ConnectTimeout = o.Plazo
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	_, sentenciaPropia := cc.RuntimeParams["statement_timeout"]
	for clave, valor := range map[string]string{
		"lock_timeout":                        ms(o.Plazo),
		"statement_timeout":                   ms(2 * o.Plazo),
		"idle_in_transaction_session_timeout": ms(4 * o.Plazo),
		"application_name":                    "solicitud-transporte",
	} {
		if _, ok := cc.RuntimeParams[clave]; !ok {
			cc.RuntimeParams[clave] = valor
		}
	}
	// Los instantes se leen en UTC, como se guardan y como los devuelve
	// SQLite (pgx usaría la zona local del proceso).
	utc := stdlib.OptionAfterConnect(func(_ context.Context, c *pgx.Conn) error {
		c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	})

	// Las migraciones van por un pool propio y breve: el bloqueo de sesión
	// retiene una conexión mientras las demás migran, sea cual sea
	// DB_MAX_CONNS.
	// Una migración sobre una tabla grande (crear un índice, comprobar
	// una restricción) puede durar más que una sentencia de una petición:
	// sin statement_timeout, salvo que la URL lo fije.
	migCfg := cc.Copy()
	if !sentenciaPropia {
		migCfg.RuntimeParams["statement_timeout"] = "0"
	}
	mig := stdlib.OpenDB(*migCfg)
	esquema, err := migraciones.Aplicar(ctx, mig, migraciones.Postgres)
	mig.Close()
	if err != nil {
		return nil, 0, fmt.Errorf("migrar base de datos: %w", err)
	}

	sqlDB := stdlib.OpenDB(*cc, utc)
	sqlDB.SetMaxOpenConns(o.MaxConexiones)
	sqlDB.SetMaxIdleConns(o.MaxConexiones)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	db, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), configGorm(o))
	if err != nil {
		sqlDB.Close()
		return nil, 0, fmt.Errorf("abrir base de datos: %w", err)
	}
	return db, esquema, nil
}

// escribirPool es escribir en PostgreSQL: fn corre en una transacción sobre
// una conexión del pool, sin turno (PostgreSQL bloquea por filas y las
// reglas de "gana uno" son compare-and-swap o FOR UPDATE). Si PostgreSQL la
// aborta por un conflicto de serialización o un interbloqueo, la deshace y
// la repite entera, hasta reintentosPostgres veces, con una espera corta y
// al azar.
func (s *Store) escribirPool(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for intento := 1; ; intento++ {
		err = s.transaccionPool(ctx, fn)
		if intento == reintentosPostgres || !reintentable(err) {
			return traducir(err)
		}
		espera := time.Duration(intento) * (5*time.Millisecond + rand.N(20*time.Millisecond))
		select {
		case <-time.After(espera):
		case <-ctx.Done():
			// El cliente se fue: el intento abortado ya se deshizo entero.
			return traducir(err)
		}
	}
}

// transaccionPool espera una conexión del pool como mucho DB_TIMEOUT (y
// mientras el cliente siga ahí: sin conexión no se empezó nada) y ejecuta
// en ella fn en una transacción. La transacción ya no depende del cliente:
// corre con context.WithoutCancel, acotada a dos DB_TIMEOUT, así un cliente
// que cuelga no la corta a medias; termina confirmada o deshecha entera. Si
// el plazo vence a mitad, pgx cierra la conexión (PostgreSQL deshace la
// transacción) y database/sql la retira del pool en vez de devolverla: una
// conexión en un estado dudoso nunca se reutiliza.
func (s *Store) transaccionPool(ctx context.Context, fn func(tx *gorm.DB) error) error {
	sqlDB, err := s.w.DB()
	if err != nil {
		return err
	}
	espera, finEspera := context.WithTimeout(ctx, s.plazo)
	conn, err := sqlDB.Conn(espera)
	finEspera()
	if err != nil {
		return err
	}
	defer conn.Close()
	txCtx, finTx := context.WithTimeout(context.WithoutCancel(ctx), 2*s.plazo)
	defer finTx()
	db := s.w.Session(&gorm.Session{Context: txCtx})
	db.Statement.ConnPool = conn
	return db.Transaction(fn)
}

// reintentable: PostgreSQL abortó la transacción por un conflicto de
// serialización o un interbloqueo; repetirla puede salir bien.
func reintentable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// Restricciones de exclusión de la migración 2 (postgres/00002).
const (
	restriccionVehiculo  = "sol_vehiculo_sin_solape"
	restriccionMotorista = "sol_motorista_sin_solape"
	// restriccionMantenimiento es la de la migración 6 (postgres/00006).
	restriccionMantenimiento = "mant_vehiculo_sin_solape"
)

// traducirPostgres traduce los errores propios de PostgreSQL y de pgx que
// no son de GORM; nil si err no es uno de ellos.
//   - 23P01 (restricción de exclusión): 409 CONFLICTO_ASIGNACION. La base
//     rechazó un viaje que se solapa con otro del mismo vehículo o motorista,
//     aunque la comprobación de la aplicación no lo viera (otra instancia).
//   - La base caída, sin conexiones libres, reiniciándose, un bloqueo o una
//     sentencia que no terminan en su plazo, conflictos que siguieron tras
//     los reintentos: 503 SERVICIO_NO_DISPONIBLE, nunca 500.
func traducirPostgres(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23P01":
			quien := "El vehículo o el motorista"
			switch pe.ConstraintName {
			case restriccionVehiculo:
				quien = "El vehículo"
			case restriccionMotorista:
				quien = "El motorista"
			case restriccionMantenimiento:
				return &models.Error{Codigo: models.CodigoConflictoAsignacion, Err: err,
					Detalle: "El vehículo ya tiene un mantenimiento que se solapa con ese horario."}
			}
			return &models.Error{Codigo: models.CodigoConflictoAsignacion, Err: err,
				Detalle: quien + " ya está ocupado en ese horario por otra solicitud asignada o en curso."}
		case pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03", pe.Code == "53300":
			return &models.Error{Codigo: models.CodigoServicioNoDisponible, Err: err,
				Detalle: "La base de datos está ocupada. Intente de nuevo en unos segundos."}
		case pe.Code == "57014", pe.Code == "25P03", pe.Code[:2] == "08", pe.Code[:3] == "57P":
			return &models.Error{Codigo: models.CodigoServicioNoDisponible, Err: err,
				Detalle: "La base de datos no respondió a tiempo."}
		}
		return nil
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) {
		return &models.Error{Codigo: models.CodigoServicioNoDisponible, Err: err,
			Detalle: "No se pudo conectar con la base de datos. Intente de nuevo en unos segundos."}
	}
	return nil
}
