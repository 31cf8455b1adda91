package tests

import (
	"bytes"
	"encoding/csv"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"solicitud-transporte/models"
)

// resumenR es datos de GET /reportes/resumen.
type resumenR struct {
	Total     int64            `json:"total"`
	PorEstado map[string]int64 `json:"porEstado"`
	PorMes    []struct {
		Mes   string `json:"mes"`
		Total int64  `json:"total"`
	} `json:"porMes"`
	Vehiculos []struct {
		Vehiculo struct {
			ID    uint   `json:"id"`
			Placa string `json:"placa"`
		} `json:"vehiculo"`
		Viajes          int64   `json:"viajes"`
		HorasReservadas float64 `json:"horasReservadas"`
		KmRecorridos    *int64  `json:"kmRecorridos"`
	} `json:"vehiculos"`
	AprobacionMedianaHoras *float64 `json:"aprobacionMedianaHoras"`
}

// TestResumen comprueba los números del resumen sobre un conjunto pequeño y
// conocido: por estado (con ceros), por mes en TIMEZONE, uso de vehículos y
// la mediana (par) del tiempo de aprobación según el historial.
func TestResumen(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("res")
	ana := env.loginComo("ana", models.RolSolicitante).AccessToken
	crear := func(dia int) solicitudR { return env.crearSolicitud(t, ana, env.cuerpoSolicitud(dia)) }
	// Creadas todas a la misma hora (2026-03-02 09:00 en El Salvador).
	env.crearSolicitud(t, ana, env.cuerpoSolicitud(1)) // pendiente
	b, c, d, e, g := crear(2), crear(3), crear(35), crear(4), crear(5)
	fuera := crear(100) // 10 de junio: fuera del periodo
	aprobarTras := func(s solicitudR, horas int) {
		env.reloj.Avanzar(time.Duration(horas) * time.Hour)
		f.admin = env.loginAdmin().AccessToken // el token dura una hora
		env.accion(f.admin, s.ID, "aprobar", nil).esperar(t, 200, "")
	}
	aprobarTras(b, 1)     // 1 h
	aprobarTras(c, 2)     // 3 h
	aprobarTras(d, 4)     // 7 h
	aprobarTras(g, 2)     // 9 h
	aprobarTras(fuera, 2) // 11 h, no cuenta
	env.accion(f.admin, e.ID, "rechazar", cuerpoAccion("rechazar", f)).esperar(t, 200, "")
	// Dos viajes del mismo vehículo, sin regreso: de las 09:00 al fin del día (15 h).
	env.accion(f.admin, c.ID, "asignar", cuerpoAccion("asignar", f)).esperar(t, 200, "")
	env.accion(f.admin, d.ID, "asignar", cuerpoAccion("asignar", f)).esperar(t, 200, "")

	apro := env.loginComo("apro", models.RolAprobador).AccessToken
	var r resumenR
	rr := env.hacer(peticion{metodo: "GET", ruta: "/reportes/resumen?desde=2026-03-01&hasta=2026-05-31", token: apro})
	if rr.status != 200 {
		t.Log(env.logsTexto())
	}
	rr.esperar(t, 200, "").leer(t, &r)
	if r.Total != 6 {
		t.Errorf("total = %d, want 6", r.Total)
	}
	want := map[string]int64{"pendiente": 1, "aprobada": 2, "rechazada": 1, "asignada": 2, "en_curso": 0, "finalizada": 0, "cancelada": 0}
	if fmtJSON(r.PorEstado) != fmtJSON(want) {
		t.Errorf("porEstado = %v, want %v", r.PorEstado, want)
	}
	if got := fmtJSON(r.PorMes); got != `[{"mes":"2026-03","total":5},{"mes":"2026-04","total":1},{"mes":"2026-05","total":0}]` {
		t.Errorf("porMes = %s", got)
	}
	if r.AprobacionMedianaHoras == nil || *r.AprobacionMedianaHoras != 5 {
		t.Errorf("aprobacionMedianaHoras = %v, want 5 (mediana de 1, 3, 7 y 9)", r.AprobacionMedianaHoras)
	}
	if len(r.Vehiculos) != 2 {
		t.Fatalf("vehiculos = %+v, want los dos activos", r.Vehiculos)
	}
	for _, v := range r.Vehiculos {
		wantViajes, wantHoras := int64(0), 0.0
		if v.Vehiculo.ID == f.vehiculo {
			wantViajes, wantHoras = 2, 30
		}
		if v.Viajes != wantViajes || math.Abs(v.HorasReservadas-wantHoras) > 1e-9 || v.KmRecorridos != nil {
			t.Errorf("vehículo %s: viajes %d, horas %v, km %v; want %d, %v, null", v.Vehiculo.Placa, v.Viajes, v.HorasReservadas, v.KmRecorridos, wantViajes, wantHoras)
		}
	}

	// Un mes sin nada: ceros en todo y mediana null.
	var vacio resumenR
	env.hacer(peticion{metodo: "GET", ruta: "/reportes/resumen?desde=2027-01-01&hasta=2027-01-31", token: f.admin}).
		esperar(t, 200, "").leer(t, &vacio)
	if vacio.Total != 0 || len(vacio.PorEstado) != 7 || vacio.AprobacionMedianaHoras != nil || len(vacio.PorMes) != 1 {
		t.Errorf("resumen vacío = %+v", vacio)
	}
}

