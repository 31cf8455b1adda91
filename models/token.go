package models

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
	// llave devuelve el secreto ya convertido a any: con un cierre nuevo
	// en cada Verificar, cierre y conversión reservaban memoria.
	llave jwt.Keyfunc
	// cabecera es la cabecera JOSE ya codificada en base64url: es la misma
	// en todos los tokens de un algoritmo.
	cabecera string
	// secreto y validador son los que usa parser, para verificarRapido.
	secreto   any
	validador *jwt.Validator
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
	cabecera, err := cabeceraJOSE(m)
	if err != nil {
		return nil, err
	}
	var secreto any = cfg.Secreto
	// El algoritmo queda fijado: un token con otro alg (o "none") no pasa.
	opciones := []jwt.ParserOption{
		jwt.WithValidMethods([]string{m.Alg()}),
		jwt.WithIssuer(cfg.Emisor),
		jwt.WithAudience(cfg.Audiencia),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(now),
	}
	return &Tokens{
		cfg:       cfg,
		metodo:    m,
		now:       now,
		llave:     func(*jwt.Token) (any, error) { return secreto, nil },
		cabecera:  cabecera,
		secreto:   secreto,
		parser:    jwt.NewParser(opciones...),
		validador: jwt.NewValidator(opciones...),
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

// Verificar comprueba firma, algoritmo, iss, aud, exp, nbf, iat (los tres
// obligatorios y numéricos), typ y que no haya cabecera crit.
// Devuelve TOKEN_EXPIRADO solo si lo único que falla es exp; cualquier otra
// falla es TOKEN_INVALIDO. Si el token expiró, también devuelve sus claims
// (ya verificados en firma), para que quien llama distinga el fin de sesión.
func (t *Tokens) Verificar(raw string, tipo TipoToken) (*Claims, error) {
	cl := new(claimsLeidos)
	if t.verificarRapido(raw, cl) {
		// Firma y fechas comprobadas, y la cabecera es la nuestra: sin crit.
		c := &cl.Claims
		if c.Typ != tipo || c.ID == "" || c.Subject == "" {
			return nil, ErrTokenInvalido(nil)
		}
		if cl.noNumerico != "" {
			return nil, ErrTokenInvalido(errNoNumerico(cl.noNumerico))
		}
		return c, nil
	}
	*cl = claimsLeidos{}
	tok, err := t.parser.ParseWithClaims(raw, cl, t.llave)
	c := &cl.Claims
	firmaOK := err == nil || errors.Is(err, jwt.ErrTokenInvalidClaims)
	if !firmaOK || c.Typ != tipo || c.ID == "" || c.Subject == "" {
		return nil, ErrTokenInvalido(err)
	}
	if errForma := formaEstricta(tok, cl); errForma != nil {
		return nil, ErrTokenInvalido(errForma)
	}
	if err != nil {
		if soloExpirado(err) {
			return c, &Error{Codigo: CodigoTokenExpirado, Detalle: detalleExpirado(tipo), Err: err}
		}
		return nil, ErrTokenInvalido(err)
	}
	return c, nil
}

// formaEstricta aplica lo que golang-jwt deja pasar (API.md §12): exp, iat
// y nbf son obligatorios y números JSON (la biblioteca acepta "exp": "123"
// como fecha y no exige iat ni nbf), y una cabecera crit es inválida: no
// entendemos ninguna extensión, así que ninguna puede ser crítica (RFC 7515
// §4.1.11). Se llama con la firma ya comprobada; lo de las fechas lo anotó
// claimsLeidos al decodificar la carga.
func formaEstricta(tok *jwt.Token, cl *claimsLeidos) error {
	if tok == nil {
		return errors.New("token sin analizar")
	}
	if _, ok := tok.Header["crit"]; ok {
		return errors.New("cabecera crit no admitida")
	}
	if cl.noNumerico != "" {
		return errNoNumerico(cl.noNumerico)
	}
	return nil
}

func errNoNumerico(claim string) error {
	return fmt.Errorf("el claim %s falta o no es un número", claim)
}

// verificarRapido es el camino de un token bueno emitido por nosotros: si
// su cabecera es byte a byte la que emitimos (cabecera), ya se sabe lo que
// dice (este alg, sin crit) y no hace falta decodificarla a un mapa, que era
// una parte notable de cada petición autenticada. El resto es lo mismo que
// ParseWithClaims: la carga en cl, la firma con el método de la biblioteca y
// los claims con un validador de las mismas opciones que el parser.
//
// Solo decide el éxito: ante cualquier fallo devuelve false y Verificar
// repite todo por ParseWithClaims, así los errores (y su orden) son siempre
// los de la biblioteca.
func (t *Tokens) verificarRapido(raw string, cl *claimsLeidos) bool {
	cab, resto, ok := strings.Cut(raw, ".")
	if !ok || cab != t.cabecera {
		return false
	}
	carga, firma, ok := strings.Cut(resto, ".")
	if !ok || strings.Contains(firma, ".") {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(carga)
	if err != nil || json.Unmarshal(b, cl) != nil {
		return false
	}
	s, err := base64.RawURLEncoding.DecodeString(firma)
	if err != nil || t.metodo.Verify(raw[:len(cab)+1+len(carga)], s, t.secreto) != nil {
		return false
	}
	return t.validador.Validate(cl) == nil
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

// IDUsuario devuelve el sub como número. Solo vale la forma canónica, la
// que escribe Emitir: dígitos decimales sin signo, espacios ni ceros a la
// izquierda (antes se comprobaba con fmt.Sscan y fmt.Sprint; strconv da lo
// mismo sin reservar memoria).
func (c *Claims) IDUsuario() (uint, bool) {
	s := c.Subject
	id, err := strconv.ParseUint(s, 10, strconv.IntSize)
	if err != nil || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	return uint(id), true
}
