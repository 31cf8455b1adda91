package models

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// AsegurarAdmin crea la cuenta de administración si falta, o la pone al día:
// un password no vacío se (re)aplica, igual que un email no vacío. El rol y
// el estado de una cuenta existente no se tocan: si otro admin la desactivó
// (p. ej. por sospecha de robo), reiniciar no debe reactivarla. Si la cuenta
// no existía y password está vacío, genera una y la devuelve (la única vez
// que se ve).
// Errores: VALIDACION si username, email o password incumplen la política.
func (a *Auth) AsegurarAdmin(ctx context.Context, username, password, email string) (generada string, err error) {
	var v Validacion
	ValidarUsername(&v, "API_USER", username)
	ValidarEmail(&v, "API_EMAIL", email)
	if password != "" {
		ValidarPassword(&v, "API_PASSWORD", password, username)
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	u, err := a.s.usuarioPorIdentificador(ctx, username)
	if err != nil {
		return "", err
	}
	if u != nil && normalizar(u.Username) != normalizar(username) {
		u = nil // coincidió con el email de otra cuenta
	}
	ahora := a.s.now()
	if u == nil {
		if password == "" {
			password = passwordAleatoria()
			generada = password
		}
		hash, err := hashPassword(password, a.s.costo)
		if err != nil {
			return "", ErrorInterno(err)
		}
		mail, mailNorm := ptrNorm(email)
		nuevo := &Usuario{
			Username: username, UsernameNorm: normalizar(username), Email: mail, EmailNorm: mailNorm,
			PasswordHash: hash, Rol: RolAdmin, Activo: true, CreadoEn: ahora, ActualizadoEn: ahora,
		}
		err = a.s.escribir(ctx, func(tx *gorm.DB) error {
			if err := tx.Create(nuevo).Error; err != nil {
				return err
			}
			return a.s.auditar(ctx, tx, EventoUsuarioCreado, &nuevo.ID, nil, "cuenta de administración inicial (API_USER)")
		})
		return generada, err
	}

	cambios := map[string]any{}
	if email != "" && u.EmailTexto() != email {
		cambios["email"], cambios["email_norm"] = ptrNorm(email)
	}
	if password != "" && !passwordCorrecta(u.PasswordHash, password) {
		hash, err := hashPassword(password, a.s.costo)
		if err != nil {
			return "", ErrorInterno(err)
		}
		cambios["password_hash"] = hash
	}
	if len(cambios) == 0 {
		return "", nil
	}
	cambios["actualizado_en"] = ahora
	return "", a.s.escribir(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Usuario{}).Where("id = ?", u.ID).Updates(cambios).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrCampo("API_EMAIL", "ya pertenece a otra cuenta")
			}
			return err
		}
		return a.s.auditar(ctx, tx, EventoUsuarioActualizado, &u.ID, nil, fmt.Sprintf("cuenta de administración puesta al día al iniciar (%d cambio(s))", len(cambios)-1))
	})
}

// passwordAleatoria genera 24 caracteres de un alfabeto sin caracteres
// ambiguos (~140 bits).
func passwordAleatoria() string {
	const alfabeto = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alfabeto[int(b[i])%len(alfabeto)]
	}
	return string(b)
}
