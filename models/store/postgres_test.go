package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
	"solicitud-transporte/models/store/storetest"
)

// Pruebas propias de PostgreSQL: se omiten sin TEST_DATABASE_URL.

func soloPostgres(t *testing.T) {
	t.Helper()
	if !enPostgres() {
		t.Skip("solo PostgreSQL: defina TEST_DATABASE_URL")
	}
}

// escenarioAsignacion crea en s un admin, un solicitante, dos vehículos, dos
// motoristas y, del solicitante, una solicitud aprobada por cada ventana
// [salida, regreso) dada.
type escenarioAsignacion struct {
	admin       *models.Actor
	vehiculos   []uint
	motoristas  []uint
	solicitudes []*models.Solicitud
}

func nuevoEscenario(t *testing.T, s *Store, ventanas ...[2]time.Time) escenarioAsignacion {
	t.Helper()
	ctx := context.Background()
	crear := func(nombre string, rol models.Rol) *models.Actor {
		u, err := s.CrearUsuario(ctx, nil, models.NuevoUsuario{Username: nombre, Password: "clave-de-prueba-larga", Rol: rol})
		if err != nil {
			t.Fatal(err)
		}
		return &models.Actor{ID: u.ID, Username: u.Username, Rol: u.Rol}
	}
	e := escenarioAsignacion{admin: crear("admin_pg", models.RolAdmin)}
	sol := crear("sol_pg", models.RolSolicitante)
	e.vehiculos, e.motoristas = flota(t, s, 2, 2)
	for _, v := range ventanas {
		x, err := s.CrearSolicitud(ctx, sol, models.NuevaSolicitud{Origen: "Origen", Destino: "Destino",
			FechaSalida: ptr(v[0]), FechaRegreso: ptr(v[1]), Motivo: "Motivo", Pasajeros: ptr(2)})
		if err != nil {
			t.Fatal(err)
		}
		if x, err = s.AplicarAccion(ctx, e.admin, x.ID, models.AccionAprobar, models.DatosAccion{}); err != nil {
			t.Fatal(err)
		}
		e.solicitudes = append(e.solicitudes, x)
	}
	return e
}

// asignarSinComprobar pone la solicitud id en asignada con vehículo y
// motorista con un UPDATE directo, sin la comprobación de conflictos de la
// aplicación: solo la base puede rechazarlo.
func asignarSinComprobar(s *Store, id, vehiculo, motorista uint) error {
	return s.escribir(context.Background(), func(tx *gorm.DB) error {
		return tx.Model(&models.Solicitud{}).Where("id = ?", id).
			Updates(map[string]any{"estado": models.EstadoAsignada, "vehiculo_id": vehiculo, "motorista_id": motorista}).Error
	})
}

// TestExclusionRechazaDobleReserva (API.md §10): la base misma rechaza dos
// viajes asignados que se solapan del mismo vehículo, o del mismo motorista,
// aunque la escritura se salte la comprobación de la aplicación; ventanas
// contiguas [a, b) y [b, c) no se solapan.
func TestExclusionRechazaDobleReserva(t *testing.T) {
	t.Parallel()
	soloPostgres(t)
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), opcionesPrueba(t, 0, func() time.Time { return ahora }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := func(hora int) time.Time { return time.Date(2026, 3, 5, hora, 0, 0, 0, time.UTC) }
	e := nuevoEscenario(t, s, [2]time.Time{h(10), h(12)}, [2]time.Time{h(11), h(13)}, [2]time.Time{h(12), h(14)})
	v0, v1, m0, m1 := e.vehiculos[0], e.vehiculos[1], e.motoristas[0], e.motoristas[1]
	primera, solapada, contigua := e.solicitudes[0], e.solicitudes[1], e.solicitudes[2]

	if err := asignarSinComprobar(s, primera.ID, v0, m0); err != nil {
		t.Fatalf("primera asignación: %v", err)
	}
	for _, c := range []struct {
		nombre              string
		vehiculo, motorista uint
		quien               string
	}{{"mismo vehículo", v0, m1, "El vehículo"}, {"mismo motorista", v1, m0, "El motorista"}} {
		err := asignarSinComprobar(s, solapada.ID, c.vehiculo, c.motorista)
		var me *models.Error
		if !errors.As(err, &me) || me.Codigo != models.CodigoConflictoAsignacion || !strings.HasPrefix(me.Detalle, c.quien) {
			t.Fatalf("%s: err = %v, want CONFLICTO_ASIGNACION con detalle que empiece por %q", c.nombre, err, c.quien)
		}
	}
	if err := asignarSinComprobar(s, contigua.ID, v0, m0); err != nil {
		t.Fatalf("ventana contigua [12:00, 14:00) tras [10:00, 12:00): %v", err)
	}
	// Con otro vehículo y otro motorista, la solapada sí entra.
	if err := asignarSinComprobar(s, solapada.ID, v1, m1); err != nil {
		t.Fatalf("solapada con otros recursos: %v", err)
	}
}

