package models

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Emitir y Verificar dejaron de usar jwt.Token.SignedString y de decodificar
// la carga dos veces. Estas pruebas comparan con lo de antes: los tokens
// firmados son byte a byte los de golang-jwt y Verificar acepta, rechaza y
// devuelve lo mismo que la versión anterior, copiada aquí (verificarAntes).

var relojEquiv = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

const secretoEquiv = "secreto-de-equivalencia-de-al-menos-32-caracteres"

func tokensEquiv(t testing.TB, alg, emisor, audiencia string) *Tokens {
	t.Helper()
	tk, err := NewTokens(ConfigTokens{Secreto: []byte(secretoEquiv), Algoritmo: alg, Emisor: emisor, Audiencia: audiencia},
		func() time.Time { return relojEquiv })
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// verificarAntes es Verificar tal como era antes de leer la carga una sola
// vez (con su formaEstricta y su IDUsuario).
func verificarAntes(t *Tokens, raw string, tipo TipoToken) (*Claims, error) {
	var c Claims
	tok, err := t.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.cfg.Secreto, nil })
	firmaOK := err == nil || errors.Is(err, jwt.ErrTokenInvalidClaims)
	if !firmaOK || c.Typ != tipo || c.ID == "" || c.Subject == "" {
		return nil, ErrTokenInvalido(err)
	}
	if errForma := formaEstrictaAntes(tok, raw); errForma != nil {
		return nil, ErrTokenInvalido(errForma)
	}
	if err != nil {
		if soloExpirado(err) {
			return &c, &Error{Codigo: CodigoTokenExpirado, Detalle: detalleExpirado(tipo), Err: err}
		}
		return nil, ErrTokenInvalido(err)
	}
	return &c, nil
}

func formaEstrictaAntes(tok *jwt.Token, raw string) error {
	if tok == nil {
		return errors.New("token sin analizar")
	}
	if _, ok := tok.Header["crit"]; ok {
		return errors.New("cabecera crit no admitida")
	}
	partes := strings.Split(raw, ".")
	if len(partes) != 3 {
		return errors.New("el token no tiene tres partes")
	}
	carga, err := base64.RawURLEncoding.DecodeString(partes[1])
	if err != nil {
		return err
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(carga, &claims); err != nil {
		return err
	}
	for _, k := range []string{"exp", "iat", "nbf"} {
		v := bytes.TrimSpace(claims[k])
		if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
			return fmt.Errorf("el claim %s falta o no es un número", k)
		}
	}
	return nil
}

func idUsuarioAntes(c *Claims) (uint, bool) {
	var id uint
	if _, err := fmt.Sscan(c.Subject, &id); err != nil || fmt.Sprint(id) != c.Subject {
		return 0, false
	}
	return id, true
}

// compararVerificar falla si Verificar y verificarAntes difieren en el
// código de error, en los claims devueltos o en el id del sub. Devuelve el
// código ("" si aceptado).
func compararVerificar(t *testing.T, tk *Tokens, raw string, tipo TipoToken) string {
	t.Helper()
	c1, e1 := tk.Verificar(raw, tipo)
	c2, e2 := verificarAntes(tk, raw, tipo)
	cod1, cod2 := "", ""
	if e1 != nil {
		cod1 = string(CodigoDe(e1))
		var me *Error
		if !errors.As(e1, &me) || me.Detalle == "" {
			t.Fatalf("%q: error sin detalle: %v", raw, e1)
		}
		if e2 != nil && me.Detalle != e2.(*Error).Detalle {
			t.Fatalf("%q: detalle %q, antes %q", raw, me.Detalle, e2.(*Error).Detalle)
		}
	}
	if e2 != nil {
		cod2 = string(CodigoDe(e2))
	}
	if cod1 != cod2 {
		t.Fatalf("%q: código %q, antes %q (%v | %v)", raw, cod1, cod2, e1, e2)
	}
	if !reflect.DeepEqual(c1, c2) {
		t.Fatalf("%q: claims distintos:\n ahora %+v\n antes %+v", raw, c1, c2)
	}
	if c1 != nil {
		id1, ok1 := c1.IDUsuario()
		id2, ok2 := idUsuarioAntes(c2)
		if id1 != id2 || ok1 != ok2 {
			t.Fatalf("%q: IDUsuario %d %v, antes %d %v", raw, id1, ok1, id2, ok2)
		}
	}
	return cod1
}

