package tests

import (
	"solicitud-transporte/config"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"solicitud-transporte/models"
)

const secretoPrueba = "secreto-de-pruebas-de-al-menos-32-caracteres"

// firmar construye un token a mano, para falsificar lo que haga falta.
func firmar(t *testing.T, metodo jwt.SigningMethod, clave any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(metodo, claims).SignedString(clave)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// claimsDe devuelve los claims (sin verificar) de un token real, para
// modificarlos y volver a firmar.
func claimsDe(t *testing.T, token string) jwt.MapClaims {
	t.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func copiar(c jwt.MapClaims, cambios map[string]any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for k, v := range c {
		out[k] = v
	}
	for k, v := range cambios {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// TestTokensFalsificados: todo token que no sea exactamente uno de acceso
// emitido por el servidor es 401 TOKEN_INVALIDO.
func TestTokensFalsificados(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	base := claimsDe(t, s.AccessToken)
	clave := []byte(secretoPrueba)
	ahora := env.reloj.Now()

	casos := []struct {
		nombre string
		token  string
	}{
		{"alg none", firmar(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, base)},
		{"otro HMAC (HS512) con el secreto correcto", firmar(t, jwt.SigningMethodHS512, clave, base)},
		{"HS384 con el secreto correcto", firmar(t, jwt.SigningMethodHS384, clave, base)},
		{"secreto equivocado", firmar(t, jwt.SigningMethodHS256, []byte("otro-secreto-de-al-menos-32-caracteres!"), base)},
		{"iss equivocado", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"iss": "otro"}))},
		{"aud equivocada", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"aud": []string{"otra-api"}}))},
		{"sin exp", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"exp": nil}))},
		{"nbf futuro", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"nbf": ahora.Add(time.Hour).Unix()}))},
		{"iat futuro", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"iat": ahora.Add(time.Hour).Unix()}))},
		{"sin typ", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"typ": nil}))},
		{"typ mfa", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"typ": "mfa"}))},
		{"sin jti", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"jti": nil}))},
		{"sin sid", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"sid": nil}))},
		{"sub de otro tipo", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"sub": "uno"}))},
		{"usuario inexistente", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"sub": "999"}))},
		{"expirado y con iss equivocado", firmar(t, jwt.SigningMethodHS256, clave, copiar(base, map[string]any{"iss": "otro", "exp": ahora.Add(-time.Hour).Unix()}))},
		{"refresh usado como acceso", s.RefreshToken},
		{"firma alterada", s.AccessToken[:len(s.AccessToken)-2] + "xx"},
		{"dos segmentos", strings.Join(strings.Split(s.AccessToken, ".")[:2], ".")},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: c.token}).esperar(t, 401, "TOKEN_INVALIDO")
		})
	}

	t.Run("acceso usado como refresh", func(t *testing.T) {
		env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.AccessToken}}).
			esperar(t, 401, "TOKEN_INVALIDO")
	})
	t.Run("refresh falsificado con otro alg", func(t *testing.T) {
		tok := firmar(t, jwt.SigningMethodHS512, clave, claimsDe(t, s.RefreshToken))
		env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": tok}}).
			esperar(t, 401, "TOKEN_INVALIDO")
	})
	t.Run("el token original sigue valiendo", func(t *testing.T) {
		env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 200, "")
	})
}

// TestAlgoritmoConfigurado: con JWT_ALGORITHM=HS512 se firma y se exige HS512.
func TestAlgoritmoConfigurado(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) { c.JWTAlgorithm = "HS512" })
	s := env.loginAdmin()
	tok, _, err := jwt.NewParser().ParseUnverified(s.AccessToken, jwt.MapClaims{})
	if err != nil || tok.Method.Alg() != "HS512" {
		t.Fatalf("alg = %v, err %v", tok.Method.Alg(), err)
	}
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 200, "")
	hs256 := firmar(t, jwt.SigningMethodHS256, []byte(secretoPrueba), claimsDe(t, s.AccessToken))
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: hs256}).esperar(t, 401, "TOKEN_INVALIDO")
}

func TestClaimsDelToken(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginAdmin()
	a, r := claimsDe(t, s.AccessToken), claimsDe(t, s.RefreshToken)
	for _, k := range []string{"sub", "rol", "typ", "jti", "sid", "iat", "nbf", "exp", "iss", "aud"} {
		if a[k] == nil || r[k] == nil {
			t.Errorf("falta el claim %s (acceso %v, refresh %v)", k, a[k], r[k])
		}
	}
	if a["typ"] != "access" || r["typ"] != "refresh" || a["sid"] != r["sid"] || a["jti"] == r["jti"] || a["sub"] != "1" || a["rol"] != "admin" {
		t.Fatalf("claims inesperados: acceso %v refresh %v", a, r)
	}
	if s.ExpiresIn != 3600 || s.RefreshExpiresIn != 86400 || s.TokenType != "Bearer" {
		t.Fatalf("expiresIn %d, refreshExpiresIn %d, tokenType %q", s.ExpiresIn, s.RefreshExpiresIn, s.TokenType)
	}
	if exp := int64(a["exp"].(float64)) - int64(a["iat"].(float64)); exp != 3600 {
		t.Fatalf("exp - iat = %d, want 3600", exp)
	}
}

// TestExpiracionAcceso usa el reloj inyectado: nada de esperas reales.
func TestExpiracionAcceso(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *configT) {
		c.AccessExpValue = 90
		_ = c.AccessExpUnit.Decode("segundos")
	})
	s := env.loginAdmin()
	if s.ExpiresIn != 90 {
		t.Fatalf("expiresIn = %d, want 90", s.ExpiresIn)
	}
	env.reloj.Avanzar(89 * time.Second)
	env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 200, "")
	env.reloj.Avanzar(time.Second)
	r := env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: s.AccessToken}).esperar(t, 401, "TOKEN_EXPIRADO")
	if r.detalle != "El token de acceso ha expirado. Use el refresh token para obtener uno nuevo." {
		t.Fatalf("detalle = %q", r.detalle)
	}
	// El refresh sigue sirviendo.
	env.hacer(peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": s.RefreshToken}}).esperar(t, 200, "")
}

var _ = models.RolAdmin

type configT = config.Config