// TestResumenValidacionYRoles: desde y hasta obligatorios, formatos de §7,
// como mucho 366 días; solo admin y aprobador.
func TestResumenValidacionYRoles(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	for _, c := range []struct{ query, campo string }{
		{"", "desde"},
		{"desde=2026-01-01", "hasta"},
		{"desde=ayer&hasta=2026-01-31", "desde"},
		{"desde=2026-01-01&hasta=2026-13-01", "hasta"},
		{"desde=2026-02-01&hasta=2026-01-01", "hasta"},
		{"desde=2026-01-01&hasta=2027-01-02", "hasta"},
		{"desde=1969-12-01&hasta=1970-01-31", "desde"},
	} {
		r := env.hacer(peticion{metodo: "GET", ruta: "/reportes/resumen?" + c.query, token: admin}).esperar(t, 422, "VALIDACION")
		if len(r.errores) == 0 || r.errores[0].Campo != c.campo {
			t.Errorf("%q: errores = %+v, want %s", c.query, r.errores, c.campo)
		}
	}
	// 366 días justos (2028 es bisiesto) y un hasta RFC 3339.
	env.hacer(peticion{metodo: "GET", ruta: "/reportes/resumen?desde=2028-01-01&hasta=2028-12-31", token: admin}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "GET", ruta: "/reportes/resumen?desde=2026-01-01&hasta=" + url.QueryEscape("2026-01-31T23:59:59-06:00"), token: admin}).esperar(t, 200, "")
	for _, rol := range []models.Rol{models.RolMotorista, models.RolSolicitante} {
		tok := env.loginComo("u_"+string(rol), rol).AccessToken
		env.hacer(peticion{metodo: "GET", ruta: "/reportes/resumen?desde=2026-01-01&hasta=2026-01-31", token: tok}).esperar(t, 403, "PERMISOS_INSUFICIENTES")
	}
}

