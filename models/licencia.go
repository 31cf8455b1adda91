package models

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Licencia es la licencia de conducir de un motorista (API.md §8). Vence es
// una fecha AAAA-MM-DD: la licencia vale hasta el final de ese día en
// TIMEZONE. Se guarda como texto AAAA-MM-DD, que ordena igual que la fecha
// en los dos motores.
type Licencia struct {
	Numero    string
	Categoria string
	Vence     string
}

// Límites de una licencia.
const (
	licenciaNumeroMaximo    = 50
	licenciaCategoriaMaximo = 20
)

// FormatoDia es el formato de una fecha sin hora (AAAA-MM-DD).
const FormatoDia = "2006-01-02"

// ParseDia lee una fecha AAAA-MM-DD entre los años 1970 y 9999; el mensaje
// de campo si no lo es.
func ParseDia(s string) (time.Time, string) {
	t, err := time.Parse(FormatoDia, s)
	if err != nil || len(s) != len(FormatoDia) {
		return time.Time{}, "debe ser una fecha AAAA-MM-DD"
	}
	if !FechaEnRango(t) {
		return time.Time{}, MensajeFechaFueraDeRango
	}
	return t, ""
}

// Normalizada devuelve l sin espacios al borde y, si algo no vale, anota en
// v los errores con los campos licencia.numero, licencia.categoria y
// licencia.vence.
func (l Licencia) Normalizada(v *Validacion) Licencia {
	l.Numero, l.Categoria, l.Vence = strings.TrimSpace(l.Numero), strings.TrimSpace(l.Categoria), strings.TrimSpace(l.Vence)
	for _, c := range []struct {
		campo, valor string
		max          int
	}{{"licencia.numero", l.Numero, licenciaNumeroMaximo}, {"licencia.categoria", l.Categoria, licenciaCategoriaMaximo}} {
		if n := utf8.RuneCountInString(c.valor); n == 0 || n > c.max {
			v.Agregar(c.campo, fmt.Sprintf("es obligatorio y tiene hasta %d caracteres", c.max))
		}
	}
	if l.Vence == "" {
		v.Agregar("licencia.vence", "es obligatoria (AAAA-MM-DD)")
	} else if _, msg := ParseDia(l.Vence); msg != "" {
		v.Agregar("licencia.vence", msg)
	}
	return l
}

// LicenciaCubre dice si una licencia que vence el día vence (AAAA-MM-DD,
// hasta el final de ese día en loc) sigue vigente al final de una ventana
// que termina en fin (exclusivo). Sin licencia registrada (vence nil)
// cubre: la regla solo rechaza licencias registradas y vencidas, así las
// instalaciones que aún no cargaron licencias siguen asignando.
func LicenciaCubre(vence *string, fin time.Time, loc *time.Location) bool {
	if vence == nil {
		return true
	}
	d, err := time.ParseInLocation(FormatoDia, *vence, loc)
	if err != nil {
		return true // nunca se guarda una ilegible (Normalizada)
	}
	return !fin.After(d.AddDate(0, 0, 1))
}
