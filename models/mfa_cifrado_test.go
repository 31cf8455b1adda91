package models

import (
	"bytes"
	"strings"
	"testing"
)

func TestCifradoSecretos(t *testing.T) {
	t.Parallel()
	clave := bytes.Repeat([]byte{7}, 32)
	c, err := nuevoCifrado(clave)
	if err != nil {
		t.Fatal(err)
	}
	const secreto = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	sellado, err := c.sellar(1, secreto)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sellado, prefijoCifradoV1) || strings.Contains(sellado, secreto) {
		t.Fatalf("sellado = %q, want v1: sin el secreto a la vista", sellado)
	}
	if otro, _ := c.sellar(1, secreto); otro == sellado {
		t.Fatal("dos sellados iguales: el nonce no es aleatorio")
	}
	if claro, err := c.abrir(1, sellado); err != nil || claro != secreto {
		t.Fatalf("abrir = %q, %v; want %q", claro, err, secreto)
	}
	if _, err := c.abrir(2, sellado); err == nil {
		t.Fatal("el secreto sellado de un usuario se abrió para otro")
	}
	otraClave, _ := nuevoCifrado(bytes.Repeat([]byte{8}, 32))
	if _, err := otraClave.abrir(1, sellado); err == nil {
		t.Fatal("se abrió con otra clave")
	}
	if _, err := (cifradoSecretos{}).abrir(1, sellado); err == nil {
		t.Fatal("se abrió sin clave")
	}
	for _, k := range []cifradoSecretos{c, {}} {
		if claro, err := k.abrir(1, secreto); err != nil || claro != secreto {
			t.Fatalf("secreto heredado en claro: %q, %v", claro, err)
		}
	}
	if s, _ := (cifradoSecretos{}).sellar(1, secreto); s != secreto {
		t.Fatalf("sin clave, sellar = %q, want en claro", s)
	}
	if _, err := nuevoCifrado(make([]byte, 16)); err == nil {
		t.Fatal("se aceptó una clave de 16 bytes")
	}
}

func TestNormalizarRecuperacion(t *testing.T) {
	t.Parallel()
	casos := map[string]string{
		"ABCDE-FGHJK":  "ABCDEFGHJK",
		"abcde-fghjk":  "ABCDEFGHJK",
		" abcdefghjk ": "ABCDEFGHJK",
		"ABCDE FGHJK":  "ABCDEFGHJK",
		"ABCDE-FGHJ":   "",
		"ABCDE-FGHJ0":  "", // 0 no está en el alfabeto
		"ABCDE-FGHJKL": "",
		"123456":       "",
		"ÁBCDE-FGHJK":  "",
		"":             "",
	}
	for entrada, want := range casos {
		if got := normalizarRecuperacion(entrada); got != want {
			t.Errorf("normalizarRecuperacion(%q) = %q, want %q", entrada, got, want)
		}
	}
	codigos := nuevosCodigosRecuperacion()
	if len(codigos) != CantidadCodigosRecuperacion {
		t.Fatalf("%d códigos, want %d", len(codigos), CantidadCodigosRecuperacion)
	}
	for _, c := range codigos {
		if normalizarRecuperacion(c) == "" {
			t.Fatalf("código generado %q no se reconoce", c)
		}
	}
}
