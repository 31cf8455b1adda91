package middleware

import (
	"context"
	"fmt"
	"testing"
	"time"
)

type relojFijo struct{ t time.Time }

func (r *relojFijo) now() time.Time { return r.t }

// tomar es Tomar con la forma de antes: pasa, restantes y espera.
func tomar(l *Limitador, clave string) (bool, int, time.Duration) {
	d, err := l.Tomar(context.Background(), clave)
	if err != nil || d.Limite != l.limite.Capacidad {
		panic(fmt.Sprintf("Tomar: %+v, %v", d, err))
	}
	return d.Permitida, d.Restantes, d.Espera
}

// TestLimitadorCubo: capacidad porMinuto, recarga continua, espera exacta.
func TestLimitadorCubo(t *testing.T) {
	r := &relojFijo{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewLimitador(6, r.now) // una ficha cada 10 s
	for i, quedan := range []int{5, 4, 3, 2, 1, 0} {
		ok, restantes, _ := tomar(l, "a")
		if !ok || restantes != quedan {
			t.Fatalf("toma %d: ok %v restantes %d, want %d", i, ok, restantes, quedan)
		}
	}
	ok, _, espera := tomar(l, "a")
	if ok || espera != 10*time.Second {
		t.Fatalf("séptima: ok %v espera %v, want false y 10s", ok, espera)
	}
	if ok, _, _ := tomar(l, "b"); !ok {
		t.Fatal("otra clave tiene su propio cubo")
	}
	r.t = r.t.Add(4 * time.Second)
	if _, _, espera := tomar(l, "a"); espera != 6*time.Second {
		t.Fatalf("espera = %v, want 6s", espera)
	}
	r.t = r.t.Add(6 * time.Second)
	if ok, restantes, _ := tomar(l, "a"); !ok || restantes != 0 {
		t.Fatalf("tras recargar: ok %v restantes %d", ok, restantes)
	}
	r.t = r.t.Add(time.Hour)
	if _, restantes, _ := tomar(l, "a"); restantes != 5 {
		t.Fatalf("el cubo no pasa de su capacidad: restantes %d, want 5", restantes)
	}
}

// TestLimitadorOlvidaCubosLlenos: el mapa no crece sin fin con IPs de paso.
func TestLimitadorOlvidaCubosLlenos(t *testing.T) {
	r := &relojFijo{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewLimitador(10, r.now)
	for i := range 1000 {
		tomar(l, fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	r.t = r.t.Add(2 * time.Minute)
	tomar(l, "otra")
	if n := len(l.tat); n != 1 {
		t.Fatalf("%d cubos tras la limpieza, want 1", n)
	}
}

func TestClaveCliente(t *testing.T) {
	casos := map[string]string{
		"203.0.113.7":               "203.0.113.7",
		"::ffff:203.0.113.7":        "::ffff:203.0.113.7",
		"2001:db8:1:2:aaaa::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:bbbb:cccc::9": "2001:db8:1:2::/64",
		"no-es-ip":                  "no-es-ip",
	}
	for ip, want := range casos {
		if got := claveCliente(ip); got != want {
			t.Errorf("claveCliente(%q) = %q, want %q", ip, got, want)
		}
	}
}