// exportar pide la exportación y comprueba las cabeceras de la descarga.
func (env *entorno) exportar(t *testing.T, token, query, formato string) []byte {
	t.Helper()
	r := env.hacer(peticion{metodo: "GET", ruta: "/solicitud/exportar?formato=" + formato + query, token: token})
	if r.status != 200 {
		t.Fatalf("exportar %s%s: %d %s", formato, query, r.status, r.cuerpo)
	}
	tipos := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	if got := r.header.Get("Content-Type"); got != tipos[formato] {
		t.Errorf("Content-Type = %q", got)
	}
	if got, want := r.header.Get("Content-Disposition"), `attachment; filename="solicitudes-20260302.`+formato+`"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	return r.cuerpo
}

// datosExportacion crea las solicitudes de las pruebas de exportación: de
// ana, una con fórmula en motivo, una con ; " y salto de línea y otra
// asignada con regreso; de beto, una que ana no debe ver.
func datosExportacion(t *testing.T, env *entorno) (ana, beto string, f flota) {
	f = env.nuevaFlota("exp")
	ana = env.loginComo("ana", models.RolSolicitante).AccessToken
	beto = env.loginComo("beto", models.RolSolicitante).AccessToken
	c := env.cuerpoSolicitud(1)
	c["motivo"] = "=1+1"
	env.crearSolicitud(t, ana, c)
	c = env.cuerpoSolicitud(2)
	c["motivo"], c["origen"] = "Audiencia; sala \"B\"\nsegundo piso", "@Oficina"
	env.crearSolicitud(t, ana, c)
	c = env.cuerpoSolicitud(3)
	c["fechaRegreso"], c["pasajeros"] = env.reloj.Now().Add(3*24*time.Hour+8*time.Hour).Format(time.RFC3339), 7
	s := env.crearSolicitud(t, ana, c)
	env.accion(f.admin, s.ID, "aprobar", nil).esperar(t, 200, "")
	env.accion(f.admin, s.ID, "asignar", cuerpoAccion("asignar", f)).esperar(t, 200, "")
	env.crearSolicitud(t, beto, env.cuerpoSolicitud(4))
	return ana, beto, f
}

// TestExportarCSV: BOM, «;», comillas de RFC 4180, fórmulas neutralizadas,
// fechas en TIMEZONE, orden y filtros de la lista y visibilidad.
func TestExportarCSV(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	ana, _, f := datosExportacion(t, env)
	cuerpo := env.exportar(t, ana, "&orden=fechaSalida", "csv")
	if !bytes.HasPrefix(cuerpo, []byte("\ufeffCódigo;Estado;Solicitante;Origen;Destino;Salida;Regreso;Pasajeros;Motivo;Vehículo;Motorista;Km recorridos\r\n")) {
		t.Fatalf("cabecera: %q", cuerpo[:min(len(cuerpo), 200)])
	}
	if !bytes.Contains(cuerpo, []byte("\"Audiencia; sala \"\"B\"\"\r\nsegundo piso\"")) {
		t.Errorf("sin las comillas de RFC 4180: %s", cuerpo)
	}
	lector := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(cuerpo, []byte("\ufeff"))))
	lector.Comma = ';'
	filas, err := lector.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(filas) != 4 { // cabecera + las 3 de ana, ninguna de beto
		t.Fatalf("filas = %d, want 4: %q", len(filas), filas)
	}
	if filas[1][8] != "'=1+1" || filas[2][3] != "'@Oficina" || filas[2][8] != "Audiencia; sala \"B\"\nsegundo piso" {
		t.Errorf("neutralización o texto: %q / %q", filas[1], filas[2])
	}
	want := []string{"asignada", "ana", "2026-03-05 09:00:00", "2026-03-05 17:00:00", "7", "P-EXP", "motorista_exp", ""}
	got := []string{filas[3][1], filas[3][2], filas[3][5], filas[3][6], filas[3][7], filas[3][9], filas[3][10], filas[3][11]}
	if fmtJSON(got) != fmtJSON(want) {
		t.Errorf("fila asignada = %q, want %q", got, want)
	}
	// Filtros de la lista; admin ve también la de beto.
	if n := strings.Count(string(env.exportar(t, f.admin, "&estado=pendiente", "csv")), "\r\nST-"); n != 3 {
		t.Errorf("admin pendientes = %d, want 3", n)
	}
	// El motorista ve la que tiene asignada.
	if n := strings.Count(string(env.exportar(t, f.motorista.AccessToken, "", "csv")), "\r\nST-"); n != 1 {
		t.Errorf("motorista = %d filas, want 1", n)
	}
}

// TestExportarXLSX abre el libro con excelize: cabecera, celdas tipadas
// (fechas con formato de fecha, números), fórmulas como texto y visibilidad.
func TestExportarXLSX(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	ana, _, _ := datosExportacion(t, env)
	libro, err := excelize.OpenReader(bytes.NewReader(env.exportar(t, ana, "&orden=fechaSalida", "xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	defer libro.Close()
	if hojas := libro.GetSheetList(); len(hojas) != 1 || hojas[0] != "Solicitudes" {
		t.Fatalf("hojas = %q", hojas)
	}
	const h = "Solicitudes"
	filas, err := libro.GetRows(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(filas) != 4 || strings.Join(filas[0], "|") != "Código|Estado|Solicitante|Origen|Destino|Salida|Regreso|Pasajeros|Motivo|Vehículo|Motorista|Km recorridos" {
		t.Fatalf("filas = %q", filas)
	}
	// Fórmula neutralizada: texto, sin fórmula.
	if v, _ := libro.GetCellValue(h, "I2"); v != "'=1+1" {
		t.Errorf("I2 = %q", v)
	}
	if fo, _ := libro.GetCellFormula(h, "I2"); fo != "" {
		t.Errorf("I2 tiene fórmula %q", fo)
	}
	if tipo, _ := libro.GetCellType(h, "I2"); tipo != excelize.CellTypeInlineString && tipo != excelize.CellTypeSharedString {
		t.Errorf("I2 tipo %v, want texto", tipo)
	}
	// Salida y regreso: números de serie con formato de fecha, en TIMEZONE.
	for celda, want := range map[string]time.Time{"F4": time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC), "G4": time.Date(2026, 3, 5, 17, 0, 0, 0, time.UTC)} {
		crudo, _ := libro.GetCellValue(h, celda, excelize.Options{RawCellValue: true})
		serie, err := strconv.ParseFloat(crudo, 64)
		if err != nil {
			t.Errorf("%s = %q, no es un número", celda, crudo)
			continue
		}
		if got, _ := excelize.ExcelDateToTime(serie, false); !got.Round(time.Second).Equal(want) {
			t.Errorf("%s = %v, want %v", celda, got, want)
		}
		estilo, _ := libro.GetCellStyle(h, celda)
		st, err := libro.GetStyle(estilo)
		if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "dd/mm/yyyy hh:mm" {
			t.Errorf("%s sin formato de fecha: %+v", celda, st)
		}
	}
	if v, _ := libro.GetCellValue(h, "G2"); v != "" {
		t.Errorf("regreso vacío = %q", v)
	}
	// Pasajeros: número.
	if tipo, _ := libro.GetCellType(h, "H4"); tipo != excelize.CellTypeUnset && tipo != excelize.CellTypeNumber {
		t.Errorf("H4 tipo %v, want número", tipo)
	}
	if v, _ := libro.GetCellValue(h, "H4"); v != "7" {
		t.Errorf("H4 = %q, want 7", v)
	}
	for _, fila := range filas[1:] {
		if fila[2] != "ana" {
			t.Errorf("ana exporta una solicitud de %q", fila[2])
		}
	}
}

// TestExportarErrores: antes de la descarga, el sobre; «exportar» no es un id.
func TestExportarErrores(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	tok := env.loginComo("ana", models.RolSolicitante).AccessToken
	for _, c := range []struct{ query, campo string }{
		{"", "formato"},
		{"?formato=pdf", "formato"},
		{"?formato=csv&estado=volando", "estado"},
		{"?formato=xlsx&desde=ayer", "desde"},
		{"?formato=csv&orden=placa", "orden"},
	} {
		r := env.hacer(peticion{metodo: "GET", ruta: "/solicitud/exportar" + c.query, token: tok}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != c.campo {
			t.Errorf("%q: errores = %+v, want %s", c.query, r.errores, c.campo)
		}
	}
	env.hacer(peticion{metodo: "GET", ruta: "/solicitud/exportar?formato=csv"}).esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
	// Sin solicitudes: solo la cabecera.
	if cuerpo := env.exportar(t, tok, "", "csv"); strings.Count(string(cuerpo), "\r\n") != 1 {
		t.Errorf("CSV vacío = %q", cuerpo)
	}
}

// TestKilometrosDeLaBitacora: el resumen y la exportación cuentan los
// kilómetros de los viajes con la bitácora completa (§7.2): kmFinal −
// kmInicial; un viaje sin ellos no suma ni inventa un cero.
func TestKilometrosDeLaBitacora(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("km")
	s := env.llevarA(t, f, f.solicitante, 2, "asignada")
	env.llevarA(t, f, f.solicitante, 3, "asignada") // sin bitácora: no suma
	env.accion(f.motorista.AccessToken, s.ID, "iniciar", map[string]any{"kmInicial": 1000}).esperar(t, 200, "")
	env.accion(f.motorista.AccessToken, s.ID, "finalizar", map[string]any{"kmFinal": 1180}).esperar(t, 200, "")

	var res resumenR
	env.hacer(peticion{metodo: "GET", ruta: "/reportes/resumen?desde=2026-03-01&hasta=2026-03-31", token: f.admin}).esperar(t, 200, "").leer(t, &res)
	var km *int64
	for _, v := range res.Vehiculos {
		if v.Vehiculo.ID == f.vehiculo {
			km = v.KmRecorridos
		}
	}
	if km == nil || *km != 180 {
		t.Fatalf("kmRecorridos del vehículo = %v, want 180", km)
	}
	lector := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(env.exportar(t, f.admin, "&orden=fechaSalida", "csv"), []byte("\ufeff"))))
	lector.Comma = ';'
	filas, err := lector.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(filas) != 3 || filas[1][11] != "180" || filas[2][11] != "" {
		t.Fatalf("columna km = %q", filas)
	}
}