// TestEmitirIgualQueBiblioteca: Emitir y EmitirMFA dan exactamente el token
// de jwt.NewWithClaims(...).SignedString con los mismos claims.
func TestEmitirIgualQueBiblioteca(t *testing.T) {
	conNanos := relojEquiv.Add(123456789 * time.Nanosecond)
	casos := []struct {
		nombre          string
		emisor, aud     string
		sub             uint
		rol             Rol
		typ             TipoToken
		sid, jti        string
		cv              int64
		emitido, expira time.Time
	}{
		{"acceso", "solicitud-transporte", "api", 7, RolAdmin, TokenAcceso, "sid-1", "jti-1", 0, relojEquiv, relojEquiv.Add(time.Hour)},
		{"refresh", "solicitud-transporte", "api", 1, RolSolicitante, TokenRefresh, NuevoID(), NuevoID(), 0, relojEquiv, relojEquiv.Add(24 * time.Hour)},
		{"mfa con cv", "e", "a", 42, RolAdmin, TokenMFA, "", NuevoID(), 9, relojEquiv, relojEquiv.Add(5 * time.Minute)},
		{"sin rol ni sid", "e", "a", 0, "", TokenAcceso, "", "j", 0, relojEquiv, relojEquiv},
		{"tiempos con nanosegundos", "e", "a", 3, RolAdmin, TokenAcceso, "s", "j", 0, conNanos, conNanos.Add(90 * time.Second)},
		{"zona horaria", "e", "a", 3, RolAdmin, TokenAcceso, "s", "j", 0, relojEquiv.In(time.FixedZone("CST", -6*3600)), relojEquiv.Add(time.Hour)},
		{"antes de 1970", "e", "a", 3, RolAdmin, TokenAcceso, "s", "j", 0, time.Unix(-5, -3), time.Unix(0, 0)},
		{"textos a escapar", `<emisor & "ñ">`, "\u2028aud\x00\xff", ^uint(0), Rol("r<o>l"), TipoToken("t\"yp"), "s\\id", "j\tti", -1, relojEquiv, relojEquiv.Add(time.Hour)},
		{"emisor y audiencia vacíos", "", "", 5, RolAdmin, TokenAcceso, "s", "", 0, relojEquiv, relojEquiv.Add(time.Hour)},
	}
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		for _, c := range casos {
			t.Run(alg+"/"+c.nombre, func(t *testing.T) {
				tk := tokensEquiv(t, alg, c.emisor, c.aud)
				var got string
				var err error
				if c.typ == TokenMFA {
					got, err = tk.EmitirMFA(&Usuario{ID: c.sub, Rol: c.rol, CredencialesVersion: c.cv}, c.jti, c.emitido, c.expira)
				} else {
					got, err = tk.Emitir(c.sub, c.rol, c.typ, c.sid, c.jti, c.emitido, c.expira)
				}
				if err != nil {
					t.Fatal(err)
				}
				claims := Claims{Rol: c.rol, Typ: c.typ, Sid: c.sid}
				if c.typ == TokenMFA {
					claims.Cv = c.cv
				}
				claims.RegisteredClaims = jwt.RegisteredClaims{
					Subject:   fmt.Sprint(c.sub),
					ID:        c.jti,
					Issuer:    c.emisor,
					Audience:  jwt.ClaimStrings{c.aud},
					IssuedAt:  jwt.NewNumericDate(c.emitido.Truncate(time.Second)),
					NotBefore: jwt.NewNumericDate(c.emitido.Truncate(time.Second)),
					ExpiresAt: jwt.NewNumericDate(c.expira.Truncate(time.Second)),
				}
				want, err := jwt.NewWithClaims(tk.metodo, claims).SignedString([]byte(secretoEquiv))
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Fatalf("token distinto:\n ahora %s\n antes %s", got, want)
				}
				lib, err := tk.emitirConBiblioteca(claims, c.sub, c.jti, c.emitido, c.expira)
				if err != nil || lib != want {
					t.Fatalf("emitirConBiblioteca: %s, %v", lib, err)
				}
			})
		}
	}
}

