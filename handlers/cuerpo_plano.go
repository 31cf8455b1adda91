package handlers

import "encoding/json"

// Casi todos los cuerpos son un objeto plano: claves y textos sin escapes,
// números, true, false o null (el del refresh, el del login, el de crear una
// solicitud). leerPlano los lee de una pasada sin json.Decoder.Token, que
// reserva un valor por token y era la mitad de leer un cuerpo pequeño. Da el
// mismo árbol que leerArbol; cualquier otra cosa (objetos anidados, listas,
// escapes, JSON roto) devuelve false y la lee leerArbol, que es también la
// que da los errores. TestLeerPlanoComoArbol y FuzzLeerPlanoComoArbol lo
// comparan con leerArbol.

// leerPlano devuelve el objeto de b si b es un objeto plano bien formado
// sin claves repetidas.
func leerPlano(b []byte) (map[string]any, bool) {
	i := saltarEspacios(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	obj := map[string]any{}
	i = saltarEspacios(b, i+1)
	if i < len(b) && b[i] == '}' {
		return obj, saltarEspacios(b, i+1) == len(b)
	}
	for {
		clave, j, ok := textoPlano(b, i)
		if !ok {
			return nil, false
		}
		if _, repetida := obj[clave]; repetida {
			return nil, false
		}
		i = saltarEspacios(b, j)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = saltarEspacios(b, i+1)
		var v any
		if v, i, ok = valorPlano(b, i); !ok {
			return nil, false
		}
		obj[clave] = v
		i = saltarEspacios(b, i)
		if i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i = saltarEspacios(b, i+1)
		case '}':
			return obj, saltarEspacios(b, i+1) == len(b)
		default:
			return nil, false
		}
	}
}

func saltarEspacios(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// textoPlano lee un texto JSON sin escapes que empieza en b[i]; devuelve el
// texto y el índice tras la comilla de cierre. b ya es UTF-8 válido.
func textoPlano(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return string(b[i+1 : j]), j + 1, true
		case c == '\\' || c < 0x20:
			return "", 0, false
		}
	}
	return "", 0, false
}

// valorPlano lee un texto sin escapes, un número, true, false o null.
func valorPlano(b []byte, i int) (any, int, bool) {
	if i >= len(b) {
		return nil, 0, false
	}
	switch c := b[i]; {
	case c == '"':
		s, j, ok := textoPlano(b, i)
		return s, j, ok
	case c == '-' || ('0' <= c && c <= '9'):
		j, ok := numeroJSON(b, i)
		if !ok {
			return nil, 0, false
		}
		return json.Number(b[i:j]), j, true
	}
	for _, lit := range []struct {
		texto string
		valor any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if j := i + len(lit.texto); j <= len(b) && string(b[i:j]) == lit.texto {
			return lit.valor, j, true
		}
	}
	return nil, 0, false
}

// numeroJSON recorre un número con la gramática de JSON (RFC 8259 §6):
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func numeroJSON(b []byte, i int) (int, bool) {
	digitos := func(i int) int {
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digitos(i)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := digitos(i + 1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digitos(i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}
