package tests

import (
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"solicitud-transporte/config"
	"solicitud-transporte/models"
	"solicitud-transporte/models/store/storetest"
)

// proxyTCP está entre la aplicación y PostgreSQL para simular una caída de
// la red o de la base sin tocar el servidor que comparten las demás
// pruebas: cortar cierra las conexiones abiertas y deja las nuevas
// aceptadas pero mudas (como un host que no contesta); restaurar vuelve a
// reenviar.
type proxyTCP struct {
	l       net.Listener
	destino string
	mu      sync.Mutex
	cortado bool
	conns   map[net.Conn]struct{}
}

func nuevoProxy(t testing.TB, destino string) *proxyTCP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxyTCP{l: l, destino: destino, conns: map[net.Conn]struct{}{}}
	go p.aceptar()
	t.Cleanup(func() {
		l.Close()
		p.cerrarTodas()
	})
	return p
}

func (p *proxyTCP) aceptar() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = struct{}{}
		cortado := p.cortado
		p.mu.Unlock()
		if cortado {
			continue // muda hasta restaurar
		}
		go p.reenviar(c)
	}
}

func (p *proxyTCP) reenviar(c net.Conn) {
	d, err := net.DialTimeout("tcp", p.destino, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[d] = struct{}{}
	p.mu.Unlock()
	go func() { io.Copy(d, c); d.Close(); c.Close() }()
	io.Copy(c, d)
	c.Close()
	d.Close()
}

func (p *proxyTCP) cerrarTodas() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *proxyTCP) cortar() {
	p.mu.Lock()
	p.cortado = true
	p.mu.Unlock()
	p.cerrarTodas()
}

func (p *proxyTCP) restaurar() {
	p.mu.Lock()
	p.cortado = false
	p.mu.Unlock()
	p.cerrarTodas() // las mudas: sus clientes reconectan
}

// TestCaidaDePostgres (API.md §10): con la base cortada bajo carga, las
// peticiones que la necesitan contestan 503 SERVICIO_NO_DISPONIBLE dentro
// de DB_TIMEOUT (nunca 500 ni una espera sin fin) y /salud 503; con la base
// de vuelta, el mismo proceso atiende otra vez en segundos, escrituras
// incluidas. Solo con TEST_DATABASE_URL: corta un proxy propio, no el
// servidor que comparten las demás pruebas.
func TestCaidaDePostgres(t *testing.T) {
	if storetest.URLPostgres() == "" {
		t.Skip("solo PostgreSQL: defina TEST_DATABASE_URL")
	}
	t.Parallel()
	const plazo = time.Second
	var p *proxyTCP
	env := nuevoEntorno(t, func(c *config.Config) {
		u, err := url.Parse(c.DBDSN)
		if err != nil {
			t.Fatal(err)
		}
		p = nuevoProxy(t, u.Host)
		u.Host = p.l.Addr().String()
		c.DBDSN, c.DBTimeout, c.DBMaxConns = u.String(), plazo, 5
	})
	f := env.nuevaFlota("c")
	env.crearUsuario("sol_c", models.RolSolicitante)
	peticiones := []func(i int) peticion{
		func(int) peticion { return peticion{metodo: "GET", ruta: "/solicitud/", token: f.admin} },
		func(i int) peticion {
			return peticion{metodo: "POST", ruta: "/solicitud/", token: f.admin, cuerpo: env.cuerpoSolicitud(1 + i%300)}
		},
		func(int) peticion { return peticion{metodo: "GET", ruta: "/auth/me", token: f.admin} },
		func(int) peticion {
			return peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "sol_c", "password": passPrueba}}
		},
	}

	// Carga continua: cuatro clientes; cada respuesta se anota con su
	// inicio, su duración y si empezó con la base ya cortada.
	type anotada struct {
		status   int
		codigo   string
		duracion time.Duration
		cortada  bool
	}
	var (
		mu           sync.Mutex
		anotadas     []anotada
		cortadaDesde atomic.Int64 // UnixNano; 0 = la base responde
		parar        = make(chan struct{})
		wg           sync.WaitGroup
	)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; ; i += 4 {
				select {
				case <-parar:
					return
				default:
				}
				inicio := time.Now()
				desde := cortadaDesde.Load()
				r := env.hacer(peticiones[i%len(peticiones)](i))
				mu.Lock()
				anotadas = append(anotadas, anotada{r.status, r.codigo, time.Since(inicio),
					desde != 0 && inicio.UnixNano() > desde+int64(50*time.Millisecond)})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	p.cortar()
	cortadaDesde.Store(time.Now().UnixNano())
	time.Sleep(3 * plazo)
	r := env.hacer(peticion{metodo: "GET", ruta: "/salud"})
	r.esperar(t, 503, "SERVICIO_NO_DISPONIBLE")
	close(parar)
	wg.Wait()

	cortadas := 0
	for _, a := range anotadas {
		if a.status == 500 {
			t.Fatalf("un 500 durante la caída: %+v\n%s", a, env.logsTexto())
		}
		if !a.cortada {
			continue
		}
		cortadas++
		if a.status != 503 || a.codigo != "SERVICIO_NO_DISPONIBLE" {
			t.Fatalf("con la base cortada: %d %s, want 503 SERVICIO_NO_DISPONIBLE", a.status, a.codigo)
		}
		// DB_TIMEOUT más un margen para una máquina cargada (-race).
		if a.duracion > plazo+500*time.Millisecond {
			t.Fatalf("con la base cortada, un 503 tardó %v (DB_TIMEOUT = %v)", a.duracion, plazo)
		}
	}
	if cortadas < 4 {
		t.Fatalf("solo %d peticiones con la base cortada", cortadas)
	}
	t.Logf("%d peticiones en total, %d con la base cortada", len(anotadas), cortadas)

	// De vuelta: el mismo proceso atiende otra vez en pocos segundos.
	p.restaurar()
	limite := time.Now().Add(5 * time.Second)
	for {
		r := env.hacer(peticion{metodo: "GET", ruta: "/salud"})
		if r.status == 200 {
			break
		}
		if time.Now().After(limite) {
			t.Fatalf("/salud sigue en %d 5 s después de restaurar la base: %s", r.status, r.cuerpo)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i := range 20 {
		env.hacer(peticiones[1](i)).esperar(t, 201, "")
		env.hacer(peticiones[0](i)).esperar(t, 200, "")
	}
}