// TestAsignacionesSimultaneasGanaUna: dos asignaciones simultáneas del mismo
// vehículo en ventanas que se solapan, por el camino normal (AplicarAccion):
// una gana y la otra es CONFLICTO_ASIGNACION (FOR UPDATE la hace esperar y
// ver la primera; si no, la restricción de exclusión la rechaza).
func TestAsignacionesSimultaneasGanaUna(t *testing.T) {
	t.Parallel()
	soloPostgres(t)
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(context.Background(), opcionesPrueba(t, 0, func() time.Time { return ahora }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	h := func(hora int) time.Time { return time.Date(2026, 3, 5, hora, 0, 0, 0, time.UTC) }
	for ronda := range 5 {
		e := nuevoEscenarioRonda(t, s, ronda, [2]time.Time{h(10), h(12)}, [2]time.Time{h(11), h(13)})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, sol := range e.solicitudes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.AplicarAccion(context.Background(), e.admin, sol.ID, models.AccionAsignar,
					models.DatosAccion{VehiculoID: &e.vehiculos[0], MotoristaID: &e.motoristas[i]})
			}()
		}
		wg.Wait()
		ok, conflicto := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case models.CodigoDe(err) == models.CodigoConflictoAsignacion:
				conflicto++
			default:
				t.Fatalf("ronda %d: %v", ronda, err)
			}
		}
		if ok != 1 || conflicto != 1 {
			t.Fatalf("ronda %d: %d asignadas y %d conflictos, want 1 y 1", ronda, ok, conflicto)
		}
	}
}

// nuevoEscenarioRonda es nuevoEscenario en un store ya usado: nombres y
// placas con el número de ronda.
func nuevoEscenarioRonda(t *testing.T, s *Store, ronda int, ventanas ...[2]time.Time) escenarioAsignacion {
	t.Helper()
	if ronda == 0 {
		return nuevoEscenario(t, s, ventanas...)
	}
	ctx := context.Background()
	var e escenarioAsignacion
	admin, err := s.UsuarioPorIdentificador(ctx, "admin_pg")
	if err != nil || admin == nil {
		t.Fatal(err)
	}
	e.admin = &models.Actor{ID: admin.ID, Username: admin.Username, Rol: admin.Rol}
	sol, err := s.UsuarioPorIdentificador(ctx, "sol_pg")
	if err != nil || sol == nil {
		t.Fatal(err)
	}
	solActor := &models.Actor{ID: sol.ID, Username: sol.Username, Rol: sol.Rol}
	v, err := s.CrearVehiculo(ctx, models.DatosVehiculo{Placa: ptr(fmt.Sprintf("R-%03d", ronda)), Marca: ptr("Toyota"), Modelo: ptr("Hiace"), Capacidad: ptr(20)})
	if err != nil {
		t.Fatal(err)
	}
	e.vehiculos = []uint{v.ID}
	for i := range 2 {
		m, err := s.CrearUsuario(ctx, nil, models.NuevoUsuario{Username: fmt.Sprintf("rmot%d_%d", ronda, i), Password: "clave-de-prueba-larga", Rol: models.RolMotorista})
		if err != nil {
			t.Fatal(err)
		}
		e.motoristas = append(e.motoristas, m.ID)
	}
	for _, w := range ventanas {
		x, err := s.CrearSolicitud(ctx, solActor, models.NuevaSolicitud{Origen: "Origen", Destino: "Destino",
			FechaSalida: ptr(w[0]), FechaRegreso: ptr(w[1]), Motivo: "Motivo", Pasajeros: ptr(2)})
		if err != nil {
			t.Fatal(err)
		}
		if x, err = s.AplicarAccion(ctx, e.admin, x.ID, models.AccionAprobar, models.DatosAccion{}); err != nil {
			t.Fatal(err)
		}
		e.solicitudes = append(e.solicitudes, x)
	}
	return e
}