// firmarCarga firma una carga JSON cualquiera con la cabecera dada.
func firmarCarga(t testing.TB, m jwt.SigningMethod, clave []byte, cabecera, carga string) string {
	t.Helper()
	s := base64.RawURLEncoding.EncodeToString([]byte(cabecera)) + "." + base64.RawURLEncoding.EncodeToString([]byte(carga))
	firma, err := m.Sign(s, clave)
	if err != nil {
		t.Fatal(err)
	}
	return s + "." + base64.RawURLEncoding.EncodeToString(firma)
}

// cargasEquiv son cargas firmadas con la clave buena que recorren las
// reglas de Verificar; la base es válida a la hora de relojEquiv.
func cargasEquiv() map[string]string {
	ahora := relojEquiv.Unix()
	base := func(cambios string) string {
		return fmt.Sprintf(`{"rol":"admin","typ":"access","sid":"s","iss":"emisor","sub":"7","aud":["api"],"exp":%d,"nbf":%d,"iat":%d,"jti":"j"%s}`,
			ahora+3600, ahora, ahora, cambios)
	}
	return map[string]string{
		"válido":                     base(""),
		"expirado":                   base(fmt.Sprintf(`,"exp":%d`, ahora-1)),
		"expira justo ahora":         base(fmt.Sprintf(`,"exp":%d`, ahora)),
		"nbf futuro":                 base(fmt.Sprintf(`,"nbf":%d`, ahora+1)),
		"iat futuro":                 base(fmt.Sprintf(`,"iat":%d`, ahora+1)),
		"expirado y nbf futuro":      base(fmt.Sprintf(`,"exp":%d,"nbf":%d`, ahora-1, ahora+1)),
		"expirado y otro emisor":     base(fmt.Sprintf(`,"exp":%d,"iss":"otro"`, ahora-1)),
		"expirado y otra audiencia":  base(fmt.Sprintf(`,"exp":%d,"aud":"otra"`, ahora-1)),
		"otro emisor":                base(`,"iss":"otro"`),
		"sin emisor":                 base(`,"iss":""`),
		"audiencia como texto":       base(`,"aud":"api"`),
		"audiencia en una lista":     base(`,"aud":["x","api"]`),
		"audiencia con escapes":      base(`,"aud":["\u0061pi"]`),
		"audiencia con espacios":     base(`,"aud":[ "api" ]`),
		"audiencia vacía":            base(`,"aud":[]`),
		"audiencia null":             base(`,"aud":null`),
		"audiencia null tras otra":   base(`,"aud":["otra"],"aud":null`),
		"audiencia número":           base(`,"aud":1`),
		"audiencia lista con número": base(`,"aud":["api",1]`),
		"audiencia UTF-8 inválido":   base(`,"aud":["ap` + "\xff" + `"]`),
		"exp texto":                  base(fmt.Sprintf(`,"exp":"%d"`, ahora+3600)),
		"exp texto no numérico":      base(`,"exp":"mañana"`),
		"exp null":                   base(`,"exp":null`),
		"exp null y luego número":    base(fmt.Sprintf(`,"exp":null,"exp":%d`, ahora+3600)),
		"exp true":                   base(`,"exp":true`),
		"exp objeto":                 base(`,"exp":{}`),
		"exp fraccionario":           base(fmt.Sprintf(`,"exp":%d.75`, ahora+3600)),
		"exp exponente":              base(`,"exp":1.8e9`),
		"exp fuera de rango":         base(`,"exp":1e400`),
		"exp enorme":                 base(`,"exp":1e300`),
		"exp negativo":               base(`,"exp":-1`),
		"iat texto":                  base(fmt.Sprintf(`,"iat":"%d"`, ahora)),
		"nbf texto":                  base(fmt.Sprintf(`,"nbf":"%d"`, ahora)),
		"iat null":                   base(`,"iat":null`),
		"EXP en mayúsculas":          base(`,"EXP":"1"`),
		"Exp que pisa exp":           base(fmt.Sprintf(`,"Exp":%d`, ahora-10)),
		"Exp texto que pisa exp":     base(fmt.Sprintf(`,"Exp":"%d"`, ahora+10)),
		"Iat con escape":             base(fmt.Sprintf(`,"\u0049at":%d`, ahora)),
		"nBf null":                   base(`,"nBf":null`),
		"ExP true":                   base(`,"ExP":true`),
		"Rol y SID":                  base(`,"ROL":"otro","SID":"x"`),
		"ſid (s larga)":              base(`,"ſid":"x"`),
		"typ refresh":                base(`,"typ":"refresh"`),
		"typ con mayúsculas":         base(`,"TYP":"refresh"`),
		"sin jti":                    base(`,"jti":""`),
		"sub vacío":                  base(`,"sub":""`),
		"sub con ceros":              base(`,"sub":"007"`),
		"sub con signo":              base(`,"sub":"+7"`),
		"sub con espacio":            base(`,"sub":" 7"`),
		"sub cero":                   base(`,"sub":"0"`),
		"sub enorme":                 base(`,"sub":"18446744073709551616"`),
		"sub máximo":                 base(`,"sub":"18446744073709551615"`),
		"sub hexadecimal":            base(`,"sub":"0x10"`),
		"sub número":                 base(`,"sub":7`),
		"cv texto":                   base(`,"cv":"1"`),
		"claves repetidas":           base(`,"jti":"otra","sid":"otra"`),
		"espacios":                   strings.ReplaceAll(base(""), ":", " : "),
		"carga null":                 `null`,
		"carga lista":                `[]`,
		"carga texto":                `"x"`,
		"carga rota":                 `{"typ":`,
		"datos tras la carga":        base("") + `{}`,
	}
}

