package tests

import (
	"net/http"
	"net/http/httptest"
	"strings"
)

// cruda envía req por el router tal cual (cabeceras repetidas, HEAD) y
// valida la respuesta contra el documento OpenAPI.
func (env *entorno) cruda(req *http.Request) *httptest.ResponseRecorder {
	env.t.Helper()
	rec := httptest.NewRecorder()
	env.e.ServeHTTP(rec, req)
	if msg := validarContrato(req, rec.Code, rec.Header(), rec.Body.Bytes()); msg != "" {
		env.t.Errorf("%s %s → %d no cumple el documento OpenAPI: %s\ncuerpo: %s", req.Method, req.URL, rec.Code, msg, rec.Body.Bytes())
	}
	return rec
}

// valores devuelve "v0,v1,…" con n elementos tomados en ciclo de vs.
func valores(n int, vs ...string) string {
	out := make([]string, n)
	for i := range out {
		out[i] = vs[i%len(vs)]
	}
	return strings.Join(out, ",")
}
