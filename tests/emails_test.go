package tests

import (
	"context"
	"fmt"
	"testing"

	"solicitud-transporte/models"
)

// TestEmailsNormalizadosYSinParecidos (API.md §12): los correos se guardan
// en NFC y se comparan sin mayúsculas (plegado de Unicode); los caracteres
// invisibles, de dirección del texto y de ancho completo se rechazan, y el
// dominio debe ser un nombre de host válido (IDNA). Vale en POST y PATCH
// /usuarios y en API_EMAIL.
func TestEmailsNormalizadosYSinParecidos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	crear := func(username, email string) *respuesta {
		return env.hacer(peticion{metodo: "POST", ruta: "/usuarios/", token: admin.AccessToken, cuerpo: map[string]any{
			"username": username, "email": email, "password": passPrueba, "rol": "solicitante"}})
	}
	malos := []string{
		"ana\u200b@ejemplo.org",     // espacio de ancho cero
		"ana@ejem\u200dplo.org",     // unión de ancho cero
		"ana\u2060x@ejemplo.org",    // unión de palabras
		"\ufeffana@ejemplo.org",     // BOM
		"ana\u202e@ejemplo.org",     // sobrescritura de dirección
		"ana\u200f@ejemplo.org",     // marca de derecha a izquierda
		"ana\u2066x@ejemplo.org",    // aislamiento de dirección
		"\uff41na@ejemplo.org",      // «a» de ancho completo
		"ana@\uff45jemplo.org",      // «e» de ancho completo en el dominio
		"ana\uff20ejemplo.org",      // arroba de ancho completo
		"ana@ejemplo..org",          // etiqueta vacía
		"ana@-ejemplo.org",          // guion al principio de la etiqueta
		"ana@ejemplo_sv.org",        // guion bajo
		"ana@ejemplo.org.",          // punto final
		"ana@[192.0.2.1]",           // literal de IP
		"ana@xn--zz.org",            // punycode inválido
		"ana@\u0301ejemplo.org",     // etiqueta que empieza con una marca combinante
		"ana@" + largo(64) + ".org", // etiqueta de más de 63
	}
	for i, e := range malos {
		r := crear(fmt.Sprintf("malo.%d", i), e).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != "email" {
			t.Fatalf("%q: errores = %+v, want solo email", e, r.errores)
		}
	}

	// NFD en la entrada: se guarda en NFC.
	nfd := "Jose\u0301.Pe\u0301rez@Correo.Ejemplo.org"
	nfc := "José.Pérez@Correo.Ejemplo.org"
	var u struct {
		ID    uint   `json:"id"`
		Email string `json:"email"`
	}
	crear("jose.perez", nfd).esperar(t, 201, "").leer(t, &u)
	if u.Email != nfc {
		t.Fatalf("email guardado = %q, want %q (NFC)", u.Email, nfc)
	}
	// Otra cuenta con el mismo correo en otras mayúsculas y otra forma: 409.
	crear("otro.jose", "JOSÉ.PÉREZ@correo.ejemplo.org").esperar(t, 409, "CONFLICTO")
	crear("otro.jose", "jose\u0301.pe\u0301rez@correo.ejemplo.ORG").esperar(t, 409, "CONFLICTO")
	// El login por correo compara igual.
	env.login("JOSÉ.pérez@correo.ejemplo.org", passPrueba)
	env.login(nfd, passPrueba)

	// Dominios internacionales válidos.
	crear("ana.idn", "ana@correo.españa.es").esperar(t, 201, "")
	crear("ana.puny", "ana@xn--espaa-rta.com").esperar(t, 201, "")

	// PATCH aplica las mismas reglas.
	r := env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", u.ID), token: admin.AccessToken,
		cuerpo: map[string]any{"email": "jose\u200b@ejemplo.org"}}).esperar(t, 422, "VALIDACION")
	if r.errores[0].Campo != "email" {
		t.Fatalf("errores = %+v", r.errores)
	}
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", u.ID), token: admin.AccessToken,
		cuerpo: map[string]any{"email": "ANA@CORREO.ESPAÑA.ES"}}).esperar(t, 409, "CONFLICTO")

	// API_EMAIL también.
	_, err := env.auth.AsegurarAdmin(context.Background(), adminUser, "", "admin\u200b@ejemplo.org")
	var me *models.Error
	if !asError(err, &me) || me.Codigo != models.CodigoValidacion || me.Campos[0].Campo != "API_EMAIL" {
		t.Fatalf("AsegurarAdmin con API_EMAIL invisible = %v, want VALIDACION en API_EMAIL", err)
	}
}

func largo(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a'
	}
	return string(b)
}
