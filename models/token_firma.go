package models

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Firma de tokens sin jwt.Token.SignedString: la cabecera es siempre la
// misma y se codifica una vez (cabeceraJOSE), y la carga se escribe con las
// fechas ya en segundos, sin NumericDate.MarshalJSON ni el mapa de la
// cabecera en cada token. El resultado es byte a byte el de golang-jwt
// (token_equivalencia_test.go); la firma la sigue haciendo la biblioteca.

// cabeceraJOSE codifica la cabecera que escribe jwt.NewWithClaims.
func cabeceraJOSE(m jwt.SigningMethod) (string, error) {
	h, err := json.Marshal(jwt.NewWithClaims(m, jwt.MapClaims{}).Header)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(h), nil
}

// cargaEmitida es la carga de Claims tal como la escribe encoding/json:
// mismos nombres, mismo orden (los de Claims y luego los de
// RegisteredClaims) y mismos omitempty. Las fechas nunca se omiten: en
// Claims son punteros y siempre están.
type cargaEmitida struct {
	Rol Rol       `json:"rol,omitempty"`
	Typ TipoToken `json:"typ"`
	Sid string    `json:"sid,omitempty"`
	Cv  int64     `json:"cv,omitempty"`
	Iss string    `json:"iss,omitempty"`
	Sub string    `json:"sub,omitempty"`
	Aud []string  `json:"aud,omitempty"`
	Exp int64     `json:"exp"`
	Nbf int64     `json:"nbf"`
	Iat int64     `json:"iat"`
	Jti string    `json:"jti,omitempty"`
}

func (t *Tokens) emitir(c Claims, sub uint, jti string, emitido, expira time.Time) (string, error) {
	// Con la precisión o la audiencia de golang-jwt cambiadas (variables
	// globales de la biblioteca) la carga ya no sería la de cargaEmitida:
	// entonces firma la biblioteca.
	if jwt.TimePrecision != time.Second || !jwt.MarshalSingleStringAsArray {
		return t.emitirConBiblioteca(c, sub, jti, emitido, expira)
	}
	desde := emitido.Truncate(time.Second).Unix()
	carga, err := json.Marshal(cargaEmitida{
		Rol: c.Rol, Typ: c.Typ, Sid: c.Sid, Cv: c.Cv,
		Iss: t.cfg.Emisor, Sub: strconv.FormatUint(uint64(sub), 10), Aud: []string{t.cfg.Audiencia},
		Exp: expira.Truncate(time.Second).Unix(), Nbf: desde, Iat: desde, Jti: jti,
	})
	if err != nil {
		return "", ErrorInterno(err)
	}
	enc := base64.RawURLEncoding
	b := make([]byte, 0, len(t.cabecera)+1+enc.EncodedLen(len(carga))+1+enc.EncodedLen(64))
	b = append(b, t.cabecera...)
	b = append(b, '.')
	b = enc.AppendEncode(b, carga)
	firma, err := t.metodo.Sign(string(b), t.cfg.Secreto)
	if err != nil {
		return "", ErrorInterno(err)
	}
	b = append(b, '.')
	return string(enc.AppendEncode(b, firma)), nil
}

// emitirConBiblioteca es la firma de siempre, con jwt.Token.
func (t *Tokens) emitirConBiblioteca(c Claims, sub uint, jti string, emitido, expira time.Time) (string, error) {
	c.RegisteredClaims = jwt.RegisteredClaims{
		Subject:   strconv.FormatUint(uint64(sub), 10),
		ID:        jti,
		Issuer:    t.cfg.Emisor,
		Audience:  jwt.ClaimStrings{t.cfg.Audiencia},
		IssuedAt:  jwt.NewNumericDate(emitido.Truncate(time.Second)),
		NotBefore: jwt.NewNumericDate(emitido.Truncate(time.Second)),
		ExpiresAt: jwt.NewNumericDate(expira.Truncate(time.Second)),
	}
	s, err := jwt.NewWithClaims(t.metodo, c).SignedString(t.cfg.Secreto)
	if err != nil {
		return "", ErrorInterno(err)
	}
	return s, nil
}
