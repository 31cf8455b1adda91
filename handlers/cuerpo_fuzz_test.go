package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"solicitud-transporte/models"
)

// dtoFuzz tiene las formas de los DTO reales: texto libre y no libre,
// punteros, opcional[T], un objeto anidado y una lista.
type dtoFuzz struct {
	Motivo   string           `json:"motivo"`
	Origen   *string          `json:"origen"`
	N        *int             `json:"n"`
	Fecha    opcional[string] `json:"fecha"`
	Licencia *struct {
		Numero string `json:"numero"`
	} `json:"licencia"`
	Eventos []string `json:"eventos"`
	Activo  *bool    `json:"activo"`
}

// FuzzDecodificarJSON: la lectura estricta de cuerpos nunca entra en
// pánico; solo contesta 400 o 422 (nunca un 500); lo que acepta es un objeto
// JSON válido sin claves repetidas (se comprueba inyectando un duplicado de
// una clave aceptada: debe ser 400) y sin caracteres prohibidos en los
// textos que llegan al DTO. Se corre con:
//
//	go test -run '^$' -fuzz '^FuzzDecodificarJSON$' -fuzztime 20s ./handlers
func FuzzDecodificarJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"motivo":"a\nb\tc","origen":"San Salvador","n":3,"fecha":null,"licencia":{"numero":"A1"},"eventos":["x"],"activo":true}`,
		`{"motivo":"a","motivo":"b"}`, `{"motivo":"a","m\u006ftivo":"b"}`, `{"licencia":{"numero":"1","numero":"2"}}`,
		`{"Motivo":"x","MOTIVO":"y"}`, `{"Origen":"x"}`, `{"origen":"a\u0000b"}`, `{"origen":"a\nb"}`,
		`{"motivo":"\u202eabc"}`, `{"eventos":["ok","\u2066x"]}`, `{"licencia":{"numero":"\u0085"}}`,
		"{\"origen\":\"\xff\"}", `null`, `[]`, `"x"`, `1`, `{"n":"3"}`, `{"n":1e400}`, `{"a":1} {"b":2}`,
		`{"motivo":`, `{"fecha":{"x":1}}`, `{"motivo":"\ud800"}`, " \t\r\n", `{"":1,"":2}`,
		`{"licencia":null,"eventos":null}`, `{"x":{"y":{"z":[[[{"w":"\u0007"}]]]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var dst dtoFuzz
		err := decodificarBytes(body, &dst)
		if err != nil {
			var me *models.Error
			if !errors.As(err, &me) || (me.Codigo != models.CodigoSolicitudMalFormada && me.Codigo != models.CodigoValidacion) || me.Detalle == "" {
				t.Fatalf("error inesperado para %q: %v", body, err)
			}
			if me.Codigo == models.CodigoValidacion && len(me.Campos) == 0 {
				t.Fatalf("VALIDACION sin campos para %q", body)
			}
			return
		}
		recortado := bytes.Trim(body, " \t\r\n")
		if len(recortado) == 0 {
			return
		}
		if recortado[0] != '{' || !json.Valid(body) {
			t.Fatalf("aceptado algo que no es un objeto JSON: %q", body)
		}
		out, err := json.Marshal(dst)
		if err != nil || out[0] != '{' {
			t.Fatalf("el DTO no se vuelve a codificar como objeto: %s, %v", out, err)
		}
		for campo, s := range map[string]string{"motivo": dst.Motivo, "origen": deref(dst.Origen)} {
			var v models.Validacion
			if revisarTexto(&v, campo, campo, s) {
				t.Fatalf("aceptado %s con caracteres prohibidos: %q", campo, s)
			}
		}
		var claves map[string]json.RawMessage
		if json.Unmarshal(body, &claves) != nil {
			t.Fatalf("aceptado %q, que no es un objeto", body)
		}
		for k := range claves {
			nombre, _ := json.Marshal(k)
			dup := append([]byte("{"+string(nombre)+":null,"), recortado[1:]...)
			var otro dtoFuzz
			err := decodificarBytes(dup, &otro)
			var me *models.Error
			if !errors.As(err, &me) || me.Codigo != models.CodigoSolicitudMalFormada {
				t.Fatalf("aceptada la clave repetida %s en %q: %v", nombre, dup, err)
			}
			break
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
