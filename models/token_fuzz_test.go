package models

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzVerificar: Verificar nunca entra en pánico con cualquier texto ni con
// tokens válidos mutados, y nunca acepta (ni siquiera como expirado) un
// token cuya firma no sea el HMAC-SHA256 de la clave, ni uno al que le falte
// exp, iat o nbf numérico, ni uno con crit. Las semillas son los hallazgos
// de API.md §12. Se corre con:
//
//	go test -run '^$' -fuzz '^FuzzVerificar$' -fuzztime 20s ./models
func FuzzVerificar(f *testing.F) {
	secreto := []byte("secreto-de-fuzz-de-al-menos-32-caracteres")
	ahora := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)
	tk, err := NewTokens(ConfigTokens{Secreto: secreto, Algoritmo: "HS256", Emisor: "emisor", Audiencia: "api"},
		func() time.Time { return ahora })
	if err != nil {
		f.Fatal(err)
	}
	valido, err := tk.Emitir(7, RolAdmin, TokenAcceso, "sid", "jti", ahora, ahora.Add(time.Hour))
	if err != nil {
		f.Fatal(err)
	}
	expirado, _ := tk.Emitir(7, RolAdmin, TokenAcceso, "sid", "jti", ahora.Add(-2*time.Hour), ahora.Add(-time.Hour))
	base := jwt.MapClaims{"sub": "7", "typ": "access", "jti": "j", "sid": "s", "iss": "emisor", "aud": "api",
		"iat": ahora.Unix(), "nbf": ahora.Unix(), "exp": ahora.Add(time.Hour).Unix()}
	firmar := func(cambios map[string]any, cabecera map[string]any) string {
		c := jwt.MapClaims{}
		for k, v := range base {
			c[k] = v
		}
		for k, v := range cambios {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
		for k, v := range cabecera {
			tok.Header[k] = v
		}
		s, err := tok.SignedString(secreto)
		if err != nil {
			f.Fatal(err)
		}
		return s
	}
	for _, s := range []string{
		valido, expirado, "", ".", "..", "a.b.c", "no.es.jwt", valido + ".", valido[:len(valido)-1],
		strings.Replace(valido, ".", "=.", 1),
		firmar(nil, nil),
		firmar(map[string]any{"exp": "1772467200"}, nil),
		firmar(map[string]any{"iat": "1772463600"}, nil),
		firmar(map[string]any{"nbf": "1772463600"}, nil),
		firmar(map[string]any{"exp": nil}, nil),
		firmar(map[string]any{"iat": nil}, nil),
		firmar(map[string]any{"nbf": nil}, nil),
		firmar(map[string]any{"exp": 1e300}, nil),
		firmar(map[string]any{"exp": -1}, nil),
		firmar(nil, map[string]any{"crit": []string{"exp"}}),
		firmar(nil, map[string]any{"crit": []string{}}),
		firmar(nil, map[string]any{"alg": "none"}),
		"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiI3In0.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := tk.Verificar(raw, TokenAcceso)
		aceptado := err == nil
		var me *Error
		if err != nil {
			if !errors.As(err, &me) || (me.Codigo != CodigoTokenInvalido && me.Codigo != CodigoTokenExpirado) {
				t.Fatalf("error inesperado %v", err)
			}
			aceptado = me.Codigo == CodigoTokenExpirado
		}
		if !aceptado {
			return
		}
		if c == nil {
			t.Fatal("aceptado sin claims")
		}
		partes := strings.Split(raw, ".")
		if len(partes) != 3 {
			t.Fatalf("aceptado con %d partes", len(partes))
		}
		firma, err := base64.RawURLEncoding.DecodeString(partes[2])
		if err != nil {
			t.Fatalf("aceptado con una firma que no es base64url: %v", err)
		}
		m := hmac.New(sha256.New, secreto)
		m.Write([]byte(partes[0] + "." + partes[1]))
		if !hmac.Equal(firma, m.Sum(nil)) {
			t.Fatalf("aceptado un token no firmado con la clave: %q", raw)
		}
		if c.ExpiresAt == nil || c.IssuedAt == nil || c.NotBefore == nil {
			t.Fatalf("aceptado sin exp, iat o nbf: %q", raw)
		}
	})
}
