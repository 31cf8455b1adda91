package tests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"solicitud-transporte/handlers"
)

// solicitudValida es el cuerpo de GET /solicitud/{id} de una solicitud
// pendiente: vehiculo, motorista y los textos opcionales en null.
func solicitudValida() map[string]any {
	return map[string]any{
		"exito": true, "mensaje": "Solicitud obtenida",
		"datos": map[string]any{
			"id": 1, "codigo": "ST-2026-000001", "estado": "pendiente", "origen": "Oficina central",
			"destino": "Juzgado de Santa Ana", "fechaSalida": "2026-03-05T09:00:00-06:00", "fechaRegreso": nil,
			"motivo": "Audiencia", "pasajeros": 3, "observaciones": nil,
			"solicitante": map[string]any{"id": 2, "username": "ana"},
			"vehiculo":    nil, "motorista": nil, "motivoRechazo": nil, "motivoCancelacion": nil, "viaje": nil,
			"version": 1, "creadoEn": "2026-03-02T09:00:00-06:00", "actualizadoEn": "2026-03-02T09:00:00-06:00",
		},
	}
}

func aJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEstrictoDetectaCuerposMalos comprueba que el validador de JSON Schema
// 2020-12 rechaza cuerpos que se apartan del documento y acepta los buenos.
func TestEstrictoDetectaCuerposMalos(t *testing.T) {
	t.Parallel()
	v, err := validadorDelDocumento()
	if err != nil {
		t.Fatal(err)
	}
	cambiar := func(f func(d map[string]any)) []byte {
		s := solicitudValida()
		f(s["datos"].(map[string]any))
		return aJSON(t, s)
	}
	casos := []struct {
		nombre string
		status int
		cuerpo []byte
		falla  string // "" si debe cumplir; si no, un trozo del error
	}{
		{"pendiente con nulos", 200, aJSON(t, solicitudValida()), ""},
		{"asignada", 200, cambiar(func(d map[string]any) {
			d["estado"] = "asignada"
			d["motorista"] = map[string]any{"id": 3, "username": "beto"}
			d["vehiculo"] = map[string]any{"id": 1, "placa": "P123-456", "marca": "Toyota", "modelo": "Hiace", "capacidad": 12, "activo": true, "kilometraje": 48250}
		}), ""},
		{"vehiculo numérico", 200, cambiar(func(d map[string]any) { d["vehiculo"] = 5 }), "/datos/vehiculo"},
		{"motorista texto", 200, cambiar(func(d map[string]any) { d["motorista"] = "beto" }), "/datos/motorista"},
		{"falta version", 200, cambiar(func(d map[string]any) { delete(d, "version") }), "version"},
		{"campo de más", 200, cambiar(func(d map[string]any) { d["hash"] = "x" }), "hash"},
		{"fecha que no es date-time", 200, cambiar(func(d map[string]any) { d["fechaSalida"] = "mañana" }), "/datos/fechaSalida"},
		{"estado desconocido", 200, cambiar(func(d map[string]any) { d["estado"] = "perdida" }), "/datos/estado"},
		{"código de otro estado", 404, []byte(`{"exito":false,"mensaje":"Conflicto","detalle":"x","codigo":"CONFLICTO"}`), "/codigo"},
		{"código fuera del catálogo", 404, []byte(`{"exito":false,"mensaje":"x","detalle":"x","codigo":"INVENTADO"}`), "/codigo"},
		{"404 correcto", 404, []byte(`{"exito":false,"mensaje":"Recurso no encontrado","detalle":"La solicitud 9 no existe.","codigo":"NO_ENCONTRADO"}`), ""},
	}
	for _, c := range casos {
		msg := v.validarRespuesta("/solicitud/{id}", "GET", c.status, "application/json", c.cuerpo)
		switch {
		case c.falla == "" && msg != "":
			t.Errorf("%s: rechazado: %s", c.nombre, msg)
		case c.falla != "" && msg == "":
			t.Errorf("%s: la validación estricta no detectó el desvío", c.nombre)
		case c.falla != "" && !strings.Contains(msg, c.falla):
			t.Errorf("%s: error sin %q: %s", c.nombre, c.falla, msg)
		}
	}
	// Y de punta a punta, por validarContrato como lo usa hacer().
	req := httptest.NewRequest("GET", "/solicitud/1", nil)
	hdr := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"abc"}}
	if msg := validarContrato(req, 200, hdr, cambiar(func(d map[string]any) { d["vehiculo"] = 5 })); msg == "" {
		t.Error("validarContrato aceptó vehiculo: 5")
	}
	if msg := validarContrato(req, 200, hdr, aJSON(t, solicitudValida())); msg != "" {
		t.Errorf("validarContrato rechazó una solicitud válida: %s", msg)
	}
}

