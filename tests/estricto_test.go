package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"solicitud-transporte/handlers"
)

// urlDocumento es la URL con la que el validador estricto conoce
// handlers/openapi.json: la base contra la que se resuelven sus $ref. El
// dominio .invalid no existe (RFC 2606); nada se descarga.
const urlDocumento = "https://solicitud-transporte.invalid/openapi.json"

// esquemaOAS31 es el esquema oficial de documentos OpenAPI 3.1 que además
// valida cada Schema Object con el dialecto base de OAS (JSON Schema
// 2020-12 más el vocabulario de OpenAPI).
const esquemaOAS31 = "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07"

// recursosOAS31 son los documentos de la OpenAPI Initiative copiados en
// testdata/oas-3.1 (véase su LEEME.md), por su $id.
var recursosOAS31 = map[string]string{
	"https://spec.openapis.org/oas/3.1/schema/2022-10-07":      "schema-2022-10-07.json",
	"https://spec.openapis.org/oas/3.1/schema-base/2022-10-07": "schema-base-2022-10-07.json",
	"https://spec.openapis.org/oas/3.1/dialect/base":           "dialect-base.json",
	"https://spec.openapis.org/oas/3.1/meta/base":              "meta-base.json",
}

// validadorEstricto valida cuerpos de respuesta con un validador de JSON
// Schema 2020-12 (santhosh-tekuri/jsonschema), independiente de
// kin-openapi. Compila cada esquema del documento una vez, con el
// documento entero como recurso base para que sus $ref se resuelvan. Es
// seguro para pruebas en paralelo: el compilador va bajo mu y los esquemas
// compilados solo se leen.
type validadorEstricto struct {
	doc map[string]any // el documento tal cual, para seguir punteros

	mu         sync.Mutex
	compilador *jsonschema.Compiler
	cache      map[string]*jsonschema.Schema // puntero JSON → esquema
}

// nuevoValidadorEstricto prepara el validador de cuerpos sobre documento
// (un OpenAPI en JSON). No valida el documento mismo: eso lo hace
// validarDocumentoOAS31.
func nuevoValidadorEstricto(documento []byte) (*validadorEstricto, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(documento))
	if err != nil {
		return nil, err
	}
	raiz, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("el documento no es un objeto JSON")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	// format deja de ser solo una anotación: date-time y email se comprueban.
	c.AssertFormat()
	if err := c.AddResource(urlDocumento, doc); err != nil {
		return nil, err
	}
	return &validadorEstricto{doc: raiz, compilador: c, cache: map[string]*jsonschema.Schema{}}, nil
}

