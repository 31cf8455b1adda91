package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Calendario es el feed privado de calendario de un usuario (API.md §7.3):
// a lo sumo uno por usuario. Solo se guarda el SHA-256 del token; el token
// se muestra una vez, al crearlo.
type Calendario struct {
	UsuarioID uint      `gorm:"primaryKey;autoIncrement:false"`
	TokenHash string    `gorm:"size:64;not null;uniqueIndex"`
	CreadoEn  time.Time `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (Calendario) TableName() string { return "calendarios" }

// Días que abarca el feed alrededor de ahora (API.md §7.3).
const (
	CalendarioDiasAtras    = 30
	CalendarioDiasAdelante = 180
)

// NuevoTokenCalendario genera un token de 256 bits aleatorios en base64url
// sin relleno (43 caracteres) y su hash para guardar.
func NuevoTokenCalendario() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashTokenCalendario(token), nil
}

// HashTokenCalendario es el SHA-256 en hexadecimal del token. Buscar por el
// hash (y no por el token) evita que los tiempos de la consulta revelen
// cuánto de un token adivinado coincide con uno real.
func HashTokenCalendario(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// TokenCalendarioValido dice si s tiene la forma de un token de calendario
// (43 caracteres base64url), para no consultar la base con cualquier texto.
func TokenCalendarioValido(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}
