package models

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TipoToken es el claim typ: cada token sirve solo para lo suyo.
type TipoToken string

// Tipos de token.
const (
	TokenAcceso  TipoToken = "access"
	TokenRefresh TipoToken = "refresh"
	TokenMFA     TipoToken = "mfa"
)

// Claims son los claims de todos los tokens del servicio (API.md §4).
type Claims struct {
	Rol Rol       `json:"rol,omitempty"`
	Typ TipoToken `json:"typ"`
	Sid string    `json:"sid,omitempty"`
	// Cv es, en un mfaToken, la versión de las credenciales de la cuenta
	// cuando el primer paso comprobó la contraseña (Usuario.CredencialesVersion):
	// el segundo paso no crea sesión si cambió. Ausente es 0.
	Cv int64 `json:"cv,omitempty"`
	jwt.RegisteredClaims
}

// ConfigTokens configura NewTokens.
type ConfigTokens struct {
	Secreto   []byte
	Algoritmo string // HS256, HS384 o HS512
	Emisor    string
	Audiencia string
}

// Tokens firma y verifica JWT. No toca la base de datos: la lista negra y el
// usuario los comprueba Auth.
type Tokens struct {
	cfg    ConfigTokens
	metodo jwt.SigningMethod
	parser *jwt.Parser
	now    func() time.Time
}

// NewTokens crea el servicio de tokens; now es el reloj.
func NewTokens(cfg ConfigTokens, now func() time.Time) (*Tokens, error) {
	var m jwt.SigningMethod
	switch cfg.Algoritmo {
	case "HS256":
		m = jwt.SigningMethodHS256
	case "HS384":
		m = jwt.SigningMethodHS384
	case "HS512":
		m = jwt.SigningMethodHS512
	default:
		return nil, fmt.Errorf("algoritmo JWT no admitido: %q", cfg.Algoritmo)
	}
	if len(cfg.Secreto) == 0 {
		return nil, errors.New("secreto JWT vacío")
	}
	return &Tokens{
		cfg:    cfg,
		metodo: m,
		now:    now,
		// El algoritmo queda fijado: un token con otro alg (o "none") no pasa.
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{m.Alg()}),
			jwt.WithIssuer(cfg.Emisor),
			jwt.WithAudience(cfg.Audiencia),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithTimeFunc(now),
		),
	}, nil
}

// NuevoID devuelve un identificador aleatorio de 128 bits en base64url.
func NuevoID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand no falla en plataformas soportadas
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Emitir firma un token. Los tiempos se truncan al segundo, como los guarda
// el JWT, para que volver a firmar los mismos claims dé el mismo token.
func (t *Tokens) Emitir(sub uint, rol Rol, typ TipoToken, sid, jti string, emitido, expira time.Time) (string, error) {
	return t.emitir(Claims{Rol: rol, Typ: typ, Sid: sid}, sub, jti, emitido, expira)
}

// EmitirMFA firma el mfaToken del primer paso del login de u, con la
// versión de sus credenciales que se comprobó.
func (t *Tokens) EmitirMFA(u *Usuario, jti string, emitido, expira time.Time) (string, error) {
	return t.emitir(Claims{Rol: u.Rol, Typ: TokenMFA, Cv: u.CredencialesVersion}, u.ID, jti, emitido, expira)
}

func (t *Tokens) emitir(c Claims, sub uint, jti string, emitido, expira time.Time) (string, error) {
	c.RegisteredClaims = jwt.RegisteredClaims{
		Subject:   fmt.Sprint(sub),
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

// Verificar comprueba firma, algoritmo, iss, aud, exp, nbf, iat (los tres
// obligatorios y numéricos), typ y que no haya cabecera crit.
// Devuelve TOKEN_EXPIRADO solo si lo único que falla es exp; cualquier otra
// falla es TOKEN_INVALIDO. Si el token expiró, también devuelve sus claims
// (ya verificados en firma), para que quien llama distinga el fin de sesión.
func (t *Tokens) Verificar(raw string, tipo TipoToken) (*Claims, error) {
	var c Claims
	tok, err := t.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.cfg.Secreto, nil })
	firmaOK := err == nil || errors.Is(err, jwt.ErrTokenInvalidClaims)
	if !firmaOK || c.Typ != tipo || c.ID == "" || c.Subject == "" {
		return nil, ErrTokenInvalido(err)
	}
	if errForma := formaEstricta(tok, raw); errForma != nil {
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

// formaEstricta aplica lo que golang-jwt deja pasar (API.md §12): exp, iat
// y nbf son obligatorios y números JSON (la biblioteca acepta "exp": "123"
// como fecha y no exige iat ni nbf), y una cabecera crit es inválida: no
// entendemos ninguna extensión, así que ninguna puede ser crítica (RFC 7515
// §4.1.11). Se llama con la firma ya comprobada.
func formaEstricta(tok *jwt.Token, raw string) error {
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

func soloExpirado(err error) bool {
	if !errors.Is(err, jwt.ErrTokenExpired) {
		return false
	}
	for _, otro := range []error{jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidAudience,
		jwt.ErrTokenNotValidYet, jwt.ErrTokenUsedBeforeIssued, jwt.ErrTokenRequiredClaimMissing, jwt.ErrTokenMalformed} {
		if errors.Is(err, otro) {
			return false
		}
	}
	return true
}

// ErrTokenInvalido es TOKEN_INVALIDO con la causa interna err.
func ErrTokenInvalido(err error) error {
	return &Error{Codigo: CodigoTokenInvalido, Detalle: "El token no es válido. Inicie sesión nuevamente.", Err: err}
}

func detalleExpirado(tipo TipoToken) string {
	switch tipo {
	case TokenRefresh:
		return "El refresh token ha expirado. Inicie sesión nuevamente."
	case TokenMFA:
		return "El token MFA ha expirado. Inicie sesión nuevamente."
	}
	return "El token de acceso ha expirado. Use el refresh token para obtener uno nuevo."
}

// IDUsuario devuelve el sub como número.
func (c *Claims) IDUsuario() (uint, bool) {
	var id uint
	if _, err := fmt.Sscan(c.Subject, &id); err != nil || fmt.Sprint(id) != c.Subject {
		return 0, false
	}
	return id, true
}
