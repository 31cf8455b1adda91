package tests

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// BenchmarkEventosFanout500 mide el reparto de un evento a 500 flujos de
// GET /eventos abiertos por HTTP real: cada vuelta es el tiempo desde que
// se confirma una solicitud nueva (en el store, sin pasar por HTTP) hasta
// que el último de los 500 clientes leyó su mensaje. No corre con go test
// normal:
//
//	go test ./tests -run '^$' -bench BenchmarkEventosFanout500 -benchtime 200x
func BenchmarkEventosFanout500(b *testing.B) {
	const suscriptores = 500
	env := nuevoEntorno(b)
	base := env.servidorHTTP(nil)
	token := env.loginAdmin().AccessToken
	sol := env.loginComo("bench_sol", models.RolSolicitante)
	ctx := context.Background()
	actor, err := env.auth.Autenticar(ctx, sol.AccessToken)
	if err != nil {
		b.Fatal(err)
	}

	var recibidos sync.WaitGroup
	cliente := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: suscriptores}}
	for range suscriptores {
		req, _ := http.NewRequest("GET", base+"/eventos", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := cliente.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("suscribir: %v %v", err, resp)
		}
		b.Cleanup(func() { resp.Body.Close() })
		go func() {
			r := bufio.NewReader(resp.Body)
			for {
				linea, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if strings.HasPrefix(linea, "data: ") {
					recibidos.Done()
				}
			}
		}()
	}
	for env.app.Eventos.Suscriptores() < suscriptores {
		time.Sleep(time.Millisecond)
	}
	salida := env.reloj.Now().Add(48 * time.Hour)
	nueva := models.NuevaSolicitud{Origen: "Oficina central", Destino: "Juzgado de Santa Ana", FechaSalida: &salida,
		Motivo: "Audiencia programada", Pasajeros: ptrDe(2)}

	b.ResetTimer()
	for range b.N {
		recibidos.Add(suscriptores)
		if _, err := env.store.CrearSolicitud(ctx, actor, nueva); err != nil {
			b.Fatal(err)
		}
		recibidos.Wait()
	}
}
