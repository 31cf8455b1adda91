package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// cuenta son las sentencias que SQLite ejecuta (BEGIN y COMMIT incluidos) y
// las que prepara (una ejecución sin preparada también prepara y finaliza).
type cuenta struct {
	sentencias, preparadas atomic.Int64
}

func (c *cuenta) leer() (int64, int64) { return c.sentencias.Load(), c.preparadas.Load() }

// conexionContada envuelve una conexión de mattn y cuenta lo que pasa por
// ella; reenvía las interfaces que database/sql usa de mattn.
type conexionContada struct {
	driver.Conn
	c *cuenta
}

type sentenciaContada struct {
	driver.Stmt
	c *cuenta
}

type txContada struct {
	driver.Tx
	c *cuenta
}

func (k conexionContada) Prepare(q string) (driver.Stmt, error) {
	return k.PrepareContext(context.Background(), q)
}

func (k conexionContada) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	k.c.preparadas.Add(1)
	st, err := k.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return sentenciaContada{st, k.c}, nil
}

func (k conexionContada) BeginTx(ctx context.Context, o driver.TxOptions) (driver.Tx, error) {
	k.c.sentencias.Add(1)
	tx, err := k.Conn.(driver.ConnBeginTx).BeginTx(ctx, o)
	if err != nil {
		return nil, err
	}
	return txContada{tx, k.c}, nil
}

func (k conexionContada) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	k.c.sentencias.Add(1)
	k.c.preparadas.Add(1)
	return k.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (k conexionContada) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	k.c.sentencias.Add(1)
	k.c.preparadas.Add(1)
	return k.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (k conexionContada) Ping(ctx context.Context) error { return k.Conn.(driver.Pinger).Ping(ctx) }

func (t txContada) Commit() error   { t.c.sentencias.Add(1); return t.Tx.Commit() }
func (t txContada) Rollback() error { t.c.sentencias.Add(1); return t.Tx.Rollback() }

func (s sentenciaContada) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.sentencias.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s sentenciaContada) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.sentencias.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

// TestSentenciasPorEscritura fija cuántas sentencias cuesta cada escritura
// caliente (issue 13) y que, ya en régimen, ninguna se vuelve a preparar:
//   - crear una solicitud: BEGIN, el contador del año (una sentencia), el
//     INSERT, su historial, su evento en la bandeja de salida (API.md §11)
//     y COMMIT = 6, más la consulta del actor que el middleware hace en
//     cada petición = 7 (antes 10 sin evento: tres para el contador y la
//     relectura con su precarga, y 7 preparadas);
//   - refrescar: BEGIN, la lectura del canje (lista negra, sesión y
//     usuario), gastar el token, el sucesor, la sesión y COMMIT = 6 (antes
//     8, y 6 preparadas).
//
// Una sentencia de más en estas rutas es una regresión: este número se
// cambia a conciencia, con la medida.
func TestSentenciasPorEscritura(t *testing.T) {
	t.Parallel()
	soloSQLite(t, "cuenta las sentencias del escritor único de SQLite")
	ctx := context.Background()
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	var c cuenta
	o := opcionesPrueba(t, time.Second, func() time.Time { return ahora })
	o.envolverConexion = func(conn driver.Conn) driver.Conn { return conexionContada{conn, &c} }
	s, err := Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, actor := usuarioPrueba(t, s, "duena", models.RolSolicitante)
	reglas := models.ReglasSesion{SesionMax: 24 * time.Hour, RefreshTTL: time.Hour}
	ses, rt := reglas.Nueva(u, models.Origen{IP: "127.0.0.1"}, ahora)
	if err := s.CrearSesion(ctx, ses, rt, "prueba"); err != nil {
		t.Fatal(err)
	}

	crear := func() error {
		if _, err := s.ActorDeToken(ctx, u.ID, "jti", ses.ID); err != nil {
			return err
		}
		_, err := s.CrearSolicitud(ctx, actor, models.NuevaSolicitud{Origen: "Origen", Destino: "Destino",
			FechaSalida: ptr(ahora.Add(72 * time.Hour)), Motivo: "Motivo", Pasajeros: ptr(2)})
		return err
	}
	jti := rt.JTI
	refrescar := func() error {
		cj, err := s.CanjearRefresh(ctx, u.ID, ses.ID, jti, reglas)
		if err != nil {
			return err
		}
		if cj.Reusado || cj.Refresh == nil || cj.Usuario.Username != "duena" {
			return fmt.Errorf("canje inesperado: %+v", cj)
		}
		jti = cj.Refresh.JTI
		return nil
	}
	for _, caso := range []struct {
		nombre     string
		fn         func() error
		sentencias int64
	}{{"crear", crear, 7}, {"refrescar", refrescar, 6}} {
		// la primera vez prepara; después, en régimen, nada
		if err := caso.fn(); err != nil {
			t.Fatalf("%s: %v", caso.nombre, err)
		}
		const n = 5
		s0, p0 := c.leer()
		for range n {
			if err := caso.fn(); err != nil {
				t.Fatalf("%s: %v", caso.nombre, err)
			}
		}
		s1, p1 := c.leer()
		if got := (s1 - s0) / n; got != caso.sentencias || (s1-s0)%n != 0 {
			t.Errorf("%s: %d sentencias en %d peticiones, want %d por petición", caso.nombre, s1-s0, n, caso.sentencias)
		}
		if p1 != p0 {
			t.Errorf("%s: %d sentencias preparadas en %d peticiones en régimen, want 0", caso.nombre, p1-p0, n)
		}
	}
}
