package models

import (
	"context"
	"crypto/sha256"
	"encoding/base64"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
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

func hashPassword(password string, costo int) (string, error) {
	h, err := bcrypt.GenerateFromPassword(prehash(password), costo)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

func passwordCorrecta(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), prehash(password)) == nil
}

// rehashSiCambioCosto vuelve a calcular el hash de u con el costo actual si
// se guardó con otro (tras cambiar PASSWORD_HASH_COST): así todas las cuentas
// cuestan lo mismo que el hash falso de los usuarios inexistentes.
func (s *Store) rehashSiCambioCosto(ctx context.Context, u *Usuario, password string) error {
	costo, err := bcrypt.Cost([]byte(u.PasswordHash))
	if err != nil || costo == s.costo {
		return nil
	}
	hash, err := hashPassword(password, s.costo)
	if err != nil {
		return ErrorInterno(err)
	}
	return s.escribir(ctx, func(tx *gorm.DB) error {
		return tx.Model(&Usuario{}).Where("id = ? AND password_hash = ?", u.ID, u.PasswordHash).
			Update("password_hash", hash).Error
	})
}
