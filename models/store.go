package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// OpcionesStore configura Open.
type OpcionesStore struct {
	// Driver es "sqlite" (el único incluido en esta versión).
	Driver string
	// DSN es la ruta del archivo para sqlite.
	DSN string
	// CostoHash es el costo de bcrypt para contraseñas nuevas.
	CostoHash int
	// Now es el reloj; nil usa time.Now.
	Now func() time.Time
	// Ubicacion es la zona de TIMEZONE: define dónde termina "el día" de una
	// fecha de salida sin regreso y de un filtro YYYY-MM-DD; nil usa UTC.
	Ubicacion *time.Location
}

// Store es el acceso a la base de datos. Las escrituras van por una sola
// conexión (w): SQLite tiene un único escritor y, con un pool, los perdedores
// duermen en el back-off de SQLite; una conexión los pone en cola en Go, en
// orden y respetando el contexto. Las lecturas usan un pool (r).
type Store struct {
	w, r *gorm.DB
	// consultaActor es la consulta de cada petición autenticada, preparada
	// una vez en el dialecto de la base (ver sqlActor).
	consultaActor *sql.Stmt
	now           func() time.Time
	loc           *time.Location
	costo         int
	// hashFalso iguala el costo de un usuario inexistente al de una
	// contraseña equivocada.
	hashFalso string
}

// Open abre (y migra) la base de datos. Es la única función que conoce el
// dialecto: el resto del SQL es portable.
func Open(ctx context.Context, o OpcionesStore) (*Store, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ubicacion == nil {
		o.Ubicacion = time.UTC
	}
	if o.Driver != "" && o.Driver != "sqlite" {
		return nil, fmt.Errorf("DB_DRIVER=%s no está incluido en esta compilación; use sqlite", o.Driver)
	}
	if dir := filepath.Dir(o.DSN); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("no se pudo crear la carpeta de datos %s: %w", dir, err)
		}
	}
	// WAL deja leer mientras se escribe; busy_timeout espera en vez de fallar;
	// _txlock=immediate toma el bloqueo de escritura al empezar la transacción,
	// así nunca falla al subir de lector a escritor a mitad de camino.
	base := o.DSN + "?_foreign_keys=on&_busy_timeout=5000&_journal_mode=WAL&_synchronous=NORMAL"
	cfg := func() *gorm.Config {
		return &gorm.Config{
			TranslateError: true,
			Logger:         logger.Discard,
			NowFunc:        func() time.Time { return o.Now().UTC() },
			PrepareStmt:    true,
			// Las listas IN de largo variable dan una sentencia por largo:
			// el caché queda acotado.
			PrepareStmtMaxSize: 256,
		}
	}
	w, err := gorm.Open(sqlite.Open(base+"&_txlock=immediate"), cfg())
	if err != nil {
		return nil, fmt.Errorf("abrir base de datos: %w", err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, err
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxIdleTime(0)
	wdb.SetConnMaxLifetime(0)

	if err := w.WithContext(ctx).AutoMigrate(
		&Usuario{}, &Sesion{}, &RefreshToken{}, &TokenRevocado{}, &BloqueoLogin{}, &RegistroAuditoria{},
		&CodigoRecuperacion{},
		&Vehiculo{}, &Solicitud{}, &Historial{}, &ContadorCodigo{},
	); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("migrar base de datos: %w", err)
	}
	if err := optimizar(ctx, w); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("optimizar base de datos: %w", err)
	}

	r, err := gorm.Open(sqlite.Open(base+"&_query_only=1"), cfg())
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("abrir base de datos: %w", err)
	}
	rdb, err := r.DB()
	if err != nil {
		wdb.Close()
		return nil, err
	}
	n := 2 * runtime.GOMAXPROCS(0)
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)

	s := &Store{w: w, r: r, now: func() time.Time { return o.Now().UTC() }, loc: o.Ubicacion, costo: o.CostoHash}
	if s.consultaActor, err = rdb.PrepareContext(ctx, sqlActor); err != nil {
		s.Close()
		return nil, fmt.Errorf("preparar consultas: %w", err)
	}
	if s.hashFalso, err = hashPassword("contraseña-que-nadie-tiene", s.costo); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Optimizar pone al día las estadísticas del planificador; el servidor lo
// llama con la purga periódica, porque un proceso largo no las renueva solo.
func (s *Store) Optimizar(ctx context.Context) error {
	return traducir(optimizar(ctx, s.w))
}

