package models

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Usuario es una cuenta del sistema. Username y email son únicos sin
// distinguir mayúsculas: las columnas *Norm guardan la forma en minúsculas y
// llevan el índice único, así la regla vale igual en SQLite y PostgreSQL.
type Usuario struct {
	ID           uint    `gorm:"primaryKey"`
	Username     string  `gorm:"size:50;not null"`
	UsernameNorm string  `gorm:"size:50;not null;uniqueIndex"`
	Email        *string `gorm:"size:254"`
	EmailNorm    *string `gorm:"size:254;uniqueIndex"`
	PasswordHash string  `gorm:"not null"`
	Rol          Rol     `gorm:"size:20;not null;index"`
	Activo       bool    `gorm:"not null"`

	MFAHabilitado bool   `gorm:"column:mfa_habilitado;not null"`
	MFASecreto    string `gorm:"column:mfa_secreto"`
	// MFAUltimoPaso es el último paso TOTP aceptado: un código no se acepta dos veces.
	MFAUltimoPaso int64 `gorm:"column:mfa_ultimo_paso;not null"`
	// CredencialesVersion crece con cada cambio de credenciales (contraseña,
	// MFA encendido o apagado, cuenta desactivada, todas sus sesiones
	// revocadas): una sesión se crea solo si sigue siendo la que se leyó al
	// comprobar las credenciales (API.md §12).
	CredencialesVersion int64 `gorm:"column:credenciales_version;not null"`

	// La licencia de conducir de un motorista (API.md §8): las tres a la
	// vez o ninguna (nil: sin licencia registrada). Ver Licencia.
	LicenciaNumero    *string `gorm:"size:50"`
	LicenciaCategoria *string `gorm:"size:20"`
	LicenciaVence     *string `gorm:"size:10;index"`

	CreadoEn      time.Time `gorm:"not null"`
	ActualizadoEn time.Time `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (Usuario) TableName() string { return "usuarios" }

// Licencia devuelve la licencia registrada, o nil si no tiene.
func (u *Usuario) Licencia() *Licencia {
	if u.LicenciaNumero == nil || u.LicenciaCategoria == nil || u.LicenciaVence == nil {
		return nil
	}
	return &Licencia{Numero: *u.LicenciaNumero, Categoria: *u.LicenciaCategoria, Vence: *u.LicenciaVence}
}

// EmailTexto devuelve el email o "" si no tiene.
func (u *Usuario) EmailTexto() string {
	if u.Email == nil {
		return ""
	}
	return *u.Email
}

var patronUsername = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Límites de la política de contraseñas (API.md §4.5).
const (
	PasswordMinimo = 12
	// PasswordMaximo protege del abuso de cuerpos enormes; muy por encima de
	// cualquier frase de paso real.
	PasswordMaximo = 1024
)

// ValidarUsername comprueba el nombre de usuario.
func ValidarUsername(v *Validacion, campo, username string) {
	n := utf8.RuneCountInString(username)
	switch {
	case username == "":
		v.Agregar(campo, "es obligatorio")
	case n < 3 || n > 50:
		v.Agregar(campo, "debe tener entre 3 y 50 caracteres")
	case !patronUsername.MatchString(username):
		v.Agregar(campo, "solo admite letras sin acento, números, punto, guion y guion bajo")
	}
}

// ValidarEmail comprueba un email opcional ("" es válido) en su forma NFC
// (FormaEmail), la que se guarda (API.md §12):
//   - sin caracteres de control ni de formato (Unicode Cc, Cf: los de ancho
//     cero y los de dirección del texto) ni espacios;
//   - sin caracteres que NFKC cambia (ancho completo, ligaduras,
//     superíndices…): parecidos a otros que engañan a la vista;
//   - una dirección RFC 5322 sin nombre ni comillas, de hasta 254 bytes;
//   - un dominio que es un nombre de host válido según IDNA2008 con el
//     perfil estricto de registro (etiquetas válidas, sin guiones al borde ni
//     guion bajo, regla bidi, longitudes DNS) y con al menos un punto.
func ValidarEmail(v *Validacion, campo, email string) {
	if email == "" {
		return
	}
	if msg := problemaEmail(FormaEmail(email)); msg != "" {
		v.Agregar(campo, msg)
	}
}

func problemaEmail(email string) string {
	if !utf8.ValidString(email) {
		return "contiene caracteres no válidos"
	}
	for _, r := range email {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "no puede contener caracteres invisibles ni de control de la dirección del texto"
		case unicode.IsSpace(r):
			return "no puede contener espacios"
		}
	}
	if norm.NFKC.String(email) != email {
		return "no puede contener caracteres de ancho completo ni otras variantes de compatibilidad; escríbalo con caracteres normales"
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 {
		return "no es un correo electrónico válido"
	}
	dominio := email[strings.LastIndex(email, "@")+1:]
	ascii, err := idna.Registration.ToASCII(strings.ToLower(dominio))
	if err != nil || !strings.Contains(ascii, ".") {
		return "el dominio no es un nombre de host válido"
	}
	return ""
}

// FormaEmail es la forma en que se guarda un email: sin espacios al borde y
// en NFC.
func FormaEmail(email string) string { return norm.NFC.String(strings.TrimSpace(email)) }

// ClaveEmail es la forma con la que se comparan los emails (columna
// email_norm, única): FormaEmail con plegado de mayúsculas de Unicode y de
// nuevo NFC. Así «JOSÉ@…», «josé@…» y su forma descompuesta son el mismo.
func ClaveEmail(email string) string {
	return norm.NFC.String(cases.Fold().String(FormaEmail(email)))
}

// ValidarPassword aplica la política de contraseñas: al menos 12 caracteres,
// distinta del nombre de usuario, sin reglas de composición.
func ValidarPassword(v *Validacion, campo, password, username string) {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		v.Agregar(campo, "es obligatoria")
	case !utf8.ValidString(password):
		v.Agregar(campo, "contiene caracteres no válidos")
	case n < PasswordMinimo:
		v.Agregar(campo, "debe tener al menos 12 caracteres")
	case n > PasswordMaximo:
		v.Agregar(campo, "no puede superar 1024 caracteres")
	case username != "" && strings.EqualFold(password, username):
		v.Agregar(campo, "no puede ser igual al nombre de usuario")
	}
}

// Normalizar devuelve la forma con la que se comparan username y email.
func Normalizar(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NormalizarEmail devuelve el email como se guarda (FormaEmail) y su clave
// de comparación (ClaveEmail), o nil y nil si está vacío (la cuenta queda
// sin correo).
func NormalizarEmail(email string) (*string, *string) {
	f := FormaEmail(email)
	if f == "" {
		return nil, nil
	}
	n := ClaveEmail(f)
	return &f, &n
}
