package models

import (
	"crypto/sha256"
	"encoding/base64"

	"golang.org/x/crypto/bcrypt"
)

// prehash convierte la contraseña en 44 bytes antes de bcrypt: bcrypt solo
// usa los primeros 72 bytes, y 64 letras acentuadas ocupan 128. Así ninguna
// contraseña se trunca en silencio (API.md §4.5).
func prehash(password string) []byte {
	sum := sha256.Sum256([]byte(password))
	out := make([]byte, base64.StdEncoding.EncodedLen(len(sum)))
	base64.StdEncoding.Encode(out, sum[:])
	return out
}

// HashPassword calcula el hash bcrypt de password con costo.
func HashPassword(password string, costo int) (string, error) {
	h, err := bcrypt.GenerateFromPassword(prehash(password), costo)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// PasswordCorrecta compara en tiempo constante password con su hash.
func PasswordCorrecta(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), prehash(password)) == nil
}
