package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
)

// Lo propio del escritor único de SQLite: sus transacciones reutilizan las
// sentencias preparadas, y los checkpoints del WAL corren fuera de ellas.

// maxSentenciasEscritor acota las sentencias que el escritor guarda
// preparadas: las listas IN de largo variable dan una sentencia por largo.
const maxSentenciasEscritor = 256

// sentenciasEscritor son las sentencias preparadas sobre el *sql.DB de
// escritura, fuera de toda transacción, para usarlas dentro de las
// transacciones con Tx.StmtContext.
//
// Por qué no el caché de GORM (PrepareStmt): una sentencia que GORM prepara
// por primera vez dentro de una transacción queda atada a ella
// (Tx.PrepareContext) y se cierra con ella, y la siguiente transacción la
// vuelve a preparar; cada escritura preparaba y finalizaba así todas sus
// sentencias (7 por creación, 6 por refresh: issue 13). Una sentencia del
// *sql.DB, en cambio, Tx.StmtContext la reutiliza en la conexión de la
// transacción, que en SQLite es siempre la misma.
//
// Solo se usa con el turno del escritor (conEscritor): no lleva cerrojo.
type sentenciasEscritor struct {
	db    *sql.DB
	stmts map[string]*sql.Stmt
	// pendientes son las consultas que una transacción ejecutó sin
	// preparada: no se pueden preparar en el *sql.DB mientras la
	// transacción retiene su única conexión, así que se preparan al
	// terminarla (prepararPendientes).
	pendientes []string
	// escrituras cuenta las transacciones confirmadas (ver checkpointer).
	escrituras atomic.Int64
}

func nuevasSentencias(db *sql.DB) *sentenciasEscritor {
	return &sentenciasEscritor{db: db, stmts: map[string]*sql.Stmt{}}
}

// preparada devuelve la sentencia de q, o nil y la anota para prepararla
// después.
func (s *sentenciasEscritor) preparada(q string) *sql.Stmt {
	if st, ok := s.stmts[q]; ok {
		return st
	}
	if len(s.stmts)+len(s.pendientes) < maxSentenciasEscritor {
		s.stmts[q] = nil // anotada una vez aunque se repita en la transacción
		s.pendientes = append(s.pendientes, q)
	}
	return nil
}

// prepararPendientes prepara en el *sql.DB (la conexión ya está libre) lo
// anotado durante la última transacción. Una que no se deja preparar queda
// sin preparar: se ejecuta como antes, preparada y finalizada cada vez.
func (s *sentenciasEscritor) prepararPendientes(ctx context.Context) {
	for _, q := range s.pendientes {
		if st, err := s.db.PrepareContext(ctx, q); err == nil {
			s.stmts[q] = st
		}
	}
	s.pendientes = s.pendientes[:0]
}

// cerrar finaliza todas las sentencias.
func (s *sentenciasEscritor) cerrar() {
	for q, st := range s.stmts {
		if st != nil {
			st.Close()
		}
		delete(s.stmts, q)
	}
}

// txEscritor es el ConnPool de GORM de una transacción del escritor: cada
// sentencia va por su preparada del *sql.DB si la hay. Implementa
// gorm.TxCommitter, así GORM la trata como una transacción en curso (no abre
// otra para cada Create, y un Transaction anidado es un SAVEPOINT).
type txEscritor struct {
	tx *sql.Tx
	st *sentenciasEscritor
}

func (t *txEscritor) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, q)
}

func (t *txEscritor) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	// Exec de una sentencia que devuelve filas la deja activa (mattn no la
	// reinicia): esas no se reutilizan por aquí.
	if !strings.Contains(q, "RETURNING") {
		if st := t.st.preparada(q); st != nil {
			return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
		}
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *txEscritor) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.st.preparada(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *txEscritor) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.st.preparada(q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}

func (t *txEscritor) Commit() error   { return t.tx.Commit() }
func (t *txEscritor) Rollback() error { return t.tx.Rollback() }

