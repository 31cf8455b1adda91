package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// abrirPrueba abre un store sobre una base nueva (ver opcionesPrueba) con
// el plazo dado y devuelve también su DSN.
func abrirPrueba(t *testing.T, plazo time.Duration) (*Store, string) {
	t.Helper()
	o := opcionesPrueba(t, plazo, nil)
	s, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, o.DSN
}

// crearN crea un usuario nuevo por llamada y devuelve el error.
func crearN(s *Store, n int) error {
	_, err := s.CrearUsuario(context.Background(), nil, models.NuevoUsuario{
		Username: fmt.Sprintf("usuario%d", n), Password: "clave-de-prueba-larga", Rol: models.RolSolicitante,
	})
	return err
}

// TestEscritorTrasBloqueoAjeno (issue 14, b): otro proceso retiene el bloqueo
// de escritura más que DB_TIMEOUT. Las escrituras y /salud contestan 503
// mientras tanto; liberado el bloqueo, vuelven a funcionar en menos de un
// segundo, sin reiniciar nada.
func TestEscritorTrasBloqueoAjeno(t *testing.T) {
	t.Parallel()
	soloSQLite(t, "el bloqueo de escritura de todo el archivo es de SQLite (PostgreSQL: TestCaidaDePostgres en tests/)")
	const plazo = 300 * time.Millisecond
	for ronda := range 3 {
		s, dsn := abrirPrueba(t, plazo)
		ajeno, err := sql.Open("sqlite3", dsn+"?_busy_timeout=5000")
		if err != nil {
			t.Fatal(err)
		}
		defer ajeno.Close()
		conn, err := ajeno.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
			t.Fatal(err)
		}
		// Varias escrituras esperan a la vez: la que tiene el turno espera el
		// bloqueo; las demás, el turno.
		errs := make(chan error, 4)
		for i := range 4 {
			go func() { errs <- crearN(s, 100*ronda+i) }()
		}
		for range 4 {
			if err := <-errs; models.CodigoDe(err) != models.CodigoServicioNoDisponible {
				t.Fatalf("ronda %d: escritura con el bloqueo tomado: %v, want SERVICIO_NO_DISPONIBLE", ronda, err)
			}
		}
		if err := s.Ping(context.Background()); models.CodigoDe(err) != models.CodigoServicioNoDisponible {
			t.Fatalf("ronda %d: Ping con el bloqueo tomado = %v, want SERVICIO_NO_DISPONIBLE", ronda, err)
		}
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			t.Fatal(err)
		}
		conn.Close()
		limite := time.Now().Add(time.Second)
		for i := range 20 {
			err := crearN(s, 100*ronda+10+i)
			if err != nil && time.Now().After(limite) {
				t.Fatalf("ronda %d: escritura %d tras liberar el bloqueo: %v", ronda, i, err)
			}
		}
		if err := s.Ping(context.Background()); err != nil {
			t.Fatalf("ronda %d: Ping tras liberar el bloqueo: %v", ronda, err)
		}
		if n := s.EscritoresDescartados(); n != 0 {
			t.Fatalf("ronda %d: el bloqueo de otro proceso descartó %d conexiones; la conexión estaba sana", ronda, n)
		}
	}
}