// TestVerificarIgualQueAntes: con tokens firmados con la clave buena (y
// con otras claves, algoritmos, cabeceras y formas) Verificar contesta lo
// mismo que antes; algunos casos fijan además el código esperado.
func TestVerificarIgualQueAntes(t *testing.T) {
	esperado := map[string]string{
		"válido": "", "expirado": "TOKEN_EXPIRADO", "expira justo ahora": "TOKEN_EXPIRADO",
		"nbf futuro": "TOKEN_INVALIDO", "iat futuro": "TOKEN_INVALIDO", "expirado y nbf futuro": "TOKEN_INVALIDO",
		"expirado y otro emisor": "TOKEN_INVALIDO", "otro emisor": "TOKEN_INVALIDO", "exp texto": "TOKEN_INVALIDO",
		"exp null": "TOKEN_INVALIDO", "iat texto": "TOKEN_INVALIDO", "nbf texto": "TOKEN_INVALIDO",
		"audiencia como texto": "", "sin jti": "TOKEN_INVALIDO", "typ refresh": "TOKEN_INVALIDO",
		"Exp que pisa exp": "TOKEN_EXPIRADO", "Exp texto que pisa exp": "",
	}
	tk := tokensEquiv(t, "HS256", "emisor", "api")
	clave := []byte(secretoEquiv)
	cab := `{"alg":"HS256","typ":"JWT"}`
	for nombre, carga := range cargasEquiv() {
		t.Run(nombre, func(t *testing.T) {
			raw := firmarCarga(t, jwt.SigningMethodHS256, clave, cab, carga)
			cod := compararVerificar(t, tk, raw, TokenAcceso)
			if want, ok := esperado[nombre]; ok && cod != want {
				t.Fatalf("código %q, se esperaba %q", cod, want)
			}
			compararVerificar(t, tk, raw, TokenRefresh)
		})
	}
	valida := cargasEquiv()["válido"]
	bien := firmarCarga(t, jwt.SigningMethodHS256, clave, cab, valida)
	partes := strings.Split(bien, ".")
	otros := map[string]string{
		"HS384 con la clave":  firmarCarga(t, jwt.SigningMethodHS384, clave, `{"alg":"HS384","typ":"JWT"}`, valida),
		"HS512 con la clave":  firmarCarga(t, jwt.SigningMethodHS512, clave, `{"alg":"HS512","typ":"JWT"}`, valida),
		"HS384 dice HS256":    firmarCarga(t, jwt.SigningMethodHS384, clave, cab, valida),
		"otra clave":          firmarCarga(t, jwt.SigningMethodHS256, []byte("otra-clave-de-al-menos-32-caracteres!!"), cab, valida),
		"alg none":            base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + partes[1] + ".",
		"sin alg":             firmarCarga(t, jwt.SigningMethodHS256, clave, `{"typ":"JWT"}`, valida),
		"crit":                firmarCarga(t, jwt.SigningMethodHS256, clave, `{"alg":"HS256","crit":["exp"],"typ":"JWT"}`, valida),
		"crit vacío":          firmarCarga(t, jwt.SigningMethodHS256, clave, `{"alg":"HS256","crit":[],"typ":"JWT"}`, valida),
		"cabecera rota":       firmarCarga(t, jwt.SigningMethodHS256, clave, `{"alg":"HS256"`, valida),
		"carga alterada":      partes[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(valida, `"sub":"7"`, `"sub":"1"`, 1))) + "." + partes[2],
		"firma alterada":      bien[:len(bien)-2] + "xx",
		"firma vacía":         partes[0] + "." + partes[1] + ".",
		"dos partes":          partes[0] + "." + partes[1],
		"cuatro partes":       bien + ".x",
		"base64 con relleno":  partes[0] + "." + partes[1] + "=." + partes[2],
		"base64 no url":       strings.NewReplacer("-", "+", "_", "/").Replace(bien),
		"vacío":               "",
		"basura":              "a.b.c",
		"válido (referencia)": bien,
	}
	for nombre, raw := range otros {
		t.Run(nombre, func(t *testing.T) {
			cod := compararVerificar(t, tk, raw, TokenAcceso)
			if nombre == "válido (referencia)" {
				if cod != "" {
					t.Fatalf("rechazado: %s", cod)
				}
			} else if cod != "TOKEN_INVALIDO" {
				t.Fatalf("código %q, se esperaba TOKEN_INVALIDO", cod)
			}
		})
	}
	// Los tokens que emite el servicio, de los tres algoritmos.
	for _, alg := range []string{"HS256", "HS384", "HS512"} {
		tk := tokensEquiv(t, alg, "emisor", "api")
		for _, exp := range []time.Duration{time.Hour, 0, -time.Hour} {
			raw, err := tk.Emitir(7, RolAdmin, TokenRefresh, "sid", "jti", relojEquiv, relojEquiv.Add(exp))
			if err != nil {
				t.Fatal(err)
			}
			compararVerificar(t, tk, raw, TokenRefresh)
			compararVerificar(t, tk, raw, TokenAcceso)
		}
	}
}

// FuzzVerificarEquivalente firma cualquier carga (y cabecera) con la clave
// buena y compara Verificar con verificarAntes. Se corre con:
//
//	go test -run '^$' -fuzz '^FuzzVerificarEquivalente$' -fuzztime 20s ./models
func FuzzVerificarEquivalente(f *testing.F) {
	for _, carga := range cargasEquiv() {
		f.Add(`{"alg":"HS256","typ":"JWT"}`, carga)
	}
	f.Add(`{"alg":"HS256","crit":["x"]}`, cargasEquiv()["válido"])
	tk := tokensEquiv(f, "HS256", "emisor", "api")
	f.Fuzz(func(t *testing.T, cabecera, carga string) {
		raw := firmarCarga(t, jwt.SigningMethodHS256, []byte(secretoEquiv), cabecera, carga)
		compararVerificar(t, tk, raw, TokenAcceso)
	})
}
