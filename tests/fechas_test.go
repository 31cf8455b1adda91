package tests

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFechasLimites cubre las reglas de fechas de §12 en la creación: años
// 1970–9999, fechaSalida como mucho 400 días adelante, viajes de hasta 31
// días y tiempos al segundo (lo que se muestra es lo que se guarda).
func TestFechasLimites(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	ahora := env.reloj.Now()
	rfc := func(d time.Duration) string { return ahora.Add(d).Format(time.RFC3339) }
	dia := 24 * time.Hour

	for _, c := range []struct {
		nombre  string
		salida  string
		regreso any
		campo   string
		mensaje string
	}{
		{"salida antes de 1970", "1969-12-31T23:59:59Z", nil, "fechaSalida", "1970"},
		{"salida en el año 1", "0001-01-01T00:00:00Z", nil, "fechaSalida", "1970"},
		{"regreso antes de 1970", rfc(dia), "1960-01-01T00:00:00Z", "fechaRegreso", "1970"},
		{"salida a más de 400 días", rfc(400*dia + time.Second), nil, "fechaSalida", "400 días"},
		{"salida en el año 9999", "9999-12-31T23:59:59Z", nil, "fechaSalida", "400 días"},
		{"viaje de más de 31 días", rfc(dia), rfc(32*dia + time.Second), "fechaRegreso", "31 días"},
	} {
		t.Run(c.nombre, func(t *testing.T) {
			cuerpo := env.cuerpoSolicitud(1)
			cuerpo["fechaSalida"] = c.salida
			if c.regreso != nil {
				cuerpo["fechaRegreso"] = c.regreso
			}
			r := env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: admin, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != c.campo || !strings.Contains(r.errores[0].Mensaje, c.mensaje) {
				t.Fatalf("errores = %+v, want %s con %q", r.errores, c.campo, c.mensaje)
			}
		})
	}
	t.Run("en el límite se aceptan", func(t *testing.T) {
		cuerpo := env.cuerpoSolicitud(1)
		cuerpo["fechaSalida"] = rfc(400 * dia)
		env.crearSolicitud(t, admin, cuerpo)
		cuerpo = env.cuerpoSolicitud(1)
		cuerpo["fechaRegreso"] = rfc(32 * dia)
		env.crearSolicitud(t, admin, cuerpo)
	})
	t.Run("al segundo: se guarda lo que se muestra", func(t *testing.T) {
		cuerpo := env.cuerpoSolicitud(1)
		cuerpo["origen"] = "Fracciones de segundo"
		cuerpo["fechaSalida"] = "2026-03-10T09:00:00.987654321-06:00"
		cuerpo["fechaRegreso"] = "2026-03-10T11:30:00.5-06:00"
		s := env.crearSolicitud(t, admin, cuerpo)
		if s.FechaSalida != "2026-03-10T09:00:00-06:00" || s.FechaRegreso == nil || *s.FechaRegreso != "2026-03-10T11:30:00-06:00" {
			t.Fatalf("fechas = %s, %v", s.FechaSalida, *s.FechaRegreso)
		}
		// hasta es inclusivo: el instante mostrado encuentra la solicitud,
		// lo que no pasaría si se hubieran guardado las fracciones.
		var p paginaR[solicitudR]
		q := url.Values{"desde": {s.FechaSalida}, "hasta": {s.FechaSalida}, "q": {"fracciones"}}
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?" + q.Encode(), token: admin}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 1 {
			t.Fatalf("total = %d con desde = hasta = %s", p.Total, s.FechaSalida)
		}
		// y una edición con fracciones también se trunca
		var e solicitudR
		env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: admin, cuerpo: map[string]any{
			"version": s.Version, "fechaRegreso": "2026-03-10T19:00:00.999Z"}}).esperar(t, 200, "").leer(t, &e)
		if e.FechaRegreso == nil || *e.FechaRegreso != "2026-03-10T13:00:00-06:00" {
			t.Fatalf("fechaRegreso = %v", e.FechaRegreso)
		}
	})
}

// TestFechasFiltros: desde y hasta fuera de 1970–9999 son 422 nombrando el
// parámetro en la lista, disponibles y auditoría; el último día posible
// funciona como límite.
func TestFechasFiltros(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	env.crearSolicitud(t, admin, env.cuerpoSolicitud(3))
	for _, c := range []struct{ ruta, campo string }{
		{"/solicitud/?desde=1969-12-31", "desde"},
		{"/solicitud/?hasta=0001-01-01T00:00:00Z", "hasta"},
		{"/solicitud/?desde=0000-01-01&hasta=2026-01-01", "desde"},
		{"/vehiculos/disponibles?desde=1960-01-01&hasta=2026-01-01", "desde"},
		{"/vehiculos/disponibles?desde=2026-01-01&hasta=0999-01-01T00:00:00Z", "hasta"},
		{"/auditoria/?desde=1969-12-31T23:59:59Z", "desde"},
	} {
		r := env.hacer(peticion{metodo: "GET", ruta: c.ruta, token: admin}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != c.campo || !strings.Contains(r.errores[0].Mensaje, "1970") {
			t.Fatalf("%s: errores = %+v", c.ruta, r.errores)
		}
	}
	for _, ruta := range []string{
		"/solicitud/?desde=1970-01-01&hasta=9999-12-31",
		"/solicitud/?desde=1970-01-01T00:00:00Z&hasta=9999-12-31T23:59:59Z",
	} {
		var p paginaR[solicitudR]
		env.hacer(peticion{metodo: "GET", ruta: ruta, token: admin}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 1 {
			t.Fatalf("%s: total = %d, want 1", ruta, p.Total)
		}
	}
	var vs []vehiculoR
	env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/disponibles?desde=9999-12-30&hasta=9999-12-31", token: admin}).esperar(t, 200, "").leer(t, &vs)
}

// TestSalidaPasada: aprobar, asignar y reasignar después de fechaSalida son
// 409 TRANSICION_INVALIDA con un detalle que lo dice; cancelar e iniciar
// siguen.
func TestSalidaPasada(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("sp")
	pendiente := env.llevarA(t, f, f.solicitante, 1, "pendiente")
	aprobada := env.llevarA(t, f, f.solicitante, 1, "aprobada")
	asignada := env.llevarA(t, f, f.solicitante, 2, "asignada")
	env.reloj.Avanzar(3 * 24 * time.Hour)
	admin := env.loginAdmin().AccessToken
	motorista := env.login("motorista_sp", passPrueba).AccessToken
	for _, c := range []struct {
		s      solicitudR
		accion string
		cuerpo any
	}{
		{pendiente, "aprobar", nil},
		{aprobada, "asignar", map[string]any{"vehiculoId": f.otroVehiculo, "motoristaId": f.motoristaID}},
		{asignada, "reasignar", map[string]any{"vehiculoId": f.otroVehiculo, "motivo": "Avería"}},
	} {
		r := env.accion(admin, c.s.ID, c.accion, c.cuerpo).esperar(t, 409, "TRANSICION_INVALIDA")
		if !strings.Contains(r.detalle, "salida") || !strings.Contains(r.detalle, c.accion) || !strings.Contains(r.detalle, c.s.Estado) {
			t.Fatalf("%s: detalle %q", c.accion, r.detalle)
		}
	}
	env.accion(admin, pendiente.ID, "rechazar", map[string]any{"motivo": "Llegó tarde"}).esperar(t, 200, "")
	env.accion(admin, aprobada.ID, "cancelar", map[string]any{"motivo": "Ya pasó"}).esperar(t, 200, "")
	env.accion(motorista, asignada.ID, "iniciar", nil).esperar(t, 200, "")
}