// TestEscritorDanadoSeDescarta (issue 14, punto 2): si la conexión de
// escritura queda inservible (aquí, como en la versión anterior: una
// sentencia preparada que quedó activa y un sqlite3_interrupt sobre la
// conexión), la primera escritura falla sin 500 y la conexión se cambia: la
// siguiente funciona.
func TestEscritorDanadoSeDescarta(t *testing.T) {
	t.Parallel()
	soloSQLite(t, "la conexión única de escritura es de SQLite")
	s, _ := abrirPrueba(t, time.Second)
	if err := crearN(s, 0); err != nil {
		t.Fatal(err)
	}
	// Envenenar el escritor a propósito, por fuera del turno.
	if err := s.w.Exec("PRAGMA analysis_limit=1000").Error; err != nil {
		t.Fatal(err)
	}
	ctx, cancelar := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelar()
	larga := "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 100000000) SELECT count(*) FROM n"
	var x int
	if err := s.w.WithContext(ctx).Raw(larga).Scan(&x).Error; err == nil {
		t.Fatal("la consulta larga no se interrumpió")
	}
	err := crearN(s, 1)
	if err != nil && models.CodigoDe(err) != models.CodigoServicioNoDisponible {
		t.Fatalf("primera escritura tras el daño: %v, want éxito o SERVICIO_NO_DISPONIBLE", err)
	}
	for i := range 10 {
		if err := crearN(s, 2+i); err != nil {
			t.Fatalf("escritura %d tras descartar la conexión: %v", i, err)
		}
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if n := s.EscritoresDescartados(); n != 1 {
		t.Fatalf("conexiones descartadas = %d, want 1", n)
	}
}

// TestEscritorNoSeDescartaPorReglas: una transacción que se deshace por una
// regla (un código MFA rechazado, una transición inválida), una restricción
// de unicidad o el bloqueo de otro proceso no es una conexión dañada: no se
// cierra.
func TestEscritorNoSeDescartaPorReglas(t *testing.T) {
	t.Parallel()
	soloSQLite(t, "la conexión única de escritura es de SQLite")
	s, _ := abrirPrueba(t, time.Second)
	ctx := context.Background()
	if err := crearN(s, 0); err != nil {
		t.Fatal(err)
	}
	if err := crearN(s, 0); models.CodigoDe(err) != models.CodigoConflicto {
		t.Fatalf("usuario repetido: %v, want CONFLICTO", err)
	}
	centinela := errors.New("rechazado a propósito")
	if err := s.escribir(ctx, func(*gorm.DB) error { return centinela }); !errors.Is(err, centinela) {
		t.Fatalf("error de la transacción: %v", err)
	}
	if err := s.escribir(ctx, func(*gorm.DB) error { return models.Errorf(models.CodigoTransicionInvalida, "no") }); models.CodigoDe(err) != models.CodigoTransicionInvalida {
		t.Fatalf("error del dominio: %v", err)
	}
	if n := s.EscritoresDescartados(); n != 0 {
		t.Fatalf("conexiones descartadas = %d, want 0", n)
	}
}

// TestCloseEsperaLaEscrituraEnCurso: Close llegó mientras la purga periódica
// escribía (CI, con -race: el mapa de sentencias del escritor se vaciaba
// bajo sus pies). Close espera el turno del escritor; la escritura en curso
// termina entera y las que lleguen después fallan con un error, sin carrera.
func TestCloseEsperaLaEscrituraEnCurso(t *testing.T) {
	soloSQLite(t, "el escritor único y sus sentencias son de SQLite")
	o := opcionesPrueba(t, time.Second, nil)
	s, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	dentro, soltar := make(chan struct{}), make(chan struct{})
	hecho := make(chan error, 1)
	go func() {
		hecho <- s.escribir(context.Background(), func(tx *gorm.DB) error {
			close(dentro)
			<-soltar
			// Una sentencia preparada del escritor, después de que Close
			// empezó: es lo que hacía la purga.
			return tx.Exec("DELETE FROM tokens_revocados WHERE expira_en <= ?", time.Now()).Error
		})
	}()
	<-dentro
	cerrado := make(chan error, 1)
	go func() { cerrado <- s.Close() }()
	select {
	case <-cerrado:
		t.Fatal("Close no esperó la escritura en curso")
	case <-time.After(50 * time.Millisecond):
	}
	close(soltar)
	if err := <-hecho; err != nil {
		t.Fatalf("la escritura en curso falló: %v", err)
	}
	if err := <-cerrado; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.escribir(context.Background(), func(tx *gorm.DB) error {
		return tx.Exec("DELETE FROM tokens_revocados WHERE expira_en <= ?", time.Now()).Error
	}); err == nil {
		t.Fatal("una escritura tras Close no devolvió error")
	}
}
