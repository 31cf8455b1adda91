package tests

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// palabrasClave son las palabras clave que un Schema Object de OpenAPI 3.1
// puede usar: los vocabularios de JSON Schema 2020-12 y el vocabulario base
// de OAS 3.1, sin example (obsoleto en 3.1; se usa examples).
//
// El esquema oficial no puede rechazar una palabra desconocida (JSON Schema
// las ignora), así que nullable, example o un error de tecleo como
// "requried" pasarían sin efecto: esta lista los hace visibles.
var palabrasClave = func() map[string]bool {
	out := map[string]bool{}
	for _, grupo := range []string{
		// core
		"$schema $id $ref $anchor $dynamicRef $dynamicAnchor $vocabulary $comment $defs",
		// applicator y unevaluated
		"allOf anyOf oneOf not if then else dependentSchemas prefixItems items contains",
		"properties patternProperties additionalProperties propertyNames unevaluatedItems unevaluatedProperties",
		// validation
		"type enum const multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern",
		"maxItems minItems uniqueItems maxContains minContains maxProperties minProperties required dependentRequired",
		// meta-data, format, content
		"title description default deprecated readOnly writeOnly examples format contentEncoding contentMediaType contentSchema",
		// vocabulario base de OAS 3.1
		"discriminator xml externalDocs",
	} {
		for _, p := range strings.Fields(grupo) {
			out[p] = true
		}
	}
	return out
}()

// subesquemas por palabra clave: un esquema, un mapa de esquemas o una lista.
var (
	claveEsquema      = []string{"not", "if", "then", "else", "items", "contains", "additionalProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema"}
	claveMapaEsquemas = []string{"properties", "patternProperties", "dependentSchemas", "$defs"}
	claveListaEsquema = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
)

// validarPalabrasClave recorre cada Schema Object del documento y rechaza
// las palabras clave que no están en palabrasClave (salvo extensiones x-) y
// los exclusiveMinimum/exclusiveMaximum booleanos de OpenAPI 3.0.
func validarPalabrasClave(documento []byte) error {
	var doc any
	if err := json.Unmarshal(documento, &doc); err != nil {
		return err
	}
	var problemas []string
	var esquema func(v any, donde string)
	esquema = func(v any, donde string) {
		s, ok := v.(map[string]any)
		if !ok {
			return // true/false también son esquemas
		}
		for k, valor := range s {
			switch {
			case strings.HasPrefix(k, "x-"):
			case !palabrasClave[k]:
				problemas = append(problemas, fmt.Sprintf("%s: palabra clave %q no es de JSON Schema 2020-12 ni de OAS 3.1", donde, k))
			case (k == "exclusiveMinimum" || k == "exclusiveMaximum") && esBool(valor):
				problemas = append(problemas, fmt.Sprintf("%s: %s booleano es de OpenAPI 3.0; en 3.1 es un número", donde, k))
			case slices.Contains(claveEsquema, k):
				esquema(valor, donde+"/"+k)
			case slices.Contains(claveMapaEsquemas, k):
				if m, ok := valor.(map[string]any); ok {
					for nombre, sub := range m {
						esquema(sub, donde+"/"+k+"/"+escaparPuntero(nombre))
					}
				}
			case slices.Contains(claveListaEsquema, k):
				if l, ok := valor.([]any); ok {
					for i, sub := range l {
						esquema(sub, fmt.Sprintf("%s/%s/%d", donde, k, i))
					}
				}
			}
		}
	}
	// Fuera de los esquemas, "schema" solo aparece en Parameter, Header y
	// Media Type Objects; los ejemplos son datos y no se recorren.
	var objeto func(v any, donde string)
	objeto = func(v any, donde string) {
		switch v := v.(type) {
		case map[string]any:
			for k, valor := range v {
				switch {
				case k == "schema":
					esquema(valor, donde+"/schema")
				case k == "example" || k == "examples":
				case donde == "/components" && k == "schemas":
					for nombre, sub := range valor.(map[string]any) {
						esquema(sub, "/components/schemas/"+escaparPuntero(nombre))
					}
				default:
					objeto(valor, donde+"/"+escaparPuntero(k))
				}
			}
		case []any:
			for i, sub := range v {
				objeto(sub, fmt.Sprintf("%s/%d", donde, i))
			}
		}
	}
	objeto(doc, "")
	if len(problemas) > 0 {
		slices.Sort(problemas)
		return fmt.Errorf("esquemas con construcciones ajenas a OpenAPI 3.1 (%d):\n  %s", len(problemas), strings.Join(problemas, "\n  "))
	}
	return nil
}

func esBool(v any) bool {
	_, ok := v.(bool)
	return ok
}
