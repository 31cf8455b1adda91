package store

import (
	"context"
	"database/sql"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

// columnasInsert devuelve las columnas de un INSERT, sin comillas.
func columnasInsert(t *testing.T, q string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)INSERT INTO\s+\S+\s*\(([^)]*)\)`).FindStringSubmatch(q)
	if m == nil {
		t.Fatalf("no es un INSERT: %s", q)
	}
	cols := strings.Fields(strings.NewReplacer("`", "", `"`, "", ",", " ").Replace(m[1]))
	return strings.Join(cols, ",")
}

// TestSQLFijoColumnasDeGORM: los INSERT del SQL fijo llevan exactamente las
// columnas que GORM escribiría con Create (DryRun): un campo nuevo en el
// modelo sin su columna en sqlFijo falla aquí.
func TestSQLFijoColumnasDeGORM(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), opcionesPrueba(t, time.Second, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.w.Session(&gorm.Session{DryRun: true})
	q := s.dl.sql
	for _, c := range []struct {
		fijo   string
		modelo any
	}{
		{q.insertarSolicitud, &models.Solicitud{}},
		{q.historiar, &models.Historial{}},
		{q.insertarRefresh, &models.RefreshToken{}},
		{q.anunciar, &models.Evento{}},
	} {
		st := db.Omit(clause.Associations).Create(c.modelo).Statement
		if got, want := columnasInsert(t, c.fijo), columnasInsert(t, st.SQL.String()); got != want {
			t.Errorf("columnas del SQL fijo:\n%s\nGORM:\n%s", got, want)
		}
		if n := strings.Count(c.fijo, "?") + strings.Count(c.fijo, "$"); n != len(st.Vars) {
			t.Errorf("%d placeholders en %s, GORM pasa %d valores", n, c.fijo, len(st.Vars))
		}
	}
}

// filaCruda devuelve cada columna de la fila de tabla donde columna = valor
// tal como la guardó el motor, como texto: en SQLite con su tipo de
// almacenamiento (los instantes son texto en el formato de mattn), en
// PostgreSQL su conversión a text.
func filaCruda(t *testing.T, s *Store, tabla, columna string, valor any) map[string]string {
	t.Helper()
	db := s.w
	var cols []string
	var err error
	if enPostgres() {
		err = db.Raw("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position", tabla).Scan(&cols).Error
	} else {
		err = db.Raw("SELECT name FROM pragma_table_info(?) ORDER BY cid", tabla).Scan(&cols).Error
	}
	if err != nil || len(cols) == 0 {
		t.Fatalf("columnas de %s: %v", tabla, err)
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		if enPostgres() {
			exprs[i] = "COALESCE(" + c + "::text, 'NULL')"
		} else {
			exprs[i] = "typeof(" + c + ") || ':' || quote(" + c + ")"
		}
	}
	vals := make([]sql.NullString, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	if err := db.Raw("SELECT "+strings.Join(exprs, ", ")+" FROM "+tabla+" WHERE "+columna+" = ?", valor).Row().Scan(dest...); err != nil {
		t.Fatalf("fila de %s: %v", tabla, err)
	}
	out := make(map[string]string, len(cols))
	for i, c := range cols {
		out[c] = vals[i].String
	}
	return out
}

// mismasFilas compara dos filas crudas salvo las columnas de excepto.
func mismasFilas(t *testing.T, que string, fijo, gorm map[string]string, excepto ...string) {
	t.Helper()
	for _, c := range excepto {
		delete(fijo, c)
		delete(gorm, c)
	}
	if !reflect.DeepEqual(fijo, gorm) {
		t.Errorf("%s: la fila del SQL fijo no es la de GORM:\nfijo: %v\ngorm: %v", que, fijo, gorm)
	}
}

// TestSQLFijoComoGORM: lo que escribe el SQL fijo (crear, historiar, el
// canje) queda guardado igual, byte a byte, que lo que escribía GORM con
// los mismos valores, instantes con fracción de segundo incluidos, y se lee
// igual.
func TestSQLFijoComoGORM(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ahora := time.Date(2026, 3, 2, 15, 4, 5, 123456789, time.UTC)
	s, err := Open(ctx, opcionesPrueba(t, time.Second, func() time.Time { return ahora }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, actor := usuarioPrueba(t, s, "duena", models.RolSolicitante)

	// Por el SQL fijo: una solicitud con todo lo opcional, y un canje.
	sol, err := s.CrearSolicitud(ctx, actor, models.NuevaSolicitud{Origen: "Ávila", Destino: "Destino",
		FechaSalida: ptr(ahora.Add(72 * time.Hour)), FechaRegreso: ptr(ahora.Add(80 * time.Hour)),
		Motivo: "Motivo", Pasajeros: ptr(2), Observaciones: ptr("con observaciones")})
	if err != nil {
		t.Fatal(err)
	}
	reglas := models.ReglasSesion{SesionMax: 24 * time.Hour, RefreshTTL: time.Hour}
	ses, rt := reglas.Nueva(u, models.Origen{IP: "127.0.0.1"}, ahora)
	if err := s.CrearSesion(ctx, ses, rt, "prueba"); err != nil {
		t.Fatal(err)
	}
	cj, err := s.CanjearRefresh(ctx, u.ID, ses.ID, rt.JTI, reglas)
	if err != nil || cj.Refresh == nil {
		t.Fatalf("canje: %+v, %v", cj, err)
	}

	// Las mismas filas por GORM, como se escribían antes.
	antes := models.EstadoPendiente
	var gsol models.Solicitud
	grt := *cj.Refresh
	grt.JTI = "gorm-" + grt.JTI[:10]
	gses := *ses
	gses.ID = "gorm-" + ses.ID[:10]
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		gsol = *sol
		gsol.ID, gsol.Codigo, gsol.Solicitante = 0, "ST-GORM", models.Usuario{}
		if err := tx.Omit(clause.Associations).Create(&gsol).Error; err != nil {
			return err
		}
		if err := s.historiar(tx, sol.ID, &antes, models.EstadoAprobada, u.ID, "movida"); err != nil {
			return err
		}
		if err := tx.Omit(clause.Associations).Create(&models.Historial{SolicitudID: gsol.ID, EstadoAnterior: &antes,
			EstadoNuevo: models.EstadoAprobada, UsuarioID: u.ID, Comentario: "movida", Fecha: models.AlSegundo(s.now())}).Error; err != nil {
			return err
		}
		if err := tx.Create(&grt).Error; err != nil {
			return err
		}
		return tx.Create(&gses).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	mismasFilas(t, "solicitud", filaCruda(t, s, "solicitudes", "id", sol.ID), filaCruda(t, s, "solicitudes", "id", gsol.ID), "id", "codigo")
	creada := func(id uint) map[string]string {
		t.Helper()
		var hid uint
		if err := s.w.Raw("SELECT id FROM historial_solicitudes WHERE solicitud_id = ? AND estado_anterior IS NOT NULL", id).Scan(&hid).Error; err != nil || hid == 0 {
			t.Fatalf("historial de %d: %v", id, err)
		}
		return filaCruda(t, s, "historial_solicitudes", "id", hid)
	}
	mismasFilas(t, "historial", creada(sol.ID), creada(gsol.ID), "id", "solicitud_id")
	mismasFilas(t, "refresh sucesor", filaCruda(t, s, "refresh_tokens", "jti", cj.Refresh.JTI), filaCruda(t, s, "refresh_tokens", "jti", grt.JTI), "jti")

	// Gastar el token y usar la sesión, por GORM, como el canje de arriba.
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&models.RefreshToken{}).Where("jti = ? AND sesion_id = ? AND usado_en IS NULL", grt.JTI, grt.SesionID).
			Updates(map[string]any{"usado_en": ahora, "sucesor_jti": cj.Refresh.JTI}).Error; err != nil {
			return err
		}
		return tx.Model(&models.Sesion{}).Where("id = ?", gses.ID).
			Updates(map[string]any{"ultimo_uso": ahora, "refresh_actual": cj.Refresh.JTI}).Error
	})
	if err != nil {
		t.Fatal(err)
	}
	gastado, ggastado := filaCruda(t, s, "refresh_tokens", "jti", rt.JTI), filaCruda(t, s, "refresh_tokens", "jti", grt.JTI)
	for _, c := range []string{"usado_en", "sucesor_jti"} {
		if gastado[c] != ggastado[c] || gastado[c] == "" {
			t.Errorf("refresh gastado, %s: fijo %q, GORM %q", c, gastado[c], ggastado[c])
		}
	}
	mismasFilas(t, "sesión", filaCruda(t, s, "sesiones", "id", ses.ID), filaCruda(t, s, "sesiones", "id", gses.ID), "id")

	// Se leen igual.
	leida, err := s.Solicitud(ctx, actor, sol.ID)
	if err != nil {
		t.Fatal(err)
	}
	gleida, err := s.Solicitud(ctx, actor, gsol.ID)
	if err != nil {
		t.Fatal(err)
	}
	gleida.ID, gleida.Codigo = leida.ID, leida.Codigo
	if !reflect.DeepEqual(leida, gleida) {
		t.Errorf("leída del SQL fijo:\n%+v\nde GORM:\n%+v", leida, gleida)
	}
}
