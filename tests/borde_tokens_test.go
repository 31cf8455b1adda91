package tests

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// Reglas de tokens de API.md §12: fechas numéricas obligatorias, crit y
// una sola cabecera Authorization.

// firmarConCabecera firma claims con cabeceras JOSE extra.
func firmarConCabecera(t *testing.T, claims jwt.MapClaims, cabecera map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	for k, v := range cabecera {
		tok.Header[k] = v
	}
	s, err := tok.SignedString([]byte(secretoPrueba))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTokensEstrictos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	base := claimsDe(t, s.AccessToken)
	texto := func(k string) string { return fmt.Sprint(int64(base[k].(float64))) }
	casos := []struct {
		nombre string
		token  string
	}{
		{"exp como texto", firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), copiar(base, map[string]any{"exp": texto("exp")}))},
		{"iat como texto", firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), copiar(base, map[string]any{"iat": texto("iat")}))},
		{"nbf como texto", firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), copiar(base, map[string]any{"nbf": texto("nbf")}))},
		{"exp null", firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), copiar(base, map[string]any{"exp": json.RawMessage("null")}))},
		{"sin iat", firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), copiar(base, map[string]any{"iat": nil}))},
		{"sin nbf", firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), copiar(base, map[string]any{"nbf": nil}))},
		{"crit desconocido", firmarConCabecera(t, base, map[string]any{"crit": []string{"x-extension"}, "x-extension": true})},
		{"crit vacío", firmarConCabecera(t, base, map[string]any{"crit": []string{}})},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: c.token}).esperar(t, 401, "TOKEN_INVALIDO")
		})
	}
	t.Run("el mismo token sin cambios vale", func(t *testing.T) {
		tok := firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), base)
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: tok}).esperar(t, 200, "")
	})
	t.Run("refresh con exp como texto", func(t *testing.T) {
		r := claimsDe(t, s.RefreshToken)
		r["exp"] = fmt.Sprint(int64(r["exp"].(float64)))
		tok := firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), r)
		env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": tok}}).esperar(t, 401, "TOKEN_INVALIDO")
	})
	t.Run("dos cabeceras Authorization", func(t *testing.T) {
		for _, segunda := range []string{"Bearer " + s.AccessToken, "Basic YTpi"} {
			req := httptest.NewRequest("GET", "/auth/me", nil)
			req.Header.Add("Authorization", "Bearer "+s.AccessToken)
			req.Header.Add("Authorization", segunda)
			rec := env.cruda(req)
			var sobre struct{ Codigo string }
			json.Unmarshal(rec.Body.Bytes(), &sobre)
			if rec.Code != 400 || sobre.Codigo != "SOLICITUD_MAL_FORMADA" {
				t.Fatalf("status %d, cuerpo %s", rec.Code, rec.Body)
			}
		}
	})
}