// TestInstanciasArrancanJuntasSobreBaseVacia (API.md §10): varias
// instancias abren a la vez un esquema vacío; todas arrancan, y cada
// migración queda registrada una sola vez (una migró, las demás esperaron
// el bloqueo de sesión).
func TestInstanciasArrancanJuntasSobreBaseVacia(t *testing.T) {
	t.Parallel()
	soloPostgres(t)
	dsn := storetest.EsquemaPostgres(t)
	const n = 4
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	inicio := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-inicio
			stores[i], errs[i] = Open(context.Background(), OpcionesStore{Driver: "postgres", DSN: dsn, CostoHash: 4})
		}()
	}
	close(inicio)
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("instancia %d: %v", i, errs[i])
		}
		defer stores[i].Close()
		if stores[i].Esquema() != stores[0].Esquema() {
			t.Fatalf("instancia %d en la versión %d, la 0 en %d", i, stores[i].Esquema(), stores[0].Esquema())
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var filas, distintas int
	var maxima int64
	if err := db.QueryRow("SELECT count(*), count(DISTINCT version_id), max(version_id) FROM goose_db_version").Scan(&filas, &distintas, &maxima); err != nil {
		t.Fatal(err)
	}
	// La fila 0 que goose escribe al crear la tabla y una por migración, cada
	// versión una sola vez, y la última es la del esquema. Los números pueden
	// tener huecos (una migración de un solo motor, o la de otra rama).
	archivos, err := filepath.Glob(filepath.Join("migraciones", "postgres", "*.sql"))
	if err != nil || len(archivos) == 0 {
		t.Fatalf("migraciones de PostgreSQL: %v, %d archivos", err, len(archivos))
	}
	if filas != distintas || filas != len(archivos)+1 || maxima != stores[0].Esquema() {
		t.Fatalf("goose_db_version: %d filas, %d versiones distintas, máxima %d; want %d, una vez cada una, y máxima %d",
			filas, distintas, maxima, len(archivos)+1, stores[0].Esquema())
	}
	for i, s := range stores {
		if err := crearN(s, i); err != nil {
			t.Fatalf("instancia %d no escribe: %v", i, err)
		}
	}
}

