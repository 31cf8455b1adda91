package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// TestCupoTasaComoEnMemoria: el presupuesto en la base contesta lo mismo que
// el limitador en memoria (middleware.Limitador) petición a petición: pasa o
// no, restantes y espera exacta, con varias claves y pasos del reloj al azar.
func TestCupoTasaComoEnMemoria(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pasos := []time.Duration{0, time.Millisecond, 999 * time.Millisecond, 4 * time.Second, 10 * time.Second, 61 * time.Second}
	for _, porMinuto := range []int{1, 6, 7, 100} {
		t.Run(fmt.Sprint(porMinuto), func(t *testing.T) {
			t.Parallel()
			s, reloj := abrirConReloj(t)
			enBase := NewCupoTasa(s, porMinuto)
			enMemoria := middleware.NewLimitador(porMinuto, reloj.now)
			rnd := rand.New(rand.NewPCG(uint64(porMinuto), 3))
			for i := range 400 {
				if rnd.IntN(3) == 0 {
					reloj.avanzar(pasos[rnd.IntN(len(pasos))])
				}
				clave := []string{"203.0.113.7", "2001:db8:1:2::/64", "198.51.100.1"}[rnd.IntN(3)]
				got, err := enBase.Tomar(ctx, clave)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := enMemoria.Tomar(ctx, clave)
				if got != want {
					t.Fatalf("petición %d (%s): %+v, want %+v", i, clave, got, want)
				}
			}
		})
	}
}

// TestCupoTasaCubo repite en la base los valores de TestLimitadorCubo
// (middleware): capacidad 6, una ficha cada 10 s.
func TestCupoTasaCubo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, reloj := abrirConReloj(t)
	c := NewCupoTasa(s, 6)
	tomar := func() models.DecisionTasa {
		t.Helper()
		d, err := c.Tomar(ctx, "a")
		if err != nil || d.Limite != 6 {
			t.Fatalf("Tomar: %+v, %v", d, err)
		}
		return d
	}
	for i, quedan := range []int{5, 4, 3, 2, 1, 0} {
		if d := tomar(); !d.Permitida || d.Restantes != quedan {
			t.Fatalf("toma %d: %+v, want restantes %d", i, d, quedan)
		}
	}
	if d := tomar(); d.Permitida || d.Restantes != 0 || d.Espera != 10*time.Second || d.ReintentarEn() != 10 {
		t.Fatalf("séptima: %+v, want rechazada con 10 s", d)
	}
	reloj.avanzar(4 * time.Second)
	if d := tomar(); d.Espera != 6*time.Second {
		t.Fatalf("espera = %v, want 6s", d.Espera)
	}
	reloj.avanzar(6 * time.Second)
	if d := tomar(); !d.Permitida || d.Restantes != 0 {
		t.Fatalf("tras recargar: %+v", d)
	}
	reloj.avanzar(time.Hour)
	if d := tomar(); d.Restantes != 5 {
		t.Fatalf("el cubo no pasa de su capacidad: %+v, want restantes 5", d)
	}
}

// TestCupoTasaConcurrente: de muchas peticiones simultáneas de un cliente
// pasan exactamente las del cupo, cada una con un Remaining distinto, y las
// demás esperan lo mismo.
func TestCupoTasaConcurrente(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := abrirConReloj(t)
	c := NewCupoTasa(s, 10)
	const n = 50
	var mu sync.Mutex
	var restantes []int
	var esperas []time.Duration
	enParalelo(n, func(int) {
		d, err := c.Tomar(ctx, "203.0.113.7")
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if d.Permitida {
			restantes = append(restantes, d.Restantes)
		} else {
			esperas = append(esperas, d.Espera)
		}
	})
	slices.Sort(restantes)
	if !slices.Equal(restantes, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("restantes de las que pasaron: %v, want 0..9", restantes)
	}
	if len(esperas) != n-10 || slices.ContainsFunc(esperas, func(e time.Duration) bool { return e != 6*time.Second }) {
		t.Fatalf("%d rechazadas con esperas %v, want %d de 6s", len(esperas), esperas, n-10)
	}
}

// TestCupoTasaPurga: la purga borra los cupos con el cubo ya lleno y deja
// los que todavía limitan.
func TestCupoTasaPurga(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, reloj := abrirConReloj(t)
	c := NewCupoTasa(s, 6)
	for range 3 {
		c.Tomar(ctx, "viejo")
	}
	reloj.avanzar(25 * time.Second)
	c.Tomar(ctx, "nuevo")
	reloj.avanzar(9 * time.Second) // a los 34 s: "viejo" se llenó a los 30; "nuevo" se llena a los 35
	n, err := s.Purgar(ctx, models.PoliticaBloqueo{MaxFallos: 5, Bloqueo: 15 * time.Minute})
	if err != nil || n != 1 {
		t.Fatalf("Purgar = %d, %v; want 1", n, err)
	}
	var claves []string
	if err := s.r.WithContext(ctx).Raw("SELECT clave FROM limites_tasa").Scan(&claves).Error; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(claves, []string{"nuevo"}) {
		t.Fatalf("quedan %v, want [nuevo]", claves)
	}
}
