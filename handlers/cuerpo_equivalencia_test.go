package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"testing"
	"unicode/utf8"

	"solicitud-transporte/models"
)

// decodificarBytes ya no decodifica el cuerpo dos veces ni vuelve a
// codificar el árbol cuando la poda no quita nada. Aquí se compara con la
// versión anterior, copiada (decodificarBytesAntes): mismo error (código,
// detalle y campos) y, si acepta, el mismo DTO.

func decodificarBytesAntes(b []byte, dst any) error {
	if len(bytes.Trim(b, " \t\r\n")) == 0 {
		return nil
	}
	if !utf8.Valid(b) {
		return errMalFormadaDetalle(nil, "El cuerpo no es texto UTF-8 válido.")
	}
	if err := revisarEstructuraAntes(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var arbol any
	if err := dec.Decode(&arbol); err != nil {
		return errMalFormada(err)
	}
	var v models.Validacion
	var ignorar bool
	arbol = podar(arbol, reflect.TypeOf(dst), "", "", &v, map[string]bool{}, &ignorar)
	limpio, err := json.Marshal(arbol)
	if err != nil {
		return errMalFormada(err)
	}
	if err := json.Unmarshal(limpio, dst); err != nil {
		return errMalFormada(err)
	}
	return v.Err()
}

// marcoAntes es un objeto abierto mientras se recorre el cuerpo.
type marcoAntes struct {
	claves    map[string]bool
	esperaCla bool // el próximo token es una clave (o el cierre)
}

// revisarEstructuraAntes recorre los tokens de b: JSON bien formado, un solo
// valor y que sea un objeto, y ninguna clave repetida en un mismo objeto
// (comparadas ya sin escapes: "m\u006ftivo" es "motivo").
func revisarEstructuraAntes(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var pila []*marcoAntes // nil = una lista
	completos := 0
	terminar := func() {
		if n := len(pila); n == 0 {
			completos++
		} else if pila[n-1] != nil {
			pila[n-1].esperaCla = true
		}
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errMalFormada(err)
		}
		if completos > 0 {
			return errMalFormada(errors.New("datos después del objeto JSON"))
		}
		if len(pila) == 0 && tok != json.Delim('{') {
			return errMalFormadaDetalle(nil, "El cuerpo debe ser un objeto JSON.")
		}
		if n := len(pila); n > 0 && pila[n-1] != nil && pila[n-1].esperaCla {
			if tok == json.Delim('}') {
				pila = pila[:n-1]
				terminar()
				continue
			}
			clave, _ := tok.(string)
			if pila[n-1].claves[clave] {
				return errMalFormadaDetalle(nil, "La clave "+strconvQuote(clave)+" aparece más de una vez en el mismo objeto.")
			}
			pila[n-1].claves[clave] = true
			pila[n-1].esperaCla = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			pila = append(pila, &marcoAntes{claves: map[string]bool{}, esperaCla: true})
		case json.Delim('['):
			pila = append(pila, nil)
		case json.Delim(']'):
			pila = pila[:len(pila)-1]
			terminar()
		default:
			terminar()
		}
	}
	if len(pila) > 0 || completos == 0 {
		return errMalFormada(io.ErrUnexpectedEOF)
	}
	return nil
}

// mismoResultado falla si las dos versiones difieren con body.
func mismoResultado[T any](t *testing.T, body []byte) {
	t.Helper()
	var ahora, antes T
	e1 := decodificarBytes(body, &ahora)
	e2 := decodificarBytesAntes(body, &antes)
	if (e1 == nil) != (e2 == nil) {
		t.Fatalf("%q: error %v, antes %v", body, e1, e2)
	}
	if e1 != nil {
		var m1, m2 *models.Error
		if !errors.As(e1, &m1) || !errors.As(e2, &m2) {
			t.Fatalf("%q: errores de otro tipo: %v | %v", body, e1, e2)
		}
		// Los campos de VALIDACION salen en el orden en que podar recorre
		// un mapa: se comparan como conjunto.
		if m1.Codigo != m2.Codigo || m1.Detalle != m2.Detalle || !mismosCampos(m1.Campos, m2.Campos) {
			t.Fatalf("%q: error\n ahora %+v\n antes %+v", body, m1, m2)
		}
		if m1.Codigo != models.CodigoValidacion {
			return
		}
	}
	if !reflect.DeepEqual(ahora, antes) {
		t.Fatalf("%q: DTO\n ahora %+v\n antes %+v", body, ahora, antes)
	}
}

func mismosCampos(a, b []models.ErrorCampo) bool {
	if len(a) != len(b) {
		return false
	}
	cuenta := map[string]int{}
	for _, c := range a {
		k, _ := json.Marshal(c)
		cuenta[string(k)]++
	}
	for _, c := range b {
		k, _ := json.Marshal(c)
		cuenta[string(k)]--
	}
	for _, n := range cuenta {
		if n != 0 {
			return false
		}
	}
	return true
}

// dtoEquiv añade a dtoFuzz un mapa y un any (sin poda) y varios campos del
// mismo tipo, para que varios errores de tipo compitan.
type dtoEquiv struct {
	dtoFuzz
	Extra   map[string]int   `json:"extra"`
	Libre   any              `json:"libre"`
	A       int              `json:"a"`
	B       int              `json:"b"`
	Version opcional[int]    `json:"version"`
	Sub     opcional[subDTO] `json:"sub"`
}

type subDTO struct {
	X string `json:"x"`
	Y []int  `json:"y"`
}

var cuerposEquiv = []string{
	`{}`, `{"motivo":"a\nb","origen":"San Salvador","n":3,"fecha":null,"licencia":{"numero":"A1"},"eventos":["x"],"activo":true}`,
	`{"Motivo":"x"}`, `{"motivo":"x","MOTIVO":"y"}`, `{"origen":"\u0000"}`, `{"a":"1","b":"2"}`, `{"b":"2","a":"1"}`,
	`{"version":"x","a":"y"}`, `{"a":"y","version":"x"}`, `{"sub":{"x":1,"y":["z"]}}`, `{"sub":{"X":"k","x":"\u202e"}}`,
	`{"extra":{"K":1,"k":2}}`, `{"extra":{"k":"x"}}`, `{"libre":{"B":[1,{"c":null}],"a":1e400}}`, `{"eventos":[]}`,
	`{"libre":[]}`, `{"n":1.5}`, `{"n":1e2}`, `{"n":99999999999999999999}`, `{"motivo":"\ud800"}`, `{"motivo":"<&>\u2028"}`,
	`{"licencia":{"Numero":"1"},"n":"x"}`, `{"licencia":[],"eventos":{}}`, ` {"a" : 1 } `, `{"a":1}x`, `{"a":1,}`,
	`{"n":3,"n":4}`, `{"":1}`, `{"fecha":"2026-01-01","FECHA":"x"}`, `{"sub":null,"version":null}`,
}

func TestDecodificarIgualQueAntes(t *testing.T) {
	for _, c := range cuerposEquiv {
		mismoResultado[dtoEquiv](t, []byte(c))
		mismoResultado[dtoFuzz](t, []byte(c))
	}
}

// FuzzDecodificarIgualQueAntes compara las dos versiones con cualquier
// cuerpo. Se corre con:
//
//	go test -run '^$' -fuzz '^FuzzDecodificarIgualQueAntes$' -fuzztime 20s ./handlers
func FuzzDecodificarIgualQueAntes(f *testing.F) {
	for _, c := range cuerposEquiv {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		mismoResultado[dtoEquiv](t, body)
	})
}
