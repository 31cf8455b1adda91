package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"solicitud-transporte/models"
	"solicitud-transporte/models/store/migraciones"
	"solicitud-transporte/models/store/storetest"
)

// enPostgres dice si las pruebas corren sobre PostgreSQL (TEST_DATABASE_URL).
func enPostgres() bool { return storetest.URLPostgres() != "" }

// soloSQLite omite la prueba sobre PostgreSQL con el motivo dado.
func soloSQLite(t *testing.T, motivo string) {
	t.Helper()
	if enPostgres() {
		t.Skip("solo SQLite: " + motivo)
	}
}

// opcionesPrueba son las opciones de una base nueva para la prueba: un
// archivo SQLite temporal o, con TEST_DATABASE_URL, un esquema PostgreSQL
// propio (storetest.EsquemaPostgres), que se borra al terminar.
func opcionesPrueba(t *testing.T, plazo time.Duration, now func() time.Time) OpcionesStore {
	t.Helper()
	o := OpcionesStore{Driver: "sqlite", DSN: filepath.Join(t.TempDir(), "t.db"), CostoHash: bcrypt.MinCost, Plazo: plazo, Now: now}
	if enPostgres() {
		o.Driver, o.DSN = "postgres", storetest.EsquemaPostgres(t)
	}
	return o
}

// dialectoPrueba es el dialecto de migraciones de las pruebas.
func dialectoPrueba() migraciones.Dialecto {
	if enPostgres() {
		return migraciones.Postgres
	}
	return migraciones.SQLite
}

// usuarioPrueba crea una cuenta con la contraseña de las pruebas y devuelve
// también su actor.
func usuarioPrueba(t *testing.T, s *Store, username string, rol models.Rol) (*models.Usuario, *models.Actor) {
	t.Helper()
	u, err := s.CrearUsuario(context.Background(), nil, models.NuevoUsuario{Username: username, Password: "clave-de-prueba-larga", Rol: rol})
	if err != nil {
		t.Fatal(err)
	}
	return u, &models.Actor{ID: u.ID, Username: u.Username, Rol: u.Rol}
}
