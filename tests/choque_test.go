package tests

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// TestEventosTrasKill9 (API.md §11): nada anunciado que no ocurrió, nada
// ocurrido sin anunciar, también si el proceso muere a mitad de una carga.
// Un servidor en otro proceso recibe creaciones, aprobaciones y
// cancelaciones de varios clientes a la vez; a mitad de camino se mata con
// SIGKILL y se arranca otro sobre la misma base. Entonces, por cada
// solicitud, la secuencia de sus eventos (repetidos desde el principio por
// GET /eventos con Last-Event-ID: 0) debe ser exactamente la de su
// historial, con las versiones 1, 2, 3…; ningún evento nombra una solicitud
// que no existe; y todo lo que un cliente vio confirmado antes del corte
// está en la base.
func TestEventosTrasKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("lanza procesos servidor")
	}
	t.Parallel()
	cfg := configPrueba(t, t.TempDir())
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	h := arrancarHijo(t, cfg)
	admin := loginReal(t, h.base, adminUser, adminPass)
	llamarReal(t, h.base, "POST", "/usuarios/", admin, map[string]any{"username": "carga", "email": "carga@example.org",
		"password": "clave-de-carga-larga", "rol": models.RolSolicitante}, nil, 201)
	sol := loginReal(t, h.base, "carga", "clave-de-carga-larga")

	var mu sync.Mutex
	confirmado := map[uint][]models.Estado{} // lo que cada cliente vio confirmado
	anotar := func(id uint, e models.Estado) {
		mu.Lock()
		confirmado[id] = append(confirmado[id], e)
		mu.Unlock()
	}
	salida := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	ctx, parar := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				st, datos, err := intentar(h.base, "POST", "/solicitud/", sol, map[string]any{"origen": "Oficina central",
					"destino": fmt.Sprintf("Destino %d-%d", w, i), "fechaSalida": salida, "motivo": "Carga", "pasajeros": 1})
				if err != nil || st != 201 {
					return
				}
				var s struct{ ID uint }
				_ = json.Unmarshal(datos, &s)
				anotar(s.ID, models.EstadoPendiente)
				if st, _, err := intentar(h.base, "POST", fmt.Sprintf("/solicitud/%d/aprobar", s.ID), admin, nil); err != nil || st != 200 {
					return
				}
				anotar(s.ID, models.EstadoAprobada)
				if i%2 == 0 {
					if st, _, err := intentar(h.base, "POST", fmt.Sprintf("/solicitud/%d/cancelar", s.ID), sol, map[string]any{"motivo": "ya no"}); err != nil || st != 200 {
						return
					}
					anotar(s.ID, models.EstadoCancelada)
				}
			}
		}()
	}
	// El corte llega con escrituras en vuelo: tras un número de
	// confirmaciones, no tras un tiempo.
	for {
		mu.Lock()
		n := len(confirmado)
		mu.Unlock()
		if n >= 100 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	h.matar()
	parar()
	wg.Wait()

	h = arrancarHijo(t, cfg)
	admin = loginReal(t, h.base, adminUser, adminPass)
	historiales := map[uint][]models.Estado{}
	for pagina := 1; ; pagina++ {
		var lista struct {
			Elementos []struct {
				ID      uint
				Version int
			}
			TotalPaginas int
		}
		llamarReal(t, h.base, "GET", fmt.Sprintf("/solicitud/?porPagina=100&pagina=%d", pagina), admin, nil, &lista, 200)
		for _, s := range lista.Elementos {
			var hs []struct{ EstadoNuevo models.Estado }
			llamarReal(t, h.base, "GET", fmt.Sprintf("/solicitud/%d/historial", s.ID), admin, nil, &hs, 200)
			for _, x := range hs {
				historiales[s.ID] = append(historiales[s.ID], x.EstadoNuevo)
			}
			if len(hs) != s.Version {
				t.Errorf("solicitud %d: version %d con %d entradas de historial", s.ID, s.Version, len(hs))
			}
		}
		if pagina >= lista.TotalPaginas {
			break
		}
	}
	for id, vistos := range confirmado {
		if h := historiales[id]; len(h) < len(vistos) {
			t.Errorf("solicitud %d: el cliente vio confirmado %v y la base tiene %v", id, vistos, h)
		}
	}

	eventos := leerEventos(t, h.base, admin, "0")
	porSolicitud := map[uint][]eventoSSE{}
	var ultimo uint64
	for _, e := range eventos {
		if e.ID <= ultimo {
			t.Fatalf("ids de evento no crecen: %d tras %d", e.ID, ultimo)
		}
		ultimo = e.ID
		if _, ok := historiales[e.Solicitud.ID]; !ok {
			t.Errorf("evento %d de una solicitud que no existe (%d)", e.ID, e.Solicitud.ID)
		}
		porSolicitud[e.Solicitud.ID] = append(porSolicitud[e.Solicitud.ID], e)
	}
	tipoDe := map[models.Estado]models.TipoEvento{models.EstadoPendiente: models.EventoCreada,
		models.EstadoAprobada: models.EventoAprobada, models.EstadoCancelada: models.EventoCancelada}
	for id, hs := range historiales {
		ev := porSolicitud[id]
		if len(ev) != len(hs) {
			t.Errorf("solicitud %d: historial %v y %d eventos", id, hs, len(ev))
			continue
		}
		for i, estado := range hs {
			if e := ev[i]; e.Solicitud.Estado != estado || e.Tipo != tipoDe[estado] || e.Solicitud.Version != i+1 || e.Evento != string(e.Tipo) {
				t.Errorf("solicitud %d, cambio %d: evento %+v, historial %s", id, i+1, e, estado)
			}
		}
	}
	t.Logf("%d solicitudes confirmadas antes del corte, %d en la base, %d eventos", len(confirmado), len(historiales), len(eventos))
	if len(historiales) < 100 {
		t.Fatalf("solo %d solicitudes en la base", len(historiales))
	}
}