// TestPlanConsultasPostgres es TestPlanConsultas en PostgreSQL: con
// estadísticas al día, la comprobación de conflictos y las listas usan
// índices (la restricción de exclusión también vale como índice del
// conflicto), nunca un recorrido secuencial de solicitudes.
func TestPlanConsultasPostgres(t *testing.T) {
	t.Parallel()
	soloPostgres(t)
	ctx := context.Background()
	reloj := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	s, err := Open(ctx, opcionesPrueba(t, 0, func() time.Time { return reloj }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	admin, err := s.CrearUsuario(ctx, nil, models.NuevoUsuario{Username: "api_user", Password: "clave-de-prueba-larga", Rol: models.RolAdmin})
	if err != nil {
		t.Fatal(err)
	}
	vehiculos, motoristas := flota(t, s, 10, 10)
	sembrarSolicitudes(t, s, reloj, 5000, []uint{admin.ID}, vehiculos, motoristas)
	db, fin := s.leer(ctx)
	defer fin()
	if err := db.Exec("ANALYZE solicitudes").Error; err != nil {
		t.Fatal(err)
	}
	ahora := reloj.Add(48 * time.Hour)
	casos := []struct {
		nombre, sql string
		args        []any
		indices     []string
	}{
		{"conflicto vehículo",
			"SELECT codigo FROM solicitudes WHERE vehiculo_id = $1 AND estado IN ($2,$3) AND id <> $4 AND fecha_salida < $5 AND fin_ventana > $6 LIMIT 1",
			[]any{vehiculos[0], "asignada", "en_curso", 5, ahora, ahora}, []string{"idx_sol_vehiculo_ventana", restriccionVehiculo}},
		{"conflicto motorista",
			"SELECT codigo FROM solicitudes WHERE motorista_id = $1 AND estado IN ($2,$3) AND id <> $4 AND fecha_salida < $5 AND fin_ventana > $6 LIMIT 1",
			[]any{motoristas[0], "asignada", "en_curso", 5, ahora, ahora}, []string{"idx_sol_motorista_ventana", restriccionMotorista}},
		{"lista por estado",
			"SELECT * FROM solicitudes WHERE estado IN ($1) ORDER BY creado_en DESC, id DESC LIMIT 20",
			[]any{"pendiente"}, []string{"idx_sol_estado_creado", "idx_sol_creado"}},
		{"lista de un solicitante por estado",
			"SELECT * FROM solicitudes WHERE (solicitante_id = $1 OR motorista_id = $2) AND estado IN ($3) ORDER BY creado_en DESC, id DESC LIMIT 20",
			[]any{admin.ID, admin.ID, "pendiente"}, []string{"idx_sol_"}},
	}
	for _, c := range casos {
		var lineas []string
		if err := db.Raw("EXPLAIN "+c.sql, c.args...).Scan(&lineas).Error; err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(lineas, "\n")
		t.Logf("%s:\n%s", c.nombre, plan)
		usa := false
		for _, i := range c.indices {
			usa = usa || strings.Contains(plan, i)
		}
		if !usa || strings.Contains(plan, "Seq Scan on solicitudes") {
			t.Errorf("%s no usa %s:\n%s", c.nombre, strings.Join(c.indices, " ni "), plan)
		}
	}
}

// TestInterbloqueoSeReintenta: dos escrituras que toman dos filas en orden
// inverso se interbloquean; PostgreSQL aborta una (40P01), escribirPool la
// repite entera y las dos terminan bien.
func TestInterbloqueoSeReintenta(t *testing.T) {
	t.Parallel()
	soloPostgres(t)
	s, err := Open(context.Background(), opcionesPrueba(t, 0, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, anio := range []int{1, 2} {
		if err := s.escribir(context.Background(), func(tx *gorm.DB) error {
			return tx.Create(&models.ContadorSolicitudes{Anio: anio}).Error
		}); err != nil {
			t.Fatal(err)
		}
	}
	var intentos atomic.Int32
	var ambas sync.WaitGroup // las dos tienen su primera fila
	ambas.Add(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, orden := range [][2]int{{1, 2}, {2, 1}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			primera := true
			errs[i] = s.escribir(context.Background(), func(tx *gorm.DB) error {
				intentos.Add(1)
				for j, anio := range orden {
					if err := tx.Model(&models.ContadorSolicitudes{}).Where("anio = ?", anio).
						Update("numero", gorm.Expr("numero + 1")).Error; err != nil {
						return err
					}
					if j == 0 && primera {
						primera = false
						ambas.Done()
						ambas.Wait()
					}
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("errores = %v, %v; want las dos bien tras reintentar", errs[0], errs[1])
	}
	if n := intentos.Load(); n != 3 {
		t.Fatalf("%d intentos, want 3 (uno repetido tras el interbloqueo)", n)
	}
}

// TestBloqueoAjenoPostgres es TestEscritorTrasBloqueoAjeno en PostgreSQL:
// otra sesión retiene la fila de un usuario más que DB_TIMEOUT. Las
// escrituras sobre esa fila esperan el bloqueo (lock_timeout) y las que
// esperan una conexión del pool (aquí, de una sola) esperan como mucho
// DB_TIMEOUT: todas contestan SERVICIO_NO_DISPONIBLE a tiempo. Liberada la
// fila, el mismo store escribe otra vez.
func TestBloqueoAjenoPostgres(t *testing.T) {
	t.Parallel()
	soloPostgres(t)
	const plazo = 300 * time.Millisecond
	o := opcionesPrueba(t, plazo, nil)
	o.MaxConexiones = 1
	s, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	u, err := s.CrearUsuario(context.Background(), nil, models.NuevoUsuario{Username: "bloqueado", Password: "clave-de-prueba-larga", Rol: models.RolSolicitante})
	if err != nil {
		t.Fatal(err)
	}
	actor := &models.Actor{ID: 999, Username: "otro", Rol: models.RolAdmin}
	ajeno, err := sql.Open("pgx", o.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer ajeno.Close()
	tx, err := ajeno.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("SELECT 1 FROM usuarios WHERE id = $1 FOR UPDATE", u.ID); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	duraciones := make(chan time.Duration, 4)
	for i := range 4 {
		go func() {
			inicio := time.Now()
			_, err := s.ActualizarUsuario(context.Background(), actor, u.ID, models.CambiosUsuario{Email: ptr(fmt.Sprintf("b%d@ejemplo.org", i))})
			duraciones <- time.Since(inicio)
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; models.CodigoDe(err) != models.CodigoServicioNoDisponible {
			t.Fatalf("escritura con la fila bloqueada: %v, want SERVICIO_NO_DISPONIBLE", err)
		}
		// Una espera del pool y una del bloqueo como mucho, más margen.
		if d := <-duraciones; d > 2*plazo+700*time.Millisecond {
			t.Fatalf("una escritura bloqueada tardó %v (DB_TIMEOUT = %v)", d, plazo)
		}
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ActualizarUsuario(context.Background(), actor, u.ID, models.CambiosUsuario{Email: ptr("libre@ejemplo.org")}); err != nil {
		t.Fatalf("escritura tras liberar la fila: %v", err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping tras liberar la fila: %v", err)
	}
}
