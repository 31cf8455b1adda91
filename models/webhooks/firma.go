package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// prefijoSecreto es el prefijo de Standard Webhooks para un secreto.
const prefijoSecreto = "whsec_"

// bytesSecreto es el largo de la clave HMAC: Standard Webhooks pide entre
// 24 y 64 bytes; 32 es el largo del bloque de SHA-256.
const bytesSecreto = 32

// NuevoSecreto genera un secreto de Standard Webhooks: "whsec_" y la base64
// de 32 bytes aleatorios, que son la clave HMAC.
func NuevoSecreto() (string, error) {
	b := make([]byte, bytesSecreto)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefijoSecreto + base64.StdEncoding.EncodeToString(b), nil
}

// Firmar devuelve la cabecera webhook-signature de un mensaje según
// Standard Webhooks: "v1," y la base64 de HMAC-SHA256, con la clave
// decodificada del secreto, sobre "{id}.{timestamp}.{cuerpo}".
func Firmar(secreto, id string, timestamp int64, cuerpo []byte) (string, error) {
	clave, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secreto, prefijoSecreto))
	if err != nil || len(clave) == 0 {
		return "", errors.New("secreto de webhook con formato inválido")
	}
	mac := hmac.New(sha256.New, clave)
	mac.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	mac.Write(cuerpo)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
