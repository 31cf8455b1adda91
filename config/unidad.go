package config

import (
	"fmt"
	"strings"
	"time"
)

// Unidad es la unidad de una duración configurable. Acepta los nombres en
// inglés y en español, con o sin tilde y sin distinguir mayúsculas.
type Unidad time.Duration

var unidades = map[string]time.Duration{
	"seconds": time.Second, "second": time.Second, "segundos": time.Second, "segundo": time.Second,
	"minutes": time.Minute, "minute": time.Minute, "minutos": time.Minute, "minuto": time.Minute,
	"hours": time.Hour, "hour": time.Hour, "horas": time.Hour, "hora": time.Hour,
	"days": 24 * time.Hour, "day": 24 * time.Hour, "días": 24 * time.Hour, "dias": 24 * time.Hour,
	"día": 24 * time.Hour, "dia": 24 * time.Hour,
}

const unidadesPermitidas = "seconds, minutes, hours, days (o segundos, minutos, horas, días)"

// Decode implementa envconfig.Decoder.
func (u *Unidad) Decode(s string) error {
	d, ok := unidades[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return fmt.Errorf("unidad desconocida %q", s)
	}
	*u = Unidad(d)
	return nil
}

// Por devuelve valor unidades como duración.
func (u Unidad) Por(valor int) time.Duration { return time.Duration(valor) * time.Duration(u) }
