package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"solicitud-transporte/models"
	"solicitud-transporte/models/store/migraciones"
)

// tablasVersionAnterior son las tablas que creaba AutoMigrate.
var tablasVersionAnterior = []string{
	"usuarios", "sesiones", "refresh_tokens", "tokens_revocados", "bloqueos_login", "auditoria",
	"codigos_recuperacion", "vehiculos", "solicitudes", "historial_solicitudes", "contadores_codigo",
}

// baseVersionAnterior crea en dsn una base como la dejaba la versión
// anterior: el esquema de AutoMigrate (volcado en el fixture) y al menos una
// fila en cada tabla, escrita con GORM como la escribía esa versión.
func baseVersionAnterior(t *testing.T, dsn string) {
	t.Helper()
	esquema, err := os.ReadFile(filepath.Join("migraciones", "testdata", "esquema_version_anterior.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := gorm.Open(sqlite.Open(dsn+"?_foreign_keys=on"), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if _, err := sqlDB.Exec(string(esquema)); err != nil {
		t.Fatalf("crear el esquema anterior: %v", err)
	}

	t0 := time.Date(2026, 3, 2, 13, 4, 5, 0, time.UTC)
	correo := "ana@example.com"
	ana := models.Usuario{Username: "Ana", UsernameNorm: "ana", Email: &correo, EmailNorm: &correo, PasswordHash: "$2a$04$hash",
		Rol: models.RolAdmin, Activo: true, MFAHabilitado: true, MFASecreto: "secreto-cifrado", MFAUltimoPaso: 59012345,
		CreadoEn: t0, ActualizadoEn: t0}
	luis := models.Usuario{Username: "luis", UsernameNorm: "luis", PasswordHash: "$2a$04$otro", Rol: models.RolMotorista, Activo: true,
		CreadoEn: t0, ActualizadoEn: t0}
	filas := []any{&ana, &luis}
	for _, f := range filas {
		// La versión anterior no tenía las columnas de migraciones posteriores.
		if err := db.Omit("CredencialesVersion", "LicenciaNumero", "LicenciaCategoria", "LicenciaVence").Create(f).Error; err != nil {
			t.Fatal(err)
		}
	}
	usado := t0.Add(time.Minute)
	sucesor := "jti-2"
	vehiculo := models.Vehiculo{Placa: "P123ABC", Marca: "Toyota", Modelo: "Hiace", Capacidad: 12, Activo: true, CreadoEn: t0, ActualizadoEn: t0}
	if err := db.Omit("Kilometraje").Create(&vehiculo).Error; err != nil {
		t.Fatal(err)
	}
	regreso := t0.Add(50 * time.Hour)
	solicitud := models.Solicitud{Codigo: "SOL-2026-0001", Estado: models.EstadoAsignada, Origen: "Oficina central", Destino: "Cobán",
		FechaSalida: t0.Add(48 * time.Hour), FechaRegreso: &regreso, FinVentana: regreso, Motivo: "Capacitación",
		Pasajeros: 4, Observaciones: "", Busqueda: "sol-2026-0001 oficina central coban capacitacion",
		SolicitanteID: ana.ID, VehiculoID: &vehiculo.ID, MotoristaID: &luis.ID, Version: 3, CreadoEn: t0, ActualizadoEn: t0}
	if err := db.Omit("Solicitante", "Vehiculo", "Motorista", "viaje_inicio_real", "viaje_fin_real", "viaje_km_inicial",
		"viaje_km_final", "viaje_combustible_litros", "viaje_observaciones").Create(&solicitud).Error; err != nil {
		t.Fatal(err)
	}
	pendiente := models.EstadoPendiente
	filas = []any{
		&models.Sesion{ID: "sesion-1", UsuarioID: ana.ID, CreadaEn: t0, UltimoUso: usado, ExpiraEn: t0.Add(24 * time.Hour),
			IP: "203.0.113.7", UserAgent: "curl/8", RefreshActual: "jti-2"},
		&models.RefreshToken{JTI: "jti-1", SesionID: "sesion-1", Rol: models.RolAdmin, EmitidoEn: t0, ExpiraEn: t0.Add(24 * time.Hour),
			UsadoEn: &usado, SucesorJTI: &sucesor},
		&models.TokenRevocado{Clave: models.ClaveJTI("jti-0"), ExpiraEn: t0.Add(time.Hour)},
		&models.BloqueoLogin{Clave: "u:luis", Fallos: 3, UltimoFallo: t0, BloqueadoHasta: &usado},
		&models.RegistroAuditoria{Evento: models.EventoLoginExitoso, Fecha: t0, UsuarioID: &ana.ID, ActorID: &ana.ID, IP: "203.0.113.7",
			UserAgent: "curl/8", RequestID: "req-1", Detalle: "inicio de sesión"},
		&models.CodigoRecuperacion{UsuarioID: ana.ID, Hash: strings.Repeat("a", 64), CreadoEn: t0},
		&models.Historial{SolicitudID: solicitud.ID, EstadoAnterior: &pendiente, EstadoNuevo: models.EstadoAprobada, UsuarioID: ana.ID,
			Comentario: "Aprobada", Fecha: t0},
		&models.ContadorSolicitudes{Anio: 2026, Numero: 1},
	}
	for _, f := range filas {
		if err := db.Omit("Usuario").Create(f).Error; err != nil {
			t.Fatalf("insertar %T: %v", f, err)
		}
	}
}

// contenido vuelca cada tabla de la versión anterior, fila por fila, para
// comparar la base antes y después de abrirla.
func contenido(t *testing.T, s *Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, tabla := range tablasVersionAnterior {
		filas, err := s.r.Raw("SELECT * FROM " + tabla).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := filas.Columns()
		for filas.Next() {
			v := make([]any, len(cols))
			p := make([]any, len(cols))
			for i := range v {
				p[i] = &v[i]
			}
			if err := filas.Scan(p...); err != nil {
				t.Fatal(err)
			}
			out[tabla] = append(out[tabla], fmt.Sprint(v...))
		}
		filas.Close()
	}
	return out
}

func versionesRegistradas(t *testing.T, s *Store) []int64 {
	t.Helper()
	var vs []int64
	if err := s.r.Raw("SELECT version_id FROM " + migraciones.Tabla + " WHERE is_applied ORDER BY id").Scan(&vs).Error; err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestBaseDeLaVersionAnteriorSeActualizaConSusFilas: Open reconoce una base
// creada por la versión anterior (sin tabla de versiones), la registra en la
// versión 1 sin recrear nada y conserva cada fila; abrirla otra vez no
// cambia nada.
func TestBaseDeLaVersionAnteriorSeActualizaConSusFilas(t *testing.T) {
	t.Parallel()
	soloSQLite(t, "no hubo una versión anterior sobre PostgreSQL")
	ctx := context.Background()
	dsn := filepath.Join(t.TempDir(), "anterior.db")
	baseVersionAnterior(t, dsn)

	s, err := Open(ctx, OpcionesStore{DSN: dsn, CostoHash: bcrypt.MinCost})
	if err != nil {
		t.Fatalf("Open sobre una base de la versión anterior: %v", err)
	}
	ultima, err := migraciones.Ultima(migraciones.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if s.Esquema() != ultima {
		t.Fatalf("Esquema() = %d, want %d", s.Esquema(), ultima)
	}
	if vs := versionesRegistradas(t, s); len(vs) < 2 || vs[1] != 1 {
		t.Fatalf("versiones registradas = %v, want [0 1 …]", vs)
	}

	antes := contenido(t, s)
	for _, tabla := range tablasVersionAnterior {
		want := 1
		if tabla == "usuarios" {
			want = 2
		}
		if got := len(antes[tabla]); got != want {
			t.Errorf("%s: %d filas, want %d", tabla, got, want)
		}
	}

	// Las filas se leen con los tipos de hoy, campo por campo.
	var ana models.Usuario
	if err := s.r.Where("username_norm = ?", "ana").First(&ana).Error; err != nil {
		t.Fatal(err)
	}
	if ana.Rol != models.RolAdmin || !ana.Activo || !ana.MFAHabilitado || ana.MFAUltimoPaso != 59012345 ||
		ana.Email == nil || *ana.Email != "ana@example.com" || !ana.CreadoEn.Equal(time.Date(2026, 3, 2, 13, 4, 5, 0, time.UTC)) {
		t.Errorf("usuario = %+v", ana)
	}
	var ses models.Sesion
	if err := s.r.First(&ses, "id = ?", "sesion-1").Error; err != nil || ses.UsuarioID != ana.ID || ses.RefreshActual != "jti-2" || ses.RevocadaEn != nil {
		t.Errorf("sesión = %+v, %v", ses, err)
	}
	var rt models.RefreshToken
	if err := s.r.First(&rt, "jti = ?", "jti-1").Error; err != nil || rt.SesionID != "sesion-1" || rt.UsadoEn == nil || rt.SucesorJTI == nil || *rt.SucesorJTI != "jti-2" {
		t.Errorf("refresh = %+v, %v", rt, err)
	}
	var rev models.TokenRevocado
	if err := s.r.First(&rev, "clave = ?", models.ClaveJTI("jti-0")).Error; err != nil || rev.ExpiraEn.IsZero() {
		t.Errorf("revocado = %+v, %v", rev, err)
	}
	var bl models.BloqueoLogin
	if err := s.r.First(&bl, "clave = ?", "u:luis").Error; err != nil || bl.Fallos != 3 || bl.BloqueadoHasta == nil {
		t.Errorf("bloqueo = %+v, %v", bl, err)
	}
	var aud models.RegistroAuditoria
	if err := s.r.First(&aud).Error; err != nil || aud.Evento != models.EventoLoginExitoso || aud.RequestID != "req-1" || aud.UsuarioID == nil || *aud.UsuarioID != ana.ID {
		t.Errorf("auditoría = %+v, %v", aud, err)
	}
	var cod models.CodigoRecuperacion
	if err := s.r.First(&cod).Error; err != nil || cod.UsuarioID != ana.ID || len(cod.Hash) != 64 || cod.UsadoEn != nil {
		t.Errorf("código de recuperación = %+v, %v", cod, err)
	}
	var cont models.ContadorSolicitudes
	if err := s.r.First(&cont, "anio = ?", 2026).Error; err != nil || cont.Numero != 1 {
		t.Errorf("contador = %+v, %v", cont, err)
	}

	// Y con los métodos del store.
	admin := &models.Actor{ID: ana.ID, Username: "ana", Rol: models.RolAdmin}
	v, err := s.Vehiculo(ctx, 1)
	if err != nil || v.Placa != "P123ABC" || v.Capacidad != 12 || !v.Activo || v.Kilometraje != 0 {
		t.Errorf("vehículo = %+v, %v", v, err)
	}
	sol, err := s.Solicitud(ctx, admin, 1)
	if err != nil || sol.Codigo != "SOL-2026-0001" || sol.Estado != models.EstadoAsignada || sol.Destino != "Cobán" ||
		sol.Version != 3 || sol.VehiculoID == nil || *sol.VehiculoID != v.ID || sol.FechaRegreso == nil || sol.Viaje.Registrado() {
		t.Errorf("solicitud = %+v, %v", sol, err)
	}
	hist, err := s.HistorialSolicitud(ctx, admin, 1)
	if err != nil || len(hist) != 1 || hist[0].EstadoNuevo != models.EstadoAprobada || hist[0].EstadoAnterior == nil || *hist[0].EstadoAnterior != models.EstadoPendiente {
		t.Errorf("historial = %+v, %v", hist, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping tras migrar: %v", err)
	}
	versiones := versionesRegistradas(t, s)
	s.Close()

	// Abrirla otra vez no cambia nada.
	s, err = Open(ctx, OpcionesStore{DSN: dsn, CostoHash: bcrypt.MinCost})
	if err != nil {
		t.Fatalf("segundo Open: %v", err)
	}
	defer s.Close()
	if s.Esquema() != ultima {
		t.Fatalf("segundo Open: Esquema() = %d, want %d", s.Esquema(), ultima)
	}
	if got := versionesRegistradas(t, s); !slices.Equal(got, versiones) {
		t.Fatalf("segundo Open registró versiones: %v, antes %v", got, versiones)
	}
	despues := contenido(t, s)
	for _, tabla := range tablasVersionAnterior {
		if !slices.Equal(despues[tabla], antes[tabla]) {
			t.Errorf("%s cambió al abrir otra vez:\n antes  %v\n después %v", tabla, antes[tabla], despues[tabla])
		}
	}
}

// TestBaseNuevaQuedaEnLaUltimaVersion: Open sobre un archivo nuevo aplica
// las migraciones y lo dice en Esquema.
func TestBaseNuevaQuedaEnLaUltimaVersion(t *testing.T) {
	t.Parallel()
	s, _ := abrirPrueba(t, 0)
	ultima, err := migraciones.Ultima(dialectoPrueba())
	if err != nil {
		t.Fatal(err)
	}
	if s.Esquema() != ultima || ultima < 1 {
		t.Fatalf("Esquema() = %d, want %d", s.Esquema(), ultima)
	}
	if err := crearN(s, 1); err != nil {
		t.Fatalf("crear un usuario en la base nueva: %v", err)
	}
}
