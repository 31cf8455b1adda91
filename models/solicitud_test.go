package models

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestEdicionFusionar: un PATCH combina valores tipados con lo guardado (lo
// ausente se conserva, Vaciar… borra) y los campos ilegibles se informan en
// su lugar junto con los demás errores.
func TestEdicionFusionar(t *testing.T) {
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	salida, regreso := ahora.Add(24*time.Hour), ahora.Add(27*time.Hour)
	guardada := &Solicitud{Origen: "Oficina", Destino: "Juzgado", FechaSalida: salida, FechaRegreso: &regreso,
		Motivo: "Audiencia", Pasajeros: 3, Observaciones: "Nada"}
	corto, otra := "ab", ahora.Add(48*time.Hour)
	casos := []struct {
		nombre  string
		e       EdicionSolicitud
		errores string
		salida  time.Time
		regreso *time.Time
	}{
		{nombre: "vacía conserva todo", salida: salida, regreso: &regreso},
		{nombre: "nueva salida, regreso queda antes", e: EdicionSolicitud{FechaSalida: &otra},
			errores: "[{fechaRegreso debe ser posterior a fechaSalida}]"},
		{nombre: "nueva salida y regreso borrado", e: EdicionSolicitud{FechaSalida: &otra, VaciarFechaRegreso: true}, salida: otra},
		{nombre: "salida vaciada", e: EdicionSolicitud{VaciarFechaSalida: true}, errores: "[{fechaSalida es obligatoria}]"},
		{nombre: "ilegible junto con otros", e: EdicionSolicitud{Origen: &corto,
			Ilegibles: []ErrorCampo{{"fechaRegreso", "ilegible"}, {"fechaSalida", "ilegible"}}},
			errores: "[{origen debe tener entre 3 y 200 caracteres} {fechaSalida ilegible} {fechaRegreso ilegible}]"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			d, err := c.e.fusionar(guardada).validar(ahora, true)
			if c.errores != "" {
				var e *Error
				if !errors.As(err, &e) || fmt.Sprint(e.Campos) != c.errores {
					t.Fatalf("err = %v, want %s", err, c.errores)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !d.salida.Equal(c.salida) || (d.regreso == nil) != (c.regreso == nil) || (d.regreso != nil && !d.regreso.Equal(*c.regreso)) {
				t.Fatalf("salida, regreso = %v, %v", d.salida, d.regreso)
			}
			if d.origen != "Oficina" || d.pasajeros != 3 || d.observaciones != "Nada" {
				t.Fatalf("datos = %+v", d)
			}
		})
	}
}
