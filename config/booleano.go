package config

import (
	"fmt"
	"strconv"
	"strings"
)

// BoolOpcional es un booleano que recuerda si se definió, para las variables
// cuyo valor por defecto depende de otra (COOKIE_SECURE depende de APP_ENV).
// Vacío cuenta como no definido.
type BoolOpcional struct {
	Valor    bool
	Definido bool
}

// Decode implementa envconfig.Decoder: true o false (también 1 o 0).
func (b *BoolOpcional) Decode(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		*b = BoolOpcional{}
		return nil
	}
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("booleano inválido %q", s)
	}
	*b = BoolOpcional{Valor: v, Definido: true}
	return nil
}
