package tests

import (
	"fmt"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// ocupacionR es una franja de GET /agenda.
type ocupacionR struct {
	Tipo     string `json:"tipo"`
	Desde    string `json:"desde"`
	Hasta    string `json:"hasta"`
	Vehiculo *struct {
		ID uint `json:"id"`
	} `json:"vehiculo"`
	Motorista *struct {
		ID uint `json:"id"`
	} `json:"motorista"`
	Solicitud *struct {
		ID     uint   `json:"id"`
		Codigo string `json:"codigo"`
		Estado string `json:"estado"`
	} `json:"solicitud"`
	Motivo string `json:"motivo"`
}

// TestAgendaVisibilidadYFiltros: admin y aprobador ven todos los viajes
// asignados y en curso, el más antiguo primero; un motorista solo los suyos;
// un solicitante, 403; vehiculoId y motoristaId filtran.
func TestAgendaVisibilidadYFiltros(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	soli := env.loginComo("soli_agenda", models.RolSolicitante).AccessToken
	fa, fb := env.nuevaFlota("aga"), env.nuevaFlota("agb")
	a2 := env.llevarA(t, fa, soli, 2, "asignada")
	b1 := env.llevarA(t, fb, soli, 1, "en_curso")
	env.llevarA(t, fa, soli, 3, "pendiente")
	env.llevarA(t, fa, soli, 4, "cancelada")
	apro := env.loginComo("apro_agenda", models.RolAprobador).AccessToken
	ruta := "/agenda?desde=2026-03-01&hasta=2026-03-31"

	ver := func(token, ruta string) []ocupacionR {
		t.Helper()
		var os []ocupacionR
		env.hacer(peticion{metodo: "GET", ruta: ruta, token: token}).esperar(t, 200, "").leer(t, &os)
		return os
	}
	codigos := func(os []ocupacionR) []string {
		var out []string
		for _, o := range os {
			out = append(out, o.Solicitud.Codigo)
		}
		return out
	}
	for _, token := range []string{fa.admin, apro} {
		os := ver(token, ruta)
		if got, want := fmt.Sprint(codigos(os)), fmt.Sprint([]string{b1.Codigo, a2.Codigo}); got != want {
			t.Fatalf("agenda = %v, want %v", got, want)
		}
		if os[0].Tipo != "viaje" || os[0].Desde != b1.FechaSalida || os[0].Motorista.ID != fb.motoristaID || os[0].Vehiculo.ID != fb.vehiculo || os[0].Motivo != b1.Motivo {
			t.Errorf("franja = %+v", os[0])
		}
	}
	if got := codigos(ver(fa.motorista.AccessToken, ruta)); fmt.Sprint(got) != fmt.Sprint([]string{a2.Codigo}) {
		t.Errorf("motorista a ve %v, want solo %s", got, a2.Codigo)
	}
	// Un motorista que pide los viajes de otro no ve nada.
	if got := ver(fa.motorista.AccessToken, fmt.Sprintf("%s&motoristaId=%d", ruta, fb.motoristaID)); len(got) != 0 {
		t.Errorf("motorista a con motoristaId de b ve %v", codigos(got))
	}
	if got := codigos(ver(fa.admin, fmt.Sprintf("%s&vehiculoId=%d", ruta, fb.vehiculo))); fmt.Sprint(got) != fmt.Sprint([]string{b1.Codigo}) {
		t.Errorf("vehiculoId = %v", got)
	}
	if got := codigos(ver(fa.admin, fmt.Sprintf("%s&motoristaId=%d", ruta, fa.motoristaID))); fmt.Sprint(got) != fmt.Sprint([]string{a2.Codigo}) {
		t.Errorf("motoristaId = %v", got)
	}
	// Una franja que termina antes de la salida no la incluye (semiabierta).
	salida, _ := time.Parse(time.RFC3339, b1.FechaSalida)
	if got := ver(fa.admin, "/agenda?desde=2026-03-01&hasta="+salida.Format(time.RFC3339)); len(got) != 0 {
		t.Errorf("franja hasta la salida: %v", codigos(got))
	}
	env.hacer(peticion{metodo: "GET", ruta: ruta, token: soli}).esperar(t, 403, "PERMISOS_INSUFICIENTES")
	env.hacer(peticion{metodo: "GET", ruta: ruta}).esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
}

// TestAgendaValidacion: desde y hasta obligatorios, como mucho 366 días,
// años 1970–9999 e ids canónicos.
func TestAgendaValidacion(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	// 2026-01-01 a 2027-01-01 (hasta el fin de ese día) son 366 días justos.
	env.hacer(peticion{metodo: "GET", ruta: "/agenda?desde=2026-01-01&hasta=2027-01-01", token: admin}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "GET", ruta: "/agenda?desde=2026-01-01T00:00:00Z&hasta=2027-01-02T00:00:00Z", token: admin}).esperar(t, 200, "")
	casos := []struct{ query, campo string }{
		{"desde=2026-01-01&hasta=2027-01-02", "hasta"},
		{"desde=2026-01-01T00:00:00Z&hasta=2027-01-02T00:00:01Z", "hasta"},
		{"hasta=2026-01-02", "desde"},
		{"desde=2026-01-02", "hasta"},
		{"desde=2026-01-05&hasta=2026-01-01", "hasta"},
		{"desde=1969-12-31&hasta=1970-01-05", "desde"},
		{"desde=ayer&hasta=2026-01-01", "desde"},
		{"desde=2026-01-01&hasta=2026-01-02&vehiculoId=01", "vehiculoId"},
		{"desde=2026-01-01&hasta=2026-01-02&motoristaId=x", "motoristaId"},
	}
	for _, c := range casos {
		r := env.hacer(peticion{metodo: "GET", ruta: "/agenda?" + c.query, token: admin}).esperar(t, 422, "VALIDACION")
		if len(r.errores) == 0 || r.errores[0].Campo != c.campo {
			t.Errorf("%s: errores = %+v, want %s", c.query, r.errores, c.campo)
		}
	}
}

