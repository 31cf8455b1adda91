package handlers

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

// casosPlano: los que leerPlano debe leer (plano = true) y los que debe dejar
// a leerArbol (escapes, anidados, JSON roto, claves repetidas…).
var casosPlano = []struct {
	cuerpo string
	plano  bool
}{
	{`{}`, true},
	{` { } `, true},
	{`{"refresh_token":"abc.def.ghi"}`, true},
	{"\t{\r\n\"a\" : 1 ,\"b\":-0.5e+3, \"c\":true,\"d\":false,\"e\":null,\"f\":\"ñandú ✓\"}\n", true},
	{`{"pasajeros":0,"x":-12,"y":1E9,"z":3.25}`, true},
	{`{"a":""}`, true},
	{`{"a":"x","a":"y"}`, false},
	{`{"a":"\u0041"}`, false},
	{`{"m\u006ftivo":"x"}`, false},
	{`{"a":{"b":1}}`, false},
	{`{"a":[1,2]}`, false},
	{`{"a":01}`, false},
	{`{"a":-}`, false},
	{`{"a":1.}`, false},
	{`{"a":1e}`, false},
	{`{"a":.5}`, false},
	{`{"a":+1}`, false},
	{`{"a":tru}`, false},
	{`{"a":truex}`, false},
	{`{"a":nul}`, false},
	{`{"a":1,}`, false},
	{`{,}`, false},
	{`{"a"}`, false},
	{`{"a":1} {}`, false},
	{`{"a":1}x`, false},
	{`{"a":1`, false},
	{`{"a":"sin cerrar}`, false},
	{"{\"a\":\"con\ttab\"}", false},
	{`[]`, false},
	{`"texto"`, false},
	{`{a:1}`, false},
}

// TestLeerPlanoComoArbol: leerPlano lee los objetos planos y da el mismo
// árbol que leerArbol; lo demás lo deja.
func TestLeerPlanoComoArbol(t *testing.T) {
	for _, c := range casosPlano {
		obj, ok := leerPlano([]byte(c.cuerpo))
		if ok != c.plano {
			t.Errorf("leerPlano(%q) ok = %v, want %v", c.cuerpo, ok, c.plano)
			continue
		}
		compararPlano(t, []byte(c.cuerpo), obj, ok)
	}
}

// FuzzLeerPlanoComoArbol: lo que leerPlano acepta, leerArbol lo acepta igual
// y con el mismo árbol.
func FuzzLeerPlanoComoArbol(f *testing.F) {
	for _, c := range casosPlano {
		f.Add(c.cuerpo)
	}
	f.Fuzz(func(t *testing.T, cuerpo string) {
		if !utf8.ValidString(cuerpo) {
			return // decodificarBytes los rechaza antes
		}
		obj, ok := leerPlano([]byte(cuerpo))
		compararPlano(t, []byte(cuerpo), obj, ok)
	})
}

func compararPlano(t *testing.T, b []byte, obj map[string]any, ok bool) {
	t.Helper()
	if !ok {
		return
	}
	arbol, err := leerArbol(b)
	if err != nil {
		t.Fatalf("leerPlano aceptó %q y leerArbol no: %v", b, err)
	}
	if !reflect.DeepEqual(any(obj), arbol) {
		t.Fatalf("árboles distintos para %q:\nplano %#v\narbol %#v", b, obj, arbol)
	}
}
