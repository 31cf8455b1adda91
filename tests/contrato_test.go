package tests

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"solicitud-transporte/handlers"
)

// contrato es el documento OpenAPI cargado una vez por binario de pruebas
// por kin-openapi, con su router para encontrar la operación de cada
// petición. Cargarlo exige también que el documento cumpla el esquema
// oficial de OpenAPI 3.1 (validadorDelDocumento).
var contrato struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func cargarContrato() (*openapi3.T, routers.Router, error) {
	contrato.once.Do(func() {
		if _, err := validadorDelDocumento(); err != nil {
			contrato.err = err
			return
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(handlers.OpenAPI)
		if err != nil {
			contrato.err = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contrato.err = err
			return
		}
		r, err := gorillamux.NewRouter(doc)
		contrato.doc, contrato.router, contrato.err = doc, r, err
	})
	return contrato.doc, contrato.router, contrato.err
}

// validarContrato comprueba que la respuesta cumple el documento OpenAPI.
// kin-openapi encuentra la operación (ruta y parámetros) y comprueba que el
// estado está declarado y las cabeceras; el cuerpo lo valida el validador
// estricto de JSON Schema 2020-12 contra el esquema de esa operación, estado
// y tipo de contenido. Las rutas que el documento no tiene (404 y 405 de
// Echo, rutas añadidas por una prueba) deben responder con el sobre de error
// genérico. Devuelve un texto vacío si todo cumple.
func validarContrato(req *http.Request, status int, header http.Header, cuerpo []byte) string {
	_, router, err := cargarContrato()
	if err != nil {
		return "documento OpenAPI inválido: " + err.Error()
	}
	estricto, err := validadorDelDocumento()
	if err != nil {
		return "documento OpenAPI inválido: " + err.Error()
	}
	if esRutaDocs(req.URL.Path) || req.Method == http.MethodOptions || (req.Method == http.MethodHead && len(cuerpo) == 0) {
		return ""
	}
	// La validación de la respuesta no lee el cuerpo de la petición.
	r := req.Clone(context.Background())
	ruta, params, err := router.FindRoute(r)
	if err != nil && !strings.HasSuffix(r.URL.Path, "/") {
		// Las colecciones se atienden también sin la barra final.
		r.URL.Path += "/"
		ruta, params, err = router.FindRoute(r)
	}
	if err != nil {
		if status < 400 {
			return "respuesta de éxito en una ruta que el documento no tiene"
		}
		return estricto.validarSobreError(cuerpo)
	}
	opciones := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: true}
	// Mensajes cortos: dónde falla y por qué, sin volcar el esquema entero.
	opciones.WithCustomSchemaErrorFunc(func(e *openapi3.SchemaError) string {
		return fmt.Sprintf("en /%s: %s", strings.Join(e.JSONPointer(), "/"), e.Reason)
	})
	entrada := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: ruta},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(cuerpo)),
		Options:                opciones,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), entrada); err != nil {
		return err.Error()
	}
	return estricto.validarRespuesta(ruta.Path, ruta.Method, status, header.Get("Content-Type"), cuerpo)
}

func esRutaDocs(ruta string) bool {
	return ruta == "/openapi.json" || ruta == "/docs" || strings.HasPrefix(ruta, "/docs/")
}
