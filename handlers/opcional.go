package handlers

import (
	"encoding/json"
	"reflect"
)

// opcional es un campo de un cuerpo PATCH que distingue "no enviado"
// (Presente false) de "enviado como null" (Presente true, Valor nil), para
// poder borrar un campo. Solo vive en el borde: a models llega ya tipado.
type opcional[T any] struct {
	Presente bool
	Valor    *T
}

// UnmarshalJSON marca el campo como presente (también con null, que deja
// Valor en nil); encoding/json solo lo llama si la clave viene en el cuerpo.
func (o *opcional[T]) UnmarshalJSON(b []byte) error {
	o.Presente = true
	if string(b) == "null" {
		o.Valor = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Valor = &v
	return nil
}

// textoPatch convierte un texto opcional de PATCH en el *string de models:
// nil si no vino y "" si vino null (las dos formas de borrarlo).
func textoPatch(o opcional[string]) *string {
	if !o.Presente {
		return nil
	}
	s := ""
	if o.Valor != nil {
		s = *o.Valor
	}
	return &s
}

// tipoEnvuelto dice a la lectura estricta (podar) qué tipo lleva dentro,
// para que sus claves también coincidan exactamente.
func (opcional[T]) tipoEnvuelto() reflect.Type { return reflect.TypeFor[T]() }

// valorPatch devuelve el valor de un campo de PATCH (nil si no vino) y, si
// vino como null, anota su nombre en nulos: qué significa null (borrar u
// obligatorio) lo decide models.
func valorPatch[T any](o opcional[T], campo string, nulos *[]string) *T {
	if o.Presente && o.Valor == nil {
		*nulos = append(*nulos, campo)
	}
	return o.Valor
}
