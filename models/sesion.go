package models

import "time"

// Sesion es un inicio de sesión y la cadena de refresh tokens que sale de él
// (claim sid). Ningún token de la sesión vive más allá de ExpiraEn.
type Sesion struct {
	ID        string    `gorm:"primaryKey;size:40"`
	UsuarioID uint      `gorm:"not null;index"`
	CreadaEn  time.Time `gorm:"not null"`
	UltimoUso time.Time `gorm:"not null"`
	ExpiraEn  time.Time `gorm:"not null;index"`
	IP        string    `gorm:"size:64"`
	UserAgent string    `gorm:"size:255"`
	// RefreshActual es el jti del único refresh token vigente de la sesión.
	RefreshActual string     `gorm:"size:40;not null"`
	RevocadaEn    *time.Time `gorm:"index"`
	// CredencialesVersion es la versión de las credenciales del usuario que
	// comprobó el login (no se guarda): el almacén crea la sesión solo si la
	// cuenta sigue en ella y activa (API.md §12).
	CredencialesVersion int64 `gorm:"-"`
}

// TableName fija el nombre de la tabla.
func (Sesion) TableName() string { return "sesiones" }

// RefreshToken registra cada refresh token emitido para detectar su
// reutilización. Se guardan sus claims variables (no el token) para poder
// volver a firmar el mismo sucesor durante la gracia de API.md §4.2.
type RefreshToken struct {
	JTI        string    `gorm:"primaryKey;size:40"`
	SesionID   string    `gorm:"size:40;not null;index"`
	Rol        Rol       `gorm:"size:20;not null"`
	EmitidoEn  time.Time `gorm:"not null"`
	ExpiraEn   time.Time `gorm:"not null"`
	UsadoEn    *time.Time
	SucesorJTI *string `gorm:"size:40"`
}

// TableName fija el nombre de la tabla.
func (RefreshToken) TableName() string { return "refresh_tokens" }

// TokenRevocado es una fila de la lista negra: un jti o una sesión entera.
// ExpiraEn es cuando el último token afectado expira; después la fila sobra
// y la purga periódica la borra.
type TokenRevocado struct {
	Clave    string    `gorm:"primaryKey;size:48"`
	ExpiraEn time.Time `gorm:"not null;index"`
}

// TableName fija el nombre de la tabla.
func (TokenRevocado) TableName() string { return "tokens_revocados" }

// ClaveJTI y ClaveSesion son las claves de la lista negra: el prefijo separa
// jti de sid.
func ClaveJTI(jti string) string { return "j:" + jti }

// ClaveSesion es la clave de la lista negra de una sesión entera.
func ClaveSesion(sid string) string { return "s:" + sid }

// BloqueoLogin cuenta los fallos de inicio de sesión de una identidad
// (API.md §4.1): "u:<id>" si el identificador es de una cuenta, si no
// "i:<identificador en minúsculas>".
type BloqueoLogin struct {
	Clave          string    `gorm:"primaryKey;size:300"`
	Fallos         int       `gorm:"not null"`
	UltimoFallo    time.Time `gorm:"not null;index"`
	BloqueadoHasta *time.Time
}

// TableName fija el nombre de la tabla.
func (BloqueoLogin) TableName() string { return "bloqueos_login" }
