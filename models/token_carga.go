package models

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// Lectura de la carga de un token en una sola pasada. golang-jwt decodifica
// la carga en los claims que le damos; antes, además, formaEstricta volvía a
// partir el token, a decodificar el base64 y a leer la carga como mapa solo
// para ver si exp, iat y nbf eran números. claimsLeidos hace las dos cosas en
// el mismo json.Unmarshal y da lo mismo que antes, también con cargas raras
// (claves con otras mayúsculas, repetidas, null, fechas como texto): lo
// comprueban token_equivalencia_test.go y FuzzVerificarEquivalente.

// claimsLeidos son los claims que se pasan a ParseWithClaims. Los métodos de
// jwt.Claims son los de RegisteredClaims, así que el validador de la
// biblioteca comprueba lo mismo que con Claims.
type claimsLeidos struct {
	Claims
	// noNumerico es el primero de exp, iat y nbf (en ese orden) que falta o
	// no es un número JSON con su nombre exacto; "" si los tres lo son.
	noNumerico string
	// fechas guarda exp, nbf e iat: una reserva en vez de tres.
	fechas [3]jwt.NumericDate
}

// cargaToken tiene los mismos nombres y tipos JSON que Claims, salvo las
// fechas, que recuerdan si llegaron como número. encoding/json empareja
// las claves sin distinguir mayúsculas y, si ninguna coincide exacta, usa el
// primer campo cuyo nombre coincide así: los centinelas van primero para que
// "EXP", "Exp"... caigan en ellos y no en Exp. formaEstricta miraba solo la
// clave exacta; si aparece una de esas, se lee como antes (leerComoAntes).
type cargaToken struct {
	ExpOtra centinela `json:"EXP"`
	IatOtra centinela `json:"IAT"`
	NbfOtra centinela `json:"NBF"`

	Rol Rol        `json:"rol"`
	Typ TipoToken  `json:"typ"`
	Sid string     `json:"sid"`
	Cv  int64      `json:"cv"`
	Iss string     `json:"iss"`
	Sub string     `json:"sub"`
	Aud audiencia  `json:"aud"`
	Exp fechaLeida `json:"exp"`
	Nbf fechaLeida `json:"nbf"`
	Iat fechaLeida `json:"iat"`
	Jti string     `json:"jti"`
}

// centinela solo anota que apareció su clave.
type centinela bool

func (c *centinela) UnmarshalJSON([]byte) error { *c = true; return nil }

// fechaLeida decodifica como *jwt.NumericDate (número o texto numérico;
// null la deja vacía) y recuerda si el último valor fue un número JSON.
type fechaLeida struct {
	fecha  jwt.NumericDate
	hay    bool
	numero bool
}

func (f *fechaLeida) UnmarshalJSON(b []byte) error {
	// encoding/json ya validó b y lo da sin espacios alrededor.
	if b[0] == 'n' {
		// Con *NumericDate, null deja el puntero en nil.
		*f = fechaLeida{}
		return nil
	}
	f.numero = b[0] == '-' || ('0' <= b[0] && b[0] <= '9')
	if !f.numero {
		// Texto u otro tipo: lo decide la biblioteca, como antes.
		if err := f.fecha.UnmarshalJSON(b); err != nil {
			return err
		}
		f.hay = true
		return nil
	}
	// Lo mismo que NumericDate.UnmarshalJSON con un número, sin volver a
	// pasar por encoding/json.
	s, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("could not convert json number value to float: %w", err)
	}
	seg, frac := math.Modf(s)
	f.fecha = *jwt.NewNumericDate(time.Unix(int64(seg), int64(frac*1e9)))
	f.hay = true
	return nil
}

// audiencia decodifica como jwt.ClaimStrings; ["texto"] y "texto" sin
// escapes, que es lo que emitimos, se leen sin pasar por any.
type audiencia jwt.ClaimStrings

func (a *audiencia) UnmarshalJSON(b []byte) error {
	s := b
	if len(s) >= 4 && s[0] == '[' && s[len(s)-1] == ']' {
		s = s[1 : len(s)-1]
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' && textoSimple(s[1:len(s)-1]) {
		*a = audiencia{string(s[1 : len(s)-1])}
		return nil
	}
	return (*jwt.ClaimStrings)(a).UnmarshalJSON(b)
}

// textoSimple dice si s, el interior de un texto JSON válido, se lee tal
// cual: sin comillas (sería más de un texto), sin escapes y UTF-8 válido
// (encoding/json cambia los bytes inválidos por U+FFFD).
func textoSimple(s []byte) bool {
	for _, c := range s {
		if c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.Valid(s)
}

// UnmarshalJSON lee la carga en c y anota si exp, iat y nbf son números.
func (c *claimsLeidos) UnmarshalJSON(b []byte) error {
	var k cargaToken
	if err := json.Unmarshal(b, &k); err != nil {
		return err
	}
	if k.ExpOtra || k.IatOtra || k.NbfOtra {
		return c.leerComoAntes(b)
	}
	c.Claims = Claims{Rol: k.Rol, Typ: k.Typ, Sid: k.Sid, Cv: k.Cv, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: k.Iss, Subject: k.Sub, Audience: jwt.ClaimStrings(k.Aud), ID: k.Jti,
	}}
	for i, f := range [3]*fechaLeida{&k.Exp, &k.Nbf, &k.Iat} {
		if f.hay {
			c.fechas[i] = f.fecha
			switch i {
			case 0:
				c.ExpiresAt = &c.fechas[0]
			case 1:
				c.NotBefore = &c.fechas[1]
			case 2:
				c.IssuedAt = &c.fechas[2]
			}
		}
	}
	switch {
	case !k.Exp.numero:
		c.noNumerico = "exp"
	case !k.Iat.numero:
		c.noNumerico = "iat"
	case !k.Nbf.numero:
		c.noNumerico = "nbf"
	default:
		c.noNumerico = ""
	}
	return nil
}

// leerComoAntes es el camino de antes, para cargas con una clave de fecha
// escrita con otras mayúsculas: Claims con encoding/json y la clave exacta
// en un mapa.
func (c *claimsLeidos) leerComoAntes(b []byte) error {
	c.Claims = Claims{}
	if err := json.Unmarshal(b, &c.Claims); err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	c.noNumerico = ""
	for _, k := range []string{"exp", "iat", "nbf"} {
		if v := bytes.TrimSpace(m[k]); len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
			c.noNumerico = k
			break
		}
	}
	return nil
}
