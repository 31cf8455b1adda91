package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"solicitud-transporte/models"
	"solicitud-transporte/models/store/migraciones"
)

// OpcionesStore configura Open.
type OpcionesStore struct {
	// Driver es "sqlite" (vacío también) o "postgres".
	Driver string
	// DSN es la ruta del archivo para sqlite y la URL para postgres.
	DSN string
	// MaxConexiones es DB_MAX_CONNS: el tamaño del pool de PostgreSQL;
	// cero usa 20. SQLite no lo usa.
	MaxConexiones int
	// CostoHash es el costo de bcrypt para contraseñas nuevas.
	CostoHash int
	// Now es el reloj; nil usa time.Now.
	Now func() time.Time
	// Ubicacion es la zona de TIMEZONE: define dónde termina "el día" de una
	// fecha de salida sin regreso y de un filtro YYYY-MM-DD; nil usa UTC.
	Ubicacion *time.Location
	// Plazo es DB_TIMEOUT: la espera máxima por una conexión, por el
	// escritor de SQLite y por un bloqueo antes de contestar 503; cero usa
	// 5 s.
	Plazo time.Duration
	// Flujo es la máquina de estados con lo que la configuración relaja
	// (PERMITIR_AUTOAPROBACION); el valor cero es la regla estricta.
	Flujo models.Flujo
	// envolverConexion, solo para las pruebas, envuelve cada conexión de
	// SQLite de las peticiones (para contar sentencias).
	envolverConexion func(driver.Conn) driver.Conn
}

// Store es el acceso a la base de datos.
//
// En SQLite las escrituras van por una sola conexión (w): SQLite tiene un
// único escritor y, con un pool, los perdedores duermen en el back-off de
// SQLite; una conexión los pone en cola en Go, en orden y respetando el
// contexto. Las lecturas usan un pool (r).
//
// En PostgreSQL w y r son el mismo pool de DB_MAX_CONNS conexiones y las
// escrituras no hacen cola (ver escribirPool).
type Store struct {
	w, r *gorm.DB
	// dl es lo poco que cambia de un motor a otro.
	dl dialecto
	// turno es el permiso de usar la conexión de escritura de SQLite
	// (capacidad 1). Esperarlo respeta el contexto del cliente; lo que se
	// hace con él, no (ver conEscritor).
	turno chan struct{}
	// plazo es DB_TIMEOUT.
	plazo time.Duration
	// descartes cuenta las conexiones de escritura cerradas por dudosas.
	descartes atomic.Int64
	// publicar es el aviso de AlPublicar (nil: nadie escucha).
	publicar atomic.Pointer[func()]
	// esquema es la versión de las migraciones alcanzada en Open.
	esquema int64
	// sentencias son las preparadas del escritor de SQLite (ver
	// transaccionEscritor); nil en PostgreSQL.
	sentencias *sentenciasEscritor
	// ckpt hace los checkpoints del WAL de SQLite; nil en PostgreSQL.
	ckpt *checkpointer
	// consultaActor es la consulta de cada petición autenticada, preparada
	// una vez en el dialecto de la base (ver sqlActor).
	consultaActor *sql.Stmt
	// consultaSolicitud es la de GET /solicitud/{id}, preparada igual: sin
	// el armado de GORM (analizar el SQL largo de la unión en cada
	// petición), que era una décima parte de la vista.
	consultaSolicitud *sql.Stmt
	now               func() time.Time
	loc               *time.Location
	flujo             models.Flujo
	costo             int
}

// Open abre la base de datos y le aplica las migraciones pendientes
// (paquete migraciones). Solo Open y el valor dialecto conocen el motor: el
// resto del SQL es portable.
func Open(ctx context.Context, o OpcionesStore) (*Store, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ubicacion == nil {
		o.Ubicacion = time.UTC
	}
	if o.Plazo <= 0 {
		o.Plazo = 5 * time.Second
	}
	if o.MaxConexiones <= 0 {
		o.MaxConexiones = 20
	}
	s := &Store{turno: make(chan struct{}, 1), plazo: o.Plazo,
		now: func() time.Time { return o.Now().UTC() }, loc: o.Ubicacion, costo: o.CostoHash,
		flujo: o.Flujo}
	var err error
	switch o.Driver {
	case "", "sqlite":
		s.dl = sqliteDialecto
		s.w, s.r, s.esquema, err = abrirSQLite(ctx, o)
		if err == nil {
			err = s.iniciarEscritorSQLite(o)
		}
	case "postgres":
		s.dl = postgresDialecto
		s.w, s.esquema, err = abrirPostgres(ctx, o)
		s.r = s.w
	default:
		return nil, fmt.Errorf("DB_DRIVER=%s no existe; use sqlite o postgres", o.Driver)
	}
	if err != nil {
		return nil, err
	}
	rdb, err := s.r.DB()
	if err != nil {
		s.Close()
		return nil, err
	}
	for _, c := range []struct {
		destino **sql.Stmt
		q       string
	}{{&s.consultaActor, s.dl.sqlActor}, {&s.consultaSolicitud, s.dl.sqlSolicitud}} {
		if *c.destino, err = rdb.PrepareContext(ctx, c.q); err != nil {
			s.Close()
			return nil, fmt.Errorf("preparar consultas: %w", traducir(err))
		}
	}
	return s, nil
}