// eventoSSE es un evento leído del flujo de /eventos.
type eventoSSE struct {
	ID        uint64            `json:"id"`
	Tipo      models.TipoEvento `json:"tipo"`
	Solicitud struct {
		ID      uint          `json:"id"`
		Codigo  string        `json:"codigo"`
		Estado  models.Estado `json:"estado"`
		Version int           `json:"version"`
	} `json:"solicitud"`
	// Evento y Linea son las líneas event: e id: del marco (deben ser el
	// tipo y el id del JSON).
	Evento string `json:"-"`
	Linea  uint64 `json:"-"`
}

// leerEventos lee de GET /eventos (con Last-Event-ID desde) todos los
// eventos hasta que el flujo calla un segundo.
func leerEventos(t *testing.T, base, token, desde string) []eventoSSE {
	t.Helper()
	ctx, cancelar := context.WithCancel(context.Background())
	defer cancelar()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/eventos", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Last-Event-ID", desde)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET /eventos: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	marcos := make(chan eventoSSE)
	go func() {
		defer close(marcos)
		var e eventoSSE
		lector := bufio.NewScanner(res.Body)
		lector.Buffer(make([]byte, 64<<10), 1<<20)
		for lector.Scan() {
			linea := lector.Text()
			switch {
			case linea == "":
				if e.Evento != "" {
					select {
					case marcos <- e:
					case <-ctx.Done():
						return
					}
				}
				e = eventoSSE{}
			case strings.HasPrefix(linea, "event: "):
				e.Evento = strings.TrimPrefix(linea, "event: ")
			case strings.HasPrefix(linea, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(linea, "data: ")), &e); err != nil {
					t.Errorf("data ilegible: %q", linea)
				}
			case strings.HasPrefix(linea, "id: "):
				id, err := strconv.ParseUint(strings.TrimPrefix(linea, "id: "), 10, 64)
				if err != nil {
					t.Errorf("id ilegible: %q", linea)
				}
				e.Linea = id
			}
		}
	}()
	var out []eventoSSE
	for {
		select {
		case e, ok := <-marcos:
			if !ok {
				return out
			}
			if e.Evento == "reinicio" {
				t.Fatal("el flujo empezó con reinicio: no repitió los eventos")
			}
			if e.Linea != e.ID {
				t.Errorf("marco con id: %d y datos de %d", e.Linea, e.ID)
			}
			out = append(out, e)
		case <-time.After(time.Second):
			return out
		}
	}
}

// loginReal inicia sesión en un servidor real y devuelve el token de acceso.
func loginReal(t *testing.T, base, usuario, password string) string {
	t.Helper()
	var s struct{ AccessToken string }
	llamarReal(t, base, "POST", "/auth/login", "", map[string]string{"username": usuario, "password": password}, &s, 200)
	return s.AccessToken
}

// llamarReal hace una petición a un servidor real, exige el estado want y
// decodifica datos en dst (si no es nil).
func llamarReal(t *testing.T, base, metodo, ruta, token string, cuerpo any, dst any, want int) {
	t.Helper()
	st, datos, err := intentar(base, metodo, ruta, token, cuerpo)
	if err != nil {
		t.Fatalf("%s %s: %v", metodo, ruta, err)
	}
	if st != want {
		t.Fatalf("%s %s: %d, want %d: %s", metodo, ruta, st, want, datos)
	}
	if dst != nil {
		if err := json.Unmarshal(datos, dst); err != nil {
			t.Fatalf("%s %s: %v", metodo, ruta, err)
		}
	}
}

// intentar hace una petición y devuelve el estado y datos del sobre; err si
// no hubo respuesta (el servidor murió).
func intentar(base, metodo, ruta, token string, cuerpo any) (int, json.RawMessage, error) {
	var body *bytes.Reader
	if cuerpo != nil {
		b, _ := json.Marshal(cuerpo)
		body = bytes.NewReader(b)
	} else {
		body = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(metodo, base+ruta, body)
	if err != nil {
		return 0, nil, err
	}
	if cuerpo != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	cliente := http.Client{Timeout: 30 * time.Second}
	res, err := cliente.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var sobre struct {
		Datos json.RawMessage `json:"datos"`
	}
	var crudo bytes.Buffer
	if _, err := crudo.ReadFrom(res.Body); err != nil {
		return 0, nil, err
	}
	if err := json.Unmarshal(crudo.Bytes(), &sobre); err != nil || sobre.Datos == nil {
		return res.StatusCode, crudo.Bytes(), nil
	}
	return res.StatusCode, sobre.Datos, nil
}