// transaccionEscritor ejecuta fn en una transacción del escritor de SQLite
// (w viene de conEscritor, con el turno). BEGIN IMMEDIATE lo pone el DSN
// (_txlock=immediate). Se deshace si fn falla o entra en pánico.
func (s *Store) transaccionEscritor(w *gorm.DB, fn func(tx *gorm.DB) error) (err error) {
	ctx := w.Statement.Context
	sqlTx, err := s.sentencias.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	confirmada := false
	defer func() {
		if !confirmada {
			sqlTx.Rollback()
		}
		s.sentencias.prepararPendientes(ctx)
	}()
	tx := w.Session(&gorm.Session{})
	tx.Statement.ConnPool = &txEscritor{tx: sqlTx, st: s.sentencias}
	if err := fn(tx); err != nil {
		return err
	}
	confirmada = true
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	s.sentencias.escrituras.Add(1)
	return nil
}

// pragmasConexion son los PRAGMA de cada conexión SQLite que el DSN de mattn
// no sabe fijar:
//   - temp_store=MEMORY: los diarios de sentencia y los B-tree temporales
//     (ORDER BY sin índice) van a memoria y no a un archivo temporal.
//   - wal_autocheckpoint: el checkpoint automático corre en la conexión que
//     confirma, es decir en el escritor único y dentro del turno; bajo carga
//     de escrituras eran unas 15 pausas por segundo con las demás
//     escrituras en cola. Lo hace el checkpointer, en su propia conexión; el
//     automático queda solo como red (si el checkpointer no da abasto, el
//     WAL no crece sin límite).
//   - journal_size_limit: tras un checkpoint completo el WAL se trunca a
//     este tamaño en vez de quedarse con su máximo histórico.
var pragmasConexion = []string{
	"PRAGMA temp_store=MEMORY",
	"PRAGMA wal_autocheckpoint=16000",
	"PRAGMA journal_size_limit=67108864",
}

// conectorSQLite abre conexiones de mattn con pragmasConexion, sin registrar
// un driver global.
type conectorSQLite struct {
	dsn string
	drv *sqlite3.SQLiteDriver
	// envolver, si no es nil, envuelve cada conexión (las pruebas cuentan
	// así las sentencias).
	envolver func(driver.Conn) driver.Conn
}

func nuevoConectorSQLite(dsn string, envolver func(driver.Conn) driver.Conn) *conectorSQLite {
	return &conectorSQLite{dsn: dsn, envolver: envolver, drv: &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if err := activarQPSG(c); err != nil {
			return err
		}
		for _, p := range pragmasConexion {
			if _, err := c.Exec(p, nil); err != nil {
				return err
			}
		}
		return nil
	}}}
}

func (c *conectorSQLite) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil || c.envolver == nil {
		return conn, err
	}
	return c.envolver(conn), nil
}
func (c *conectorSQLite) Driver() driver.Driver { return c.drv }

// intervaloCheckpoint es cada cuánto el checkpointer mira si hubo
// escrituras.
const intervaloCheckpoint = 200 * time.Millisecond

// checkpointer pasa el WAL a la base fuera del camino de las peticiones: en
// su propia conexión, con PASSIVE, que no toma el bloqueo de escritura ni
// espera a nadie (copia lo que puede y deja el resto para la próxima), así
// ninguna escritura espera por él. Solo corre si hubo escrituras desde el
// último.
type checkpointer struct {
	db     *sql.DB
	fin    chan struct{}
	hecho  sync.WaitGroup
	cierre sync.Once
}

func iniciarCheckpointer(dsn string, st *sentenciasEscritor) *checkpointer {
	db := sql.OpenDB(nuevoConectorSQLite(dsn, nil))
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	c := &checkpointer{db: db, fin: make(chan struct{})}
	c.hecho.Add(1)
	go func() {
		defer c.hecho.Done()
		t := time.NewTicker(intervaloCheckpoint)
		defer t.Stop()
		var vistas int64
		for {
			select {
			case <-c.fin:
				return
			case <-t.C:
			}
			if n := st.escrituras.Load(); n != vistas {
				vistas = n
				// Un fallo (la base ocupada por un checkpoint ajeno) se
				// reintenta en la próxima vuelta; el automático es la red.
				var ocupado, paginas, copiadas int
				_ = db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&ocupado, &paginas, &copiadas)
			}
		}
	}()
	return c
}

// cerrar lo detiene; Store.Close puede llamarse más de una vez.
func (c *checkpointer) cerrar() error {
	c.cierre.Do(func() { close(c.fin) })
	c.hecho.Wait()
	return c.db.Close()
}
