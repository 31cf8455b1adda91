package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// CodigoRecuperacion es un código de un solo uso para entrar sin el
// autenticador. Solo se guarda su hash: el código se muestra una vez.
type CodigoRecuperacion struct {
	ID        uint      `gorm:"primaryKey"`
	UsuarioID uint      `gorm:"not null;index:idx_codigo_recuperacion_usuario_hash"`
	Hash      string    `gorm:"size:64;not null;index:idx_codigo_recuperacion_usuario_hash"`
	CreadoEn  time.Time `gorm:"not null"`
	UsadoEn   *time.Time
}

// TableName fija el nombre de la tabla.
func (CodigoRecuperacion) TableName() string { return "codigos_recuperacion" }

// Forma de los códigos de recuperación: "XXXXX-XXXXX" con un alfabeto sin
// caracteres ambiguos (sin 0, O, 1, I). 32 símbolos × 10 = 50 bits.
const (
	CantidadCodigosRecuperacion = 10
	alfabetoRecuperacion        = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	largoRecuperacion           = 10
)

// codigosConHash genera un juego de códigos de recuperación para el
// usuario: en claro, para mostrarlos una vez, y sus hashes, para guardarlos.
func codigosConHash(usuarioID uint) (codigos, hashes []string) {
	codigos = nuevosCodigosRecuperacion()
	hashes = make([]string, len(codigos))
	for i, c := range codigos {
		hashes[i] = hashRecuperacion(usuarioID, normalizarRecuperacion(c))
	}
	return codigos, hashes
}

// nuevosCodigosRecuperacion genera CantidadCodigosRecuperacion códigos
// distintos, listos para mostrar.
func nuevosCodigosRecuperacion() []string {
	vistos := make(map[string]bool, CantidadCodigosRecuperacion)
	out := make([]string, 0, CantidadCodigosRecuperacion)
	b := make([]byte, largoRecuperacion)
	for len(out) < CantidadCodigosRecuperacion {
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand no falla en plataformas soportadas
		}
		for i := range b {
			// 256 es múltiplo de 32: el módulo no sesga.
			b[i] = alfabetoRecuperacion[int(b[i])%len(alfabetoRecuperacion)]
		}
		c := string(b[:5]) + "-" + string(b[5:])
		if !vistos[c] {
			vistos[c] = true
			out = append(out, c)
		}
	}
	return out
}

// normalizarRecuperacion acepta el código en cualquier caja, con o sin guion
// y espacios; devuelve "" si no tiene la forma de un código de recuperación.
func normalizarRecuperacion(codigo string) string {
	c := strings.ToUpper(quitarSeparadores(codigo))
	if len(c) != largoRecuperacion {
		return ""
	}
	for i := 0; i < len(c); i++ {
		if strings.IndexByte(alfabetoRecuperacion, c[i]) < 0 {
			return ""
		}
	}
	return c
}

// quitarSeparadores elimina espacios y guiones, que el usuario suele copiar.
func quitarSeparadores(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// hashRecuperacion es el hash guardado de un código normalizado. Los códigos
// son aleatorios de 50 bits, así que SHA-256 basta (no hay diccionario que
// probar); el id del usuario lo separa entre cuentas.
func hashRecuperacion(usuarioID uint, normalizado string) string {
	h := sha256.Sum256([]byte("recuperacion:" + strconv.FormatUint(uint64(usuarioID), 10) + ":" + normalizado))
	return hex.EncodeToString(h[:])
}