// configGorm es la configuración de GORM común a los dos motores.
func configGorm(o OpcionesStore) *gorm.Config {
	return &gorm.Config{
		TranslateError: true,
		Logger:         logger.Discard,
		NowFunc:        func() time.Time { return o.Now().UTC() },
	}
}

// abrirSQLite abre la conexión de escritura y el pool de lectura sobre el
// archivo o.DSN y lo migra.
func abrirSQLite(ctx context.Context, o OpcionesStore) (w, r *gorm.DB, esquema int64, err error) {
	if dir := filepath.Dir(o.DSN); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, 0, fmt.Errorf("no se pudo crear la carpeta de datos %s: %w", dir, err)
		}
	}
	// _txlock=immediate toma el bloqueo de escritura al empezar la
	// transacción, así nunca falla al subir de lector a escritor a mitad de
	// camino.
	base := dsnSQLite(o)
	cfg := func() *gorm.Config {
		c := configGorm(o)
		c.PrepareStmt = true
		// Las listas IN de largo variable dan una sentencia por largo:
		// el caché queda acotado.
		c.PrepareStmtMaxSize = 256
		return c
	}
	w, err = gorm.Open(sqlite.New(sqlite.Config{Conn: sql.OpenDB(nuevoConectorSQLite(base+"&_txlock=immediate", o.envolverConexion))}), cfg())
	if err != nil {
		return nil, nil, 0, fmt.Errorf("abrir base de datos: %w", err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, nil, 0, err
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxIdleTime(0)
	wdb.SetConnMaxLifetime(0)

	esquema, err = migraciones.Aplicar(ctx, wdb, migraciones.SQLite)
	if err != nil {
		wdb.Close()
		return nil, nil, 0, fmt.Errorf("migrar base de datos: %w", err)
	}
	if err := optimizar(w.WithContext(ctx)); err != nil {
		wdb.Close()
		return nil, nil, 0, fmt.Errorf("optimizar base de datos: %w", err)
	}

	r, err = gorm.Open(sqlite.New(sqlite.Config{Conn: sql.OpenDB(nuevoConectorSQLite(base+"&_query_only=1", o.envolverConexion))}), cfg())
	if err != nil {
		wdb.Close()
		return nil, nil, 0, fmt.Errorf("abrir base de datos: %w", err)
	}
	rdb, err := r.DB()
	if err != nil {
		wdb.Close()
		return nil, nil, 0, err
	}
	n := 2 * runtime.GOMAXPROCS(0)
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	return w, r, esquema, nil
}

// iniciarEscritorSQLite prepara lo que el escritor de SQLite reutiliza
// entre transacciones y arranca el checkpointer.
func (s *Store) iniciarEscritorSQLite(o OpcionesStore) error {
	wdb, err := s.w.DB()
	if err != nil {
		return err
	}
	s.sentencias = nuevasSentencias(wdb)
	s.ckpt = iniciarCheckpointer(dsnSQLite(o), s.sentencias)
	return nil
}

// dsnSQLite es el DSN común a las conexiones de SQLite.
//
// WAL deja leer mientras se escribe; busy_timeout espera en vez de fallar.
// busy_timeout es DB_TIMEOUT: lo que un escritor espera el bloqueo que tiene
// otro proceso, medido por SQLite y no por un contexto (ver conEscritor).
func dsnSQLite(o OpcionesStore) string {
	return fmt.Sprintf("%s?_foreign_keys=on&_busy_timeout=%d&_journal_mode=WAL&_synchronous=NORMAL", o.DSN, o.Plazo.Milliseconds())
}

// EscritoresDescartados cuenta las conexiones de escritura que se cerraron
// por un fallo de la conexión (ver conEscritor).
func (s *Store) EscritoresDescartados() int64 { return s.descartes.Load() }

// Esquema devuelve la versión del esquema (la última migración aplicada)
// que Open dejó en la base.
func (s *Store) Esquema() int64 { return s.esquema }

// Optimizar pone al día las estadísticas del planificador; el servidor lo
// llama con la purga periódica, porque un proceso largo de SQLite no las
// renueva solo. En PostgreSQL no hace nada: el autovacuum ya las renueva
// (autoanalyze), en una sola instancia y no en cada una.
func (s *Store) Optimizar(ctx context.Context) error {
	if !s.dl.unEscritor {
		return nil
	}
	return s.conEscritor(ctx, func(w *gorm.DB) error { return optimizar(w) })
}

// optimizar es la parte propia de SQLite de Optimizar. Sin estadísticas,
// SQLite elige índices a ciegas: con la visibilidad de un solicitante
// (solicitante_id OR motorista_id) recorre todas las solicitudes de un estado
// en vez de las suyas. optimize=0x10002 corre un ANALYZE acotado
// (analysis_limit) solo en las tablas que lo necesitan.
//
// Los PRAGMA se leen como filas y no con Exec: analysis_limit devuelve una
// fila, y una sentencia preparada (PrepareStmt) ejecutada con Exec se queda
// a mitad de camino (mattn no la reinicia tras SQLITE_ROW). Con una
// sentencia activa para siempre, SQLite nunca borra la marca de un
// sqlite3_interrupt, y cada sentencia posterior de esa conexión falla con
// "interrupted" (issue 14).
func optimizar(w *gorm.DB) error {
	for _, pragma := range []string{"PRAGMA analysis_limit=1000", "PRAGMA optimize=0x10002"} {
		filas, err := w.Raw(pragma).Rows()
		if err != nil {
			return err
		}
		for filas.Next() {
		}
		if err := errors.Join(filas.Err(), filas.Close()); err != nil {
			return err
		}
	}
	return nil
}

// sqlActor lee el usuario y si el jti o la sesión están en la lista negra en
// una sola ida a la base. Placeholders "?" de SQLite; el dialecto de
// PostgreSQL la numera ($1, $2, $3) y Open la prepara.
const sqlActor = `SELECT u.id, u.username, u.rol, u.activo,
	EXISTS (SELECT 1 FROM tokens_revocados r WHERE r.clave IN (?, ?)) AS revocado
	FROM usuarios u WHERE u.id = ?`

// Close cierra las conexiones. Con SQLite espera antes el turno del
// escritor: una escritura en curso (la purga periódica, una petición que el
// apagado dejó terminar) acaba entera antes de que se cierren sus sentencias,
// y las que lleguen después fallan sobre una base cerrada.
func (s *Store) Close() error {
	var errs []error
	if s.ckpt != nil {
		errs = append(errs, s.ckpt.cerrar())
	}
	if s.sentencias != nil {
		s.turno <- struct{}{}
		s.sentencias.cerrar()
		<-s.turno
	}
	for _, st := range []*sql.Stmt{s.consultaActor, s.consultaSolicitud} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	for i, db := range []*gorm.DB{s.r, s.w} {
		if db == nil || (i == 1 && s.w == s.r) {
			continue
		}
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping comprueba que la base responde a lecturas y que se puede escribir:
// una transacción vacía (en SQLite toma el bloqueo de escritura; en
// PostgreSQL, una conexión del pool). Un escritor que no puede escribir
// (otro proceso con el bloqueo, una conexión dañada, un pool agotado) es una
// base que no sirve, aunque las lecturas respondan.
func (s *Store) Ping(ctx context.Context) error {
	db, fin := s.leer(ctx)
	defer fin()
	var uno int
	if err := db.Raw("SELECT 1").Scan(&uno).Error; err != nil {
		return traducir(err)
	}
	return s.escribir(ctx, func(*gorm.DB) error { return nil })
}

// escribir ejecuta fn en una transacción de escritura y traduce el error:
// en SQLite con el turno de la única conexión de escritura (conEscritor), en
// PostgreSQL por el pool (escribirPool), que puede repetir fn entera tras un
// conflicto de serialización o un interbloqueo: fn no debe arrastrar estado
// de un intento al siguiente (un ID asignado por un INSERT deshecho, un
// contador). Las escrituras no se anidan.
func (s *Store) escribir(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if !s.dl.unEscritor {
		return s.escribirPool(ctx, fn)
	}
	return s.conEscritor(ctx, func(w *gorm.DB) error { return s.transaccionEscritor(w, fn) })
}

// conEscritor da a fn la conexión de escritura, en turno.
//
// El turno se espera como mucho DB_TIMEOUT y se abandona si el cliente se va:
// eso es 503 sin haber tocado la base. Una vez con el turno, fn corre sin la
// cancelación del cliente: cancelar una sentencia de SQLite es un
// sqlite3_interrupt sobre la conexión compartida, y un cliente que cuelga no
// debe dejar una escritura a medias ni tocar la de nadie más. Lo que fn espera
// a la base (el bloqueo de otro proceso) lo acota busy_timeout = DB_TIMEOUT.
//
// Si fn falla por algo que no es una regla del dominio ni una restricción,
// la conexión se descarta y la siguiente escritura abre otra: una conexión
// en un estado dudoso nunca se reutiliza.
func (s *Store) conEscritor(ctx context.Context, fn func(w *gorm.DB) error) error {
	espera, cancelar := context.WithTimeout(ctx, s.plazo)
	defer cancelar()
	select {
	case s.turno <- struct{}{}:
	case <-espera.Done():
		return &models.Error{Codigo: models.CodigoServicioNoDisponible, Detalle: "La base de datos está ocupada. Intente de nuevo en unos segundos.", Err: espera.Err()}
	}
	defer func() { <-s.turno }()
	err := fn(s.w.WithContext(context.WithoutCancel(ctx)))
	if conexionDudosa(err) {
		s.descartarEscritor()
	}
	return traducir(err)
}

// conexionDudosa dice si err viene de la conexión y no de los datos ni de
// las reglas: un fallo de SQLite que no es una restricción ni un bloqueo de
// otro proceso (interrupted, E/S, una transacción que quedó abierta), o una
// conexión que database/sql da por perdida. Los errores del dominio con los
// que una transacción se deshace a propósito (un código MFA rechazado, una
// transición inválida) no cuentan.
func conexionDudosa(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code != sqlite3.ErrConstraint && se.Code != sqlite3.ErrBusy && se.Code != sqlite3.ErrLocked
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone)
}

// descartarEscritor cierra la conexión de escritura (el llamador tiene el
// turno, así que está libre); database/sql abre otra en la próxima escritura
// y vuelve a preparar en ella las sentencias del caché.
func (s *Store) descartarEscritor() {
	s.descartes.Add(1)
	sqlDB, err := s.w.DB()
	if err != nil {
		return
	}
	ctx, cancelar := context.WithTimeout(context.Background(), time.Second)
	defer cancelar()
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return
	}
	// Raw con driver.ErrBadConn es la forma de database/sql de retirar una
	// conexión del pool: la cierra en vez de devolverla.
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// leer devuelve el pool de lectura con el contexto, y la función que lo
// libera. En PostgreSQL la lectura entera (esperar una conexión del pool,
// conectar y la consulta) se acota a DB_TIMEOUT, así una base que no
// contesta es un 503 a tiempo y nunca una petición colgada. En SQLite las
// lecturas no esperan a nadie (WAL) y no llevan plazo.
func (s *Store) leer(ctx context.Context) (*gorm.DB, context.CancelFunc) {
	if !s.dl.acotarLecturas {
		return s.r.WithContext(ctx), func() {}
	}
	ctx, fin := context.WithTimeout(ctx, s.plazo)
	return s.r.WithContext(ctx), fin
}

// traducir convierte errores de la base de datos en *models.Error en el borde del
// store (wtf FormatError): *gorm.DB y sus errores no salen de este paquete.
func traducir(err error) error {
	if err == nil {
		return nil
	}
	var e *models.Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &models.Error{Codigo: models.CodigoNoEncontrado, Detalle: "El recurso solicitado no existe.", Err: err}
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &models.Error{Codigo: models.CodigoConflicto, Detalle: "Ya existe un registro con ese valor.", Err: err}
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return &models.Error{Codigo: models.CodigoConflicto, Detalle: "El registro hace referencia a otro que no existe o está en uso.", Err: err}
	}
	if e := traducirPostgres(err); e != nil {
		return e
	}
	switch {
	case esOcupado(err):
		return &models.Error{Codigo: models.CodigoServicioNoDisponible, Detalle: "La base de datos está ocupada. Intente de nuevo en unos segundos.", Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), esInterrumpido(err):
		return &models.Error{Codigo: models.CodigoServicioNoDisponible, Detalle: "La base de datos no respondió a tiempo.", Err: err}
	}
	return models.ErrorInterno(err)
}

// esInterrumpido reconoce una sentencia cortada por sqlite3_interrupt (una
// lectura cuyo cliente se fue).
func esInterrumpido(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == sqlite3.ErrInterrupt
}

// esOcupado reconoce el "database is locked"/"busy" de SQLite y una base
// cerrada: situaciones pasajeras que se contestan con 503, nunca 500.
func esOcupado(err error) bool {
	m := err.Error()
	return strings.Contains(m, "database is locked") || strings.Contains(m, "database table is locked") ||
		strings.Contains(m, "SQLITE_BUSY") || strings.Contains(m, "sql: database is closed")
}

func ptr[T any](v T) *T { return &v }