// validarDocumentoOAS31 valida documento contra el esquema oficial
// schema-base/2022-10-07 de la OpenAPI Initiative, sin red.
func validarDocumentoOAS31(documento []byte) error {
	c := jsonschema.NewCompiler()
	for id, archivo := range recursosOAS31 {
		f, err := os.Open(filepath.Join("testdata", "oas-3.1", archivo))
		if err != nil {
			return err
		}
		v, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", archivo, err)
		}
		if err := c.AddResource(id, v); err != nil {
			return err
		}
	}
	esquema, err := c.Compile(esquemaOAS31)
	if err != nil {
		return fmt.Errorf("compilar el esquema oficial de OpenAPI 3.1: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(documento))
	if err != nil {
		return err
	}
	if err := esquema.Validate(doc); err != nil {
		return fmt.Errorf("no cumple el esquema oficial de OpenAPI 3.1 (%s): %w", esquemaOAS31, err)
	}
	return nil
}

// esquema compila (una vez) el esquema en el puntero JSON ptr del documento.
func (v *validadorEstricto) esquema(ptr string) (*jsonschema.Schema, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.cache[ptr]; ok {
		return s, nil
	}
	s, err := v.compilador.Compile(urlDocumento + "#" + ptr)
	if err != nil {
		return nil, err
	}
	v.cache[ptr] = s
	return s, nil
}

// validar comprueba cuerpo contra el esquema en ptr.
func (v *validadorEstricto) validar(ptr string, cuerpo []byte) error {
	s, err := v.esquema(ptr)
	if err != nil {
		return fmt.Errorf("compilar %s: %w", ptr, err)
	}
	valor, err := jsonschema.UnmarshalJSON(bytes.NewReader(cuerpo))
	if err != nil {
		return fmt.Errorf("el cuerpo no es JSON: %w", err)
	}
	return s.Validate(valor)
}

// validarRespuesta valida el cuerpo de la respuesta status, con el
// Content-Type ctype, de la operación metodo en plantilla (la ruta tal como
// figura en paths). Devuelve un texto vacío si cumple.
func (v *validadorEstricto) validarRespuesta(plantilla, metodo string, status int, ctype string, cuerpo []byte) string {
	operacion := "/paths/" + escaparPuntero(plantilla) + "/" + strings.ToLower(metodo) + "/responses"
	respuestas, _ := v.seguir(operacion).(map[string]any)
	codigo := strconv.Itoa(status)
	clave := ""
	for _, c := range []string{codigo, codigo[:1] + "XX", "default"} {
		if _, ok := respuestas[c]; ok {
			clave = c
			break
		}
	}
	if clave == "" {
		return fmt.Sprintf("estricto: estado %d no declarado en %s", status, operacion)
	}
	base := operacion + "/" + clave
	// Una respuesta puede ser un $ref a components/responses.
	for i := 0; i < 5; i++ {
		r, _ := v.seguir(base).(map[string]any)
		ref, ok := r["$ref"].(string)
		if !ok {
			break
		}
		base = strings.TrimPrefix(ref, "#")
	}
	respuesta, _ := v.seguir(base).(map[string]any)
	contenido, _ := respuesta["content"].(map[string]any)
	if len(contenido) == 0 {
		if len(cuerpo) > 0 {
			return "estricto: cuerpo en una respuesta que el documento declara sin contenido"
		}
		return ""
	}
	tipo := tipoMedio(contenido, ctype)
	if tipo == "" {
		return fmt.Sprintf("estricto: Content-Type %q no declarado para %d", ctype, status)
	}
	if !esTipoJSON(tipo) {
		if msg := v.validarArchivo(base+"/content/"+escaparPuntero(tipo)+"/schema", tipo, cuerpo); msg != "" {
			return msg
		}
		if !strings.HasPrefix(tipo, "text/") {
			return "" // binario (XLSX): basta la firma
		}
		// Un cuerpo de texto (text/csv, text/calendar, text/plain) se valida
		// además como una cadena JSON contra su esquema (type string, pattern…).
		texto, err := json.Marshal(string(cuerpo))
		if err != nil {
			return "estricto: " + err.Error()
		}
		cuerpo = texto
	}
	if err := v.validar(base+"/content/"+escaparPuntero(tipo)+"/schema", cuerpo); err != nil {
		return "estricto: " + err.Error()
	}
	return ""
}

// esTipoJSON dice si el tipo de medio es JSON (application/json o +json).
func esTipoJSON(tipo string) bool {
	mt, _, err := mime.ParseMediaType(tipo)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// validarArchivo valida una respuesta que no es JSON (las descargas de
// /solicitud/exportar): el documento debe declararla como type string, y
// el cuerpo debe ser de ese tipo: texto UTF-8 para text/*, un zip (la firma
// PK\x03\x04 de OOXML) para los libros de Excel. El contenido en sí lo
// comprueban las pruebas de cada formato.
func (v *validadorEstricto) validarArchivo(ptr, tipo string, cuerpo []byte) string {
	esquema, _ := v.seguir(ptr).(map[string]any)
	if esquema["type"] != "string" {
		return fmt.Sprintf("estricto: el esquema de %s debe ser type string", tipo)
	}
	mt, _, _ := mime.ParseMediaType(tipo)
	switch {
	case strings.HasPrefix(mt, "text/"):
		if !utf8.Valid(cuerpo) {
			return fmt.Sprintf("estricto: cuerpo %s que no es UTF-8", mt)
		}
	case strings.HasSuffix(mt, ".sheet") || mt == "application/zip":
		if !bytes.HasPrefix(cuerpo, []byte("PK\x03\x04")) {
			return fmt.Sprintf("estricto: cuerpo %s que no es un zip", mt)
		}
	default:
		return fmt.Sprintf("estricto: tipo de medio %s sin validador", mt)
	}
	return ""
}

// validarSobreError valida cuerpo contra components/schemas/Error.
func (v *validadorEstricto) validarSobreError(cuerpo []byte) string {
	if err := v.validar("/components/schemas/Error", cuerpo); err != nil {
		return "estricto: no cumple el esquema Error: " + err.Error()
	}
	return ""
}

// seguir devuelve el valor del documento en el puntero JSON ptr, o nil.
func (v *validadorEstricto) seguir(ptr string) any {
	var actual any = v.doc
	for _, parte := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := actual.(map[string]any)
		if !ok {
			return nil
		}
		parte = strings.ReplaceAll(strings.ReplaceAll(parte, "~1", "/"), "~0", "~")
		actual = m[parte]
	}
	return actual
}

// tipoMedio elige la clave de content que corresponde a ctype: la exacta
// o, si no, un comodín tipo/* o */*.
func tipoMedio(contenido map[string]any, ctype string) string {
	mt, _, err := mime.ParseMediaType(ctype)
	if err != nil {
		return ""
	}
	principal, _, _ := strings.Cut(mt, "/")
	for _, clave := range []string{mt, principal + "/*", "*/*"} {
		for k := range contenido {
			if km, _, err := mime.ParseMediaType(k); err == nil && strings.EqualFold(km, clave) {
				return k
			}
		}
	}
	return ""
}

// escaparPuntero escapa un segmento de puntero JSON (RFC 6901).
func escaparPuntero(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// estricto es el validador del documento embebido, compartido por todas las
// pruebas del binario. Obtenerlo exige que el documento cumpla el esquema
// oficial de OpenAPI 3.1 y no use palabras clave ajenas a JSON Schema
// 2020-12 y a OAS 3.1 en sus esquemas.
var estricto struct {
	once sync.Once
	v    *validadorEstricto
	err  error
}

func validadorDelDocumento() (*validadorEstricto, error) {
	estricto.once.Do(func() {
		if estricto.err = validarDocumentoOAS31(handlers.OpenAPI); estricto.err != nil {
			return
		}
		if estricto.err = validarPalabrasClave(handlers.OpenAPI); estricto.err != nil {
			return
		}
		estricto.v, estricto.err = nuevoValidadorEstricto(handlers.OpenAPI)
	})
	return estricto.v, estricto.err
}