// TestAgendaMantenimientos: los mantenimientos (§8) aparecen en la agenda
// de admin y aprobador como tipo «mantenimiento», con su vehículo y sin
// motorista ni solicitud; un motorista no los ve, y filtrar por motorista
// los deja fuera.
func TestAgendaMantenimientos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("am")
	apro := env.loginComo("apro_am", models.RolAprobador).AccessToken
	dia4 := env.reloj.Now().AddDate(0, 0, 4).Format("2006-01-02")
	env.crearMantenimiento(f.admin, f.vehiculo, dia4, dia4, "Cambio de frenos").esperar(t, 201, "")
	env.llevarA(t, f, f.solicitante, 2, "asignada")
	rango := "/agenda?desde=" + env.reloj.Now().Format("2006-01-02") + "&hasta=" + env.reloj.Now().AddDate(0, 0, 10).Format("2006-01-02")
	for _, token := range []string{f.admin, apro} {
		var os []ocupacionR
		env.hacer(peticion{metodo: "GET", ruta: rango, token: token}).esperar(t, 200, "").leer(t, &os)
		if len(os) != 2 || os[0].Tipo != "viaje" || os[1].Tipo != "mantenimiento" {
			t.Fatalf("agenda = %+v, want el viaje y luego el mantenimiento", os)
		}
		m := os[1]
		if m.Vehiculo == nil || m.Vehiculo.ID != f.vehiculo || m.Motorista != nil || m.Solicitud != nil || m.Motivo != "Cambio de frenos" {
			t.Fatalf("mantenimiento = %+v", m)
		}
	}
	var os []ocupacionR
	env.hacer(peticion{metodo: "GET", ruta: rango, token: f.motorista.AccessToken}).esperar(t, 200, "").leer(t, &os)
	if len(os) != 1 || os[0].Tipo != "viaje" {
		t.Fatalf("agenda del motorista = %+v, want solo su viaje", os)
	}
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("%s&motoristaId=%d", rango, f.motoristaID), token: f.admin}).esperar(t, 200, "").leer(t, &os)
	if len(os) != 1 || os[0].Tipo != "viaje" {
		t.Fatalf("agenda filtrada por motorista = %+v", os)
	}
}