// TestEstrictoRechazaNullable30 muestra por qué el documento pasó a 3.1: la
// forma de OpenAPI 3.0 (allOf con un $ref más nullable) no admite null para
// un lector de JSON Schema 2020-12, que ignora nullable; la forma 3.1 (anyOf
// con {"type": "null"}) sí.
func TestEstrictoRechazaNullable30(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"openapi": "3.0.3", "components": {"schemas": {
		"Vehiculo": {"type": "object", "required": ["placa"], "properties": {"placa": {"type": "string"}}},
		"Forma30": {"type": "object", "properties": {
			"vehiculo": {"allOf": [{"$ref": "#/components/schemas/Vehiculo"}], "nullable": true},
			"motivo": {"type": "string", "nullable": true}}},
		"Forma31": {"type": "object", "properties": {
			"vehiculo": {"anyOf": [{"$ref": "#/components/schemas/Vehiculo"}, {"type": "null"}]},
			"motivo": {"type": ["string", "null"]}}}}}}`)
	v, err := nuevoValidadorEstricto(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, cuerpo := range []string{`{"vehiculo": null}`, `{"motivo": null}`} {
		if err := v.validar("/components/schemas/Forma30", []byte(cuerpo)); err == nil {
			t.Errorf("forma 3.0 con %s: aceptada; un lector estricto la rechaza", cuerpo)
		}
		if err := v.validar("/components/schemas/Forma31", []byte(cuerpo)); err != nil {
			t.Errorf("forma 3.1 con %s: %v", cuerpo, err)
		}
	}
	if err := v.validar("/components/schemas/Forma31", []byte(`{"vehiculo": {}}`)); err == nil {
		t.Error("forma 3.1: aceptó un vehículo sin placa")
	}
	// Y la revisión de palabras clave señala nullable en la forma 3.0.
	if err := validarPalabrasClave(doc); err == nil || !strings.Contains(err.Error(), `"nullable"`) {
		t.Errorf("validarPalabrasClave no señaló nullable: %v", err)
	}
}

// TestOpenAPIDocumentoDetectaDesvios altera el documento embebido y espera
// que el esquema oficial de OpenAPI 3.1 o la revisión de palabras clave lo
// rechacen.
func TestOpenAPIDocumentoDetectaDesvios(t *testing.T) {
	t.Parallel()
	if err := validarDocumentoOAS31(handlers.OpenAPI); err != nil {
		t.Fatalf("el documento embebido no cumple: %v", err)
	}
	if err := validarPalabrasClave(handlers.OpenAPI); err != nil {
		t.Fatalf("el documento embebido no cumple: %v", err)
	}
	esquemas := func(d map[string]any) map[string]any {
		return d["components"].(map[string]any)["schemas"].(map[string]any)
	}
	casos := []struct {
		nombre string
		cambio func(d map[string]any)
		falla  string
	}{
		{"versión 3.0", func(d map[string]any) { d["openapi"] = "3.0.3" }, "/openapi"},
		{"operación con campo desconocido", func(d map[string]any) {
			d["paths"].(map[string]any)["/salud"].(map[string]any)["get"].(map[string]any)["sumary"] = "x"
		}, "sumary"},
		{"respuesta sin descripción", func(d map[string]any) {
			delete(d["components"].(map[string]any)["responses"].(map[string]any)["NoEncontrado"].(map[string]any), "description")
		}, "description"},
		{"exclusiveMinimum booleano", func(d map[string]any) {
			esquemas(d)["Solicitud"].(map[string]any)["properties"].(map[string]any)["pasajeros"].(map[string]any)["exclusiveMinimum"] = true
		}, "exclusiveMinimum"},
		{"nullable", func(d map[string]any) {
			esquemas(d)["Solicitud"].(map[string]any)["properties"].(map[string]any)["motivo"].(map[string]any)["nullable"] = true
		}, "nullable"},
		{"example en un esquema", func(d map[string]any) {
			esquemas(d)["Solicitud"].(map[string]any)["properties"].(map[string]any)["motivo"].(map[string]any)["example"] = "x"
		}, "example"},
		{"error de tecleo", func(d map[string]any) { esquemas(d)["Solicitud"].(map[string]any)["requried"] = []any{"id"} }, "requried"},
	}
	for _, c := range casos {
		var d map[string]any
		if err := json.Unmarshal(handlers.OpenAPI, &d); err != nil {
			t.Fatal(err)
		}
		c.cambio(d)
		b := aJSON(t, d)
		err := validarDocumentoOAS31(b)
		if err == nil {
			err = validarPalabrasClave(b)
		}
		if err == nil {
			t.Errorf("%s: el documento alterado pasó", c.nombre)
		} else if !strings.Contains(err.Error(), c.falla) {
			t.Errorf("%s: error sin %q: %v", c.nombre, c.falla, err)
		}
	}
}
