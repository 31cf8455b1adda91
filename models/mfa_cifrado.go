package models

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// prefijoCifradoV1 marca un secreto TOTP sellado con AES-256-GCM. Un valor
// sin prefijo es un secreto heredado en claro (base32, que nunca lleva ":"),
// y se sigue leyendo para poder activar MFA_ENCRYPTION_KEY sin migrar.
const prefijoCifradoV1 = "v1:"

// cifradoSecretos sella y abre los secretos TOTP en reposo. Con aead nil
// (MFA_ENCRYPTION_KEY sin definir) guarda en claro.
type cifradoSecretos struct {
	aead cipher.AEAD
}

// nuevoCifrado prepara AES-256-GCM con clave (32 bytes); sin clave, nada.
func nuevoCifrado(clave []byte) (cifradoSecretos, error) {
	if len(clave) == 0 {
		return cifradoSecretos{}, nil
	}
	if len(clave) != 32 {
		return cifradoSecretos{}, fmt.Errorf("la clave de cifrado MFA debe tener 32 bytes, tiene %d", len(clave))
	}
	bloque, err := aes.NewCipher(clave)
	if err != nil {
		return cifradoSecretos{}, err
	}
	aead, err := cipher.NewGCM(bloque)
	if err != nil {
		return cifradoSecretos{}, err
	}
	return cifradoSecretos{aead: aead}, nil
}

// datosAdicionales ata el texto cifrado a su usuario: copiar el secreto
// sellado de una fila a otra no sirve.
func datosAdicionales(usuarioID uint) []byte { return fmt.Appendf(nil, "mfa_secreto:%d", usuarioID) }

// sellar devuelve el valor que se guarda en usuarios.mfa_secreto.
func (c cifradoSecretos) sellar(usuarioID uint, secreto string) (string, error) {
	return c.sellarCon(datosAdicionales(usuarioID), secreto)
}

// sellarCon sella secreto atado a ad (los datos adicionales de GCM: a qué
// fila pertenece).
func (c cifradoSecretos) sellarCon(ad []byte, secreto string) (string, error) {
	if c.aead == nil {
		return secreto, nil
	}
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(secreto)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sellado := c.aead.Seal(nonce, nonce, []byte(secreto), ad)
	return prefijoCifradoV1 + base64.RawStdEncoding.EncodeToString(sellado), nil
}

// abrir recupera el secreto de un valor guardado, sellado o en claro.
func (c cifradoSecretos) abrir(usuarioID uint, guardado string) (string, error) {
	return c.abrirCon(datosAdicionales(usuarioID), guardado)
}

// abrirCon abre un valor sellado con sellarCon(ad, …), o lo devuelve tal
// cual si está en claro.
func (c cifradoSecretos) abrirCon(ad []byte, guardado string) (string, error) {
	resto, sellado := strings.CutPrefix(guardado, prefijoCifradoV1)
	if !sellado {
		return guardado, nil
	}
	if c.aead == nil {
		return "", errors.New("secreto cifrado pero MFA_ENCRYPTION_KEY no está definida")
	}
	b, err := base64.RawStdEncoding.DecodeString(resto)
	if err != nil || len(b) < c.aead.NonceSize()+c.aead.Overhead() {
		return "", errors.New("secreto cifrado con formato inválido")
	}
	n := c.aead.NonceSize()
	claro, err := c.aead.Open(nil, b[:n], b[n:], ad)
	if err != nil {
		return "", fmt.Errorf("no se pudo descifrar el secreto (¿cambió MFA_ENCRYPTION_KEY?): %w", err)
	}
	return string(claro), nil
}
