package tests

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// descarte es un ResponseWriter que cuenta los bytes y los tira: así la
// medida no incluye el búfer de httptest.ResponseRecorder.
type descarte struct {
	h      http.Header
	status int
	n      int64
}

func (d *descarte) Header() http.Header         { return d.h }
func (d *descarte) WriteHeader(s int)           { d.status = s }
func (d *descarte) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }

// BenchmarkExportar mide GET /solicitud/exportar de punta a punta por el
// router con 10.000 y 100.000 solicitudes, en los dos formatos: tiempo, B/op
// y el máximo de heap en uso durante la descarga (heap-max-MB, muestreado
// cada 5 ms). Con memoria plana, B/op crece con las filas (asignaciones
// por fila) pero heap-max-MB casi no. No corre con go test normal:
//
//	go test ./tests -run '^$' -bench BenchmarkExportar -benchtime 3x
func BenchmarkExportar(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		env := nuevoEntorno(b)
		sol := env.crearUsuario("bsol", models.RolSolicitante).ID
		vehiculos, motoristas := flotaGrande(env, 10, 10)
		sembrar(b, env, n, []uint{sol}, vehiculos, motoristas)
		admin := env.loginAdmin().AccessToken
		for _, formato := range []string{"csv", "xlsx"} {
			b.Run(fmt.Sprintf("%s_%d", formato, n), func(b *testing.B) {
				var bytes int64
				pedir := func() {
					req := httptest.NewRequest("GET", "/solicitud/exportar?formato="+formato, nil)
					req.Header.Set("Authorization", "Bearer "+admin)
					w := &descarte{h: http.Header{}}
					env.e.ServeHTTP(w, req)
					if w.status != 200 || w.n == 0 {
						b.Fatalf("status %d, %d bytes", w.status, w.n)
					}
					bytes = w.n
				}
				runtime.GC()
				var maximo atomic.Uint64
				fin := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					var ms runtime.MemStats
					for {
						runtime.ReadMemStats(&ms)
						if ms.HeapInuse > maximo.Load() {
							maximo.Store(ms.HeapInuse)
						}
						select {
						case <-fin:
							return
						case <-time.After(5 * time.Millisecond):
						}
					}
				}()
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					pedir()
				}
				b.StopTimer()
				close(fin)
				wg.Wait()
				b.ReportMetric(float64(maximo.Load())/(1<<20), "heap-max-MB")
				b.ReportMetric(float64(bytes)/(1<<20), "archivo-MB")
			})
		}
	}
}
