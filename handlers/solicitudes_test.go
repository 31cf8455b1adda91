package handlers

import (
	"strings"
	"testing"
	"time"
)

// TestEdicionSolicitudAModelo: cómo llega a models cada forma de las fechas
// de un PATCH (ausente, null, "", ilegible, válida). Un null llega en Nulos:
// models lo borra (fechaRegreso) o lo rechaza (fechaSalida, obligatoria).
func TestEdicionSolicitudAModelo(t *testing.T) {
	salida := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	casos := []struct {
		nombre                  string
		cuerpo                  string
		salida, regreso         *time.Time
		vaciarSalida, vaciarReg bool
		ilegibles, nulos        string
	}{
		{nombre: "ausentes", cuerpo: `{}`},
		{nombre: "salida null va a Nulos", cuerpo: `{"fechaSalida":null}`, nulos: "fechaSalida"},
		{nombre: "salida vacía", cuerpo: `{"fechaSalida":""}`, vaciarSalida: true},
		{nombre: "salida válida", cuerpo: `{"fechaSalida":"2026-03-05T04:00:00-06:00"}`, salida: &salida},
		{nombre: "salida ilegible", cuerpo: `{"fechaSalida":"mañana"}`, ilegibles: "fechaSalida"},
		{nombre: "regreso null va a Nulos", cuerpo: `{"fechaRegreso":null}`, nulos: "fechaRegreso"},
		{nombre: "otros null", cuerpo: `{"origen":null,"observaciones":null,"pasajeros":null,"version":null}`, nulos: "origen,pasajeros,observaciones"},
		{nombre: "regreso vacío lo borra", cuerpo: `{"fechaRegreso":""}`, vaciarReg: true},
		{nombre: "regreso válido", cuerpo: `{"fechaRegreso":"2026-03-05T10:00:00Z"}`, regreso: &salida},
		{nombre: "las dos ilegibles", cuerpo: `{"fechaSalida":"2026-03-05","fechaRegreso":"x"}`, ilegibles: "fechaSalida,fechaRegreso"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			var in edicionSolicitudDTO
			if err := decodificarJSON(strings.NewReader(c.cuerpo), &in); err != nil {
				t.Fatal(err)
			}
			e := in.aModelo()
			if !mismoInstante(e.FechaSalida, c.salida) || !mismoInstante(e.FechaRegreso, c.regreso) {
				t.Fatalf("fechas = %v, %v, want %v, %v", e.FechaSalida, e.FechaRegreso, c.salida, c.regreso)
			}
			if e.VaciarFechaSalida != c.vaciarSalida || e.VaciarFechaRegreso != c.vaciarReg {
				t.Fatalf("vaciar = %t, %t, want %t, %t", e.VaciarFechaSalida, e.VaciarFechaRegreso, c.vaciarSalida, c.vaciarReg)
			}
			var campos []string
			for _, x := range e.Ilegibles {
				if x.Mensaje != "debe ser una fecha RFC 3339 con zona horaria" {
					t.Fatalf("mensaje = %q", x.Mensaje)
				}
				campos = append(campos, x.Campo)
			}
			if got := strings.Join(campos, ","); got != c.ilegibles {
				t.Fatalf("ilegibles = %q, want %q", got, c.ilegibles)
			}
			if got := strings.Join(e.Nulos, ","); got != c.nulos {
				t.Fatalf("nulos = %q, want %q", got, c.nulos)
			}
		})
	}
}

func mismoInstante(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