// optimizar es la parte propia de SQLite de Optimizar. Sin estadísticas,
// SQLite elige índices a ciegas: con la visibilidad de un solicitante
// (solicitante_id OR motorista_id) recorre todas las solicitudes de un estado
// en vez de las suyas. optimize=0x10002 corre un ANALYZE acotado
// (analysis_limit) solo en las tablas que lo necesitan.
func optimizar(ctx context.Context, w *gorm.DB) error {
	if err := w.WithContext(ctx).Exec("PRAGMA analysis_limit=1000").Error; err != nil {
		return err
	}
	return w.WithContext(ctx).Exec("PRAGMA optimize=0x10002").Error
}

// sqlActor lee el usuario y si el jti o la sesión están en la lista negra en
// una sola ida a la base. Placeholders "?" de SQLite; otro driver la prepara
// con los suyos en Open.
const sqlActor = `SELECT u.id, u.username, u.rol, u.activo,
	EXISTS (SELECT 1 FROM tokens_revocados r WHERE r.clave IN (?, ?)) AS revocado
	FROM usuarios u WHERE u.id = ?`

// Close cierra las conexiones.
func (s *Store) Close() error {
	var errs []error
	if s.consultaActor != nil {
		errs = append(errs, s.consultaActor.Close())
	}
	for _, db := range []*gorm.DB{s.r, s.w} {
		if sqlDB, err := db.DB(); err == nil {
			errs = append(errs, sqlDB.Close())
		}
	}
	return errors.Join(errs...)
}

// Ping comprueba que la base de datos responde. Usa el pool de lectura: la
// conexión de escritura puede estar ocupada sin que la base esté caída.
func (s *Store) Ping(ctx context.Context) error {
	var uno int
	if err := s.r.WithContext(ctx).Raw("SELECT 1").Scan(&uno).Error; err != nil {
		return traducir(err)
	}
	return nil
}

// plazoEscritura acota la espera por la única conexión de escritura: con la
// base saturada, el cliente recibe 503 en vez de esperar sin fin.
const plazoEscritura = 5 * time.Second

// escribir ejecuta fn en una transacción de escritura y traduce el error.
// Las escrituras no se anidan: el store tiene una sola conexión de escritura.
func (s *Store) escribir(ctx context.Context, fn func(tx *gorm.DB) error) error {
	ctx, cancelar := context.WithTimeout(ctx, plazoEscritura)
	defer cancelar()
	return traducir(s.w.WithContext(ctx).Transaction(fn))
}

// leer devuelve la conexión de lectura con el contexto.
func (s *Store) leer(ctx context.Context) *gorm.DB { return s.r.WithContext(ctx) }

// traducir convierte errores de la base de datos en *Error en el borde del
// store (wtf FormatError): *gorm.DB y sus errores no salen de este paquete.
func traducir(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	switch {
	case errors.As(err, &e):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return &Error{Codigo: CodigoNoEncontrado, Detalle: "El recurso solicitado no existe.", Err: err}
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return &Error{Codigo: CodigoConflicto, Detalle: "Ya existe un registro con ese valor.", Err: err}
	case esOcupado(err):
		return &Error{Codigo: CodigoServicioNoDisponible, Detalle: "La base de datos está ocupada. Intente de nuevo en unos segundos.", Err: err}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &Error{Codigo: CodigoServicioNoDisponible, Detalle: "La base de datos no respondió a tiempo.", Err: err}
	}
	return ErrorInterno(err)
}

// esOcupado reconoce el "database is locked"/"busy" de SQLite y una base
// cerrada: situaciones pasajeras que se contestan con 503, nunca 500.
func esOcupado(err error) bool {
	m := err.Error()
	return strings.Contains(m, "database is locked") || strings.Contains(m, "database table is locked") ||
		strings.Contains(m, "SQLITE_BUSY") || strings.Contains(m, "sql: database is closed")
}

// auditar inserta un evento de auditoría dentro de tx, con el origen de ctx.
func (s *Store) auditar(ctx context.Context, tx *gorm.DB, evento Evento, usuarioID, actorID *uint, detalle string) error {
	o := OrigenDe(ctx)
	return tx.Create(&RegistroAuditoria{
		Evento: evento, Fecha: s.now(), UsuarioID: usuarioID, ActorID: actorID,
		IP: recortar(o.IP, 64), UserAgent: recortar(o.UserAgent, 255), RequestID: recortar(o.RequestID, 128),
		Detalle: recortar(detalle, 500),
	}).Error
}

func recortar(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// corta en un límite de carácter UTF-8
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}

func ptr[T any](v T) *T { return &v }
