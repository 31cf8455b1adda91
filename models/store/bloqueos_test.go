package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// relojStore es un reloj de prueba que se puede mover mientras el store lo lee.
type relojStore struct{ ns atomic.Int64 }

func (r *relojStore) now() time.Time          { return time.Unix(0, r.ns.Load()).UTC() }
func (r *relojStore) avanzar(d time.Duration) { r.ns.Add(int64(d)) }

// abrirConReloj abre un store de prueba con un reloj movible.
func abrirConReloj(t *testing.T) (*Store, *relojStore) {
	t.Helper()
	r := &relojStore{}
	r.ns.Store(time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC).UnixNano())
	s, err := Open(context.Background(), OpcionesStore{DSN: filepath.Join(t.TempDir(), "t.db"), CostoHash: bcrypt.MinCost, Now: r.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, r
}

func filaBloqueo(t *testing.T, s *Store, clave string) models.BloqueoLogin {
	t.Helper()
	var b models.BloqueoLogin
	if err := s.r.WithContext(context.Background()).Where("clave = ?", clave).Limit(1).Find(&b).Error; err != nil {
		t.Fatal(err)
	}
	return b
}

func contarAuditoria(t *testing.T, s *Store, evento models.EventoAuditoria) int64 {
	t.Helper()
	var n int64
	if err := s.r.WithContext(context.Background()).Model(&models.RegistroAuditoria{}).Where("evento = ?", evento).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// enParalelo corre f(i) para i en [0, n) a la vez, soltadas juntas.
func enParalelo(n int, f func(i int)) {
	var listo, fin sync.WaitGroup
	salida := make(chan struct{})
	listo.Add(n)
	fin.Add(n)
	for i := range n {
		go func() {
			defer fin.Done()
			listo.Done()
			<-salida
			f(i)
		}()
	}
	listo.Wait()
	close(salida)
	fin.Wait()
}

// TestBloqueoConcurrente: muchas reservas y fallos simultáneos de una clave
// cuentan exactamente lo que son. Sobre SQLite el escritor único ya los
// ordena; la prueba vale sobre todo para PostgreSQL, donde cada sentencia de
// bloqueos.go es la única garantía.
func TestBloqueoConcurrente(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const clave = "u:7"

	t.Run("N fallos cuentan N", func(t *testing.T) {
		t.Parallel()
		s, _ := abrirConReloj(t)
		p := models.PoliticaBloqueo{MaxFallos: 1000, Bloqueo: 15 * time.Minute}
		const n = 40
		var errores atomic.Int64
		enParalelo(n, func(i int) {
			if err := s.ReservarIntento(ctx, clave, p); err != nil {
				errores.Add(1)
				return
			}
			if _, err := s.RegistrarFallo(ctx, clave, p, nil, models.EventoLoginFallido, "prueba"); err != nil {
				errores.Add(1)
			}
		})
		if errores.Load() != 0 {
			t.Fatalf("%d errores", errores.Load())
		}
		if b := filaBloqueo(t, s, clave); b.Fallos != n || b.BloqueadoHasta != nil {
			t.Fatalf("fallos = %d, bloqueado %v; want %d y sin bloqueo", b.Fallos, b.BloqueadoHasta, n)
		}
		if got := contarAuditoria(t, s, models.EventoLoginFallido); got != n {
			t.Fatalf("LOGIN_FALLIDO = %d, want %d", got, n)
		}
	})

	t.Run("el cupo no se pasa y bloquea una vez", func(t *testing.T) {
		t.Parallel()
		s, _ := abrirConReloj(t)
		p := models.PoliticaBloqueo{MaxFallos: 5, Bloqueo: 15 * time.Minute}
		const n = 30
		var reservadas, rechazadas atomic.Int64
		enParalelo(n, func(i int) {
			err := s.ReservarIntento(ctx, clave, p)
			if models.CodigoDe(err) == models.CodigoDemasiadasSolicitudes {
				rechazadas.Add(1)
				return
			} else if err != nil {
				t.Error(err)
				return
			}
			reservadas.Add(1)
			if _, err := s.RegistrarFallo(ctx, clave, p, nil, models.EventoLoginFallido, "prueba"); err != nil {
				t.Error(err)
			}
		})
		if reservadas.Load() != 5 || rechazadas.Load() != n-5 {
			t.Fatalf("reservadas %d, rechazadas %d; want 5 y %d", reservadas.Load(), rechazadas.Load(), n-5)
		}
		if got := contarAuditoria(t, s, models.EventoCuentaBloqueada); got != 1 {
			t.Fatalf("CUENTA_BLOQUEADA = %d, want 1", got)
		}
		err := s.ReservarIntento(ctx, clave, p)
		if e, ok := err.(*models.Error); !ok || e.Codigo != models.CodigoDemasiadasSolicitudes || e.ReintentarEn != 900 {
			t.Fatalf("tras el bloqueo: %v, want DEMASIADAS_SOLICITUDES con 900 s", err)
		}
	})

	t.Run("reservas liberadas a la vez vuelven todas", func(t *testing.T) {
		t.Parallel()
		s, _ := abrirConReloj(t)
		p := models.PoliticaBloqueo{MaxFallos: 1000, Bloqueo: 15 * time.Minute}
		const n = 40
		enParalelo(n, func(int) {
			if err := s.ReservarIntento(ctx, clave, p); err != nil {
				t.Error(err)
				return
			}
			if err := s.LiberarIntento(ctx, clave); err != nil {
				t.Error(err)
			}
		})
		if b := filaBloqueo(t, s, clave); b.Fallos != 0 {
			t.Fatalf("fallos = %d, want 0", b.Fallos)
		}
	})
}

// modeloBloqueo es la versión de lectura y escritura en Go que las
// sentencias de bloqueos.go reemplazaron: el oráculo de TestBloqueoComoElModelo.
type modeloBloqueo struct {
	p models.PoliticaBloqueo
	b *models.BloqueoLogin // nil: sin fila
}

func (m *modeloBloqueo) reservar(clave string, ahora time.Time) error {
	b := m.b
	if b != nil && b.BloqueadoHasta != nil && b.BloqueadoHasta.After(ahora) {
		return m.p.Rechazo(b, ahora)
	}
	if b == nil || b.UltimoFallo.Add(m.p.Bloqueo).Before(ahora) || (b.BloqueadoHasta != nil && !b.BloqueadoHasta.After(ahora)) {
		b = &models.BloqueoLogin{Clave: clave}
	}
	if b.Fallos >= m.p.MaxFallos {
		return m.p.Rechazo(b, ahora)
	}
	b.Fallos++
	b.UltimoFallo = ahora
	m.b = b
	return nil
}

func (m *modeloBloqueo) fallar(clave string, ahora time.Time) (bloquea bool) {
	if m.b == nil {
		m.b = &models.BloqueoLogin{Clave: clave, Fallos: 1, UltimoFallo: ahora}
	}
	bloquea = m.b.Fallos >= m.p.MaxFallos && m.b.BloqueadoHasta == nil
	if bloquea {
		hasta := ahora.Add(m.p.Bloqueo)
		m.b.BloqueadoHasta = &hasta
	}
	return bloquea
}

func (m *modeloBloqueo) liberar() {
	if m.b != nil && m.b.Fallos > 0 {
		m.b.Fallos--
	}
}

// TestBloqueoComoElModelo: secuencias al azar de reservas, fallos,
// liberaciones, éxitos y pasos del reloj dejan la misma fila, los mismos
// errores y los mismos bloqueos que el modelo de lectura y escritura.
func TestBloqueoComoElModelo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const clave = "i:alguien"
	pasos := []time.Duration{0, time.Second, 4 * time.Minute, 15 * time.Minute, 15*time.Minute + time.Second}
	for semilla := range uint64(6) {
		t.Run(fmt.Sprint(semilla), func(t *testing.T) {
			t.Parallel()
			s, reloj := abrirConReloj(t)
			p := models.PoliticaBloqueo{MaxFallos: 1 + int(semilla%3)*2, Bloqueo: 15 * time.Minute}
			m := &modeloBloqueo{p: p}
			rnd := rand.New(rand.NewPCG(semilla, 9))
			bloqueos := int64(0)
			for i := range 300 {
				ahora := reloj.now()
				var op string
				switch rnd.IntN(6) {
				case 0, 1:
					op = "reservar"
					got, want := s.ReservarIntento(ctx, clave, p), m.reservar(clave, ahora)
					if fmt.Sprint(got) != fmt.Sprint(want) || reintentar(got) != reintentar(want) {
						t.Fatalf("paso %d reservar: %v, want %v", i, got, want)
					}
				case 2:
					op = "fallar"
					if _, err := s.RegistrarFallo(ctx, clave, p, nil, models.EventoLoginFallido, "prueba"); err != nil {
						t.Fatal(err)
					}
					if m.fallar(clave, ahora) {
						bloqueos++
					}
				case 3:
					op = "liberar"
					if err := s.LiberarIntento(ctx, clave); err != nil {
						t.Fatal(err)
					}
					m.liberar()
				case 4:
					op = "éxito"
					if err := s.escribir(ctx, func(tx *gorm.DB) error {
						return tx.Where("clave = ?", clave).Delete(&models.BloqueoLogin{}).Error
					}); err != nil {
						t.Fatal(err)
					}
					m.b = nil
				case 5:
					op = "reloj"
					reloj.avanzar(pasos[rnd.IntN(len(pasos))])
				}
				var want models.BloqueoLogin
				if m.b != nil {
					want = *m.b
				}
				if got := filaBloqueo(t, s, clave); !igualBloqueo(got, want) {
					t.Fatalf("paso %d (%s): fila %s, want %s", i, op, verBloqueo(got), verBloqueo(want))
				}
				if got := contarAuditoria(t, s, models.EventoCuentaBloqueada); got != bloqueos {
					t.Fatalf("paso %d (%s): CUENTA_BLOQUEADA = %d, want %d", i, op, got, bloqueos)
				}
			}
		})
	}
}

func reintentar(err error) int {
	if e, ok := err.(*models.Error); ok {
		return e.ReintentarEn
	}
	return -1
}

func igualBloqueo(a, b models.BloqueoLogin) bool {
	return verBloqueo(a) == verBloqueo(b)
}

func verBloqueo(b models.BloqueoLogin) string {
	if b.Clave == "" {
		return "(sin fila)"
	}
	hasta := "nil"
	if b.BloqueadoHasta != nil {
		hasta = b.BloqueadoHasta.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("{%s fallos=%d último=%s hasta=%s}", b.Clave, b.Fallos, b.UltimoFallo.UTC().Format(time.RFC3339Nano), hasta)
}
