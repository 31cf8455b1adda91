package tests

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// plazoEvento es lo que se espera cada evento: §11.1 promete 2 s entre
// instancias; aquí hay margen para una máquina cargada.
const plazoEvento = 5 * time.Second

// TestEventosSSEFormatoYOrden: cabeceras del flujo, forma exacta de cada
// mensaje (id, event, data con el JSON de §11 y la fecha en TIMEZONE) y el
// orden de confirmación.
func TestEventosSSEFormatoYOrden(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	base := env.servidorHTTP(nil)
	f := env.nuevaFlota("f")
	flujoAdmin := abrirFlujo(t, base, f.admin, "")
	if h := flujoAdmin.resp.Header; h.Get("Cache-Control") != "no-store" || h.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("cabeceras = %v", h)
	}

	s := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(2))
	env.accion(f.admin, s.ID, "aprobar", nil).esperar(t, 200, "")

	m := flujoAdmin.siguiente(plazoEvento)
	want := fmt.Sprintf(`{"id":%s,"tipo":"solicitud.creada","fecha":"2026-03-02T09:00:00-06:00","solicitud":{"id":%d,"codigo":"%s","estado":"pendiente","version":1},"actor":{"id":%d,"username":"solicitante_f"}}`,
		m.id, s.ID, s.Codigo, s.Solicitante.ID)
	if m.evento != "solicitud.creada" || m.data != want {
		t.Fatalf("mensaje = %+v\nwant data %s", m, want)
	}
	e := flujoAdmin.siguienteEvento(plazoEvento)
	primero, _ := strconv.ParseUint(m.id, 10, 64)
	if e.Tipo != "solicitud.aprobada" || e.Solicitud.Estado != "aprobada" || e.Solicitud.Version != 2 ||
		e.Actor == nil || e.Actor.Username != adminUser || e.ID <= primero {
		t.Fatalf("segundo evento = %+v (primero %s)", e, m.id)
	}
}

// TestEventosSSEVisibilidad (§5): un solicitante solo recibe los eventos de
// sus solicitudes; un motorista, además, los de los viajes que tiene
// asignados; un aprobador, todos.
func TestEventosSSEVisibilidad(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	base := env.servidorHTTP(nil)
	f := env.nuevaFlota("v")
	otro := env.loginComo("otro_v", models.RolSolicitante).AccessToken
	aprobador := env.loginComo("apro_v", models.RolAprobador).AccessToken
	flujoOtro := abrirFlujo(t, base, otro, "")
	flujoMot := abrirFlujo(t, base, f.motorista.AccessToken, "")
	flujoApro := abrirFlujo(t, base, aprobador, "")

	// Del solicitante de la flota, asignada al motorista y finalizada.
	env.llevarA(t, f, f.solicitante, 2, "finalizada")
	// Una que el motorista no lleva.
	ajena := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(3))
	// Las marcas: una de cada suscriptor, la última que debe recibir.
	propia := env.crearSolicitud(t, otro, env.cuerpoSolicitud(4))
	marcaMot := env.crearSolicitud(t, f.motorista.AccessToken, env.cuerpoSolicitud(5))

	if e := flujoOtro.siguienteEvento(plazoEvento); e.Solicitud.ID != propia.ID || e.Tipo != "solicitud.creada" {
		t.Fatalf("el otro solicitante recibió %+v, want solo la creación de la suya", e)
	}
	var tipos []string
	for {
		e := flujoMot.siguienteEvento(plazoEvento)
		if e.Solicitud.ID == ajena.ID {
			t.Fatalf("el motorista recibió un evento de una solicitud que no lleva: %+v", e)
		}
		if e.Solicitud.ID == marcaMot.ID {
			break
		}
		tipos = append(tipos, e.Tipo)
	}
	// Creada y aprobada se entregan con la visibilidad de ese momento: el
	// motorista ya lleva el viaje cuando la central las reparte, o no.
	if got := strings.Join(tipos, " "); !strings.HasSuffix(got, "solicitud.asignada solicitud.iniciada solicitud.finalizada") {
		t.Fatalf("el motorista recibió %q, want al menos asignada, iniciada y finalizada", got)
	}
	n := 0
	for e := flujoApro.siguienteEvento(plazoEvento); e.Solicitud.ID != marcaMot.ID; e = flujoApro.siguienteEvento(plazoEvento) {
		n++
	}
	if n != 5+1+1 { // las cinco de s, ajena y propia
		t.Fatalf("el aprobador recibió %d eventos antes de la marca, want 7", n)
	}
}

// TestEventosSSECambioDeRol: un aprobador suscrito al que un admin baja a
// solicitante deja de recibir los eventos ajenos sin reconectarse.
func TestEventosSSECambioDeRol(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	base := env.servidorHTTP(nil)
	f := env.nuevaFlota("r")
	apro := env.loginComo("apro_r", models.RolAprobador)
	fl := abrirFlujo(t, base, apro.AccessToken, "")

	antes := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(2))
	if e := fl.siguienteEvento(plazoEvento); e.Solicitud.ID != antes.ID {
		t.Fatalf("evento = %+v, want la solicitud ajena mientras es aprobador", e)
	}
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", apro.User.ID), token: f.admin,
		cuerpo: map[string]any{"rol": "solicitante"}}).esperar(t, 200, "")
	despues := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(3))
	env.accion(f.admin, antes.ID, "aprobar", nil).esperar(t, 200, "")
	marca := env.crearSolicitud(t, apro.AccessToken, env.cuerpoSolicitud(4))
	if e := fl.siguienteEvento(plazoEvento); e.Solicitud.ID != marca.ID {
		t.Fatalf("tras bajar a solicitante recibió %+v (ajena %d), want solo la suya %d", e, despues.ID, marca.ID)
	}
}

// TestEventosSSELastEventID: una reconexión con Last-Event-ID repite lo
// perdido y sigue en vivo sin huecos ni repeticiones, también con
// escrituras concurrentes durante el cambio de repetición a vivo. El anillo
// de la central es de 8 eventos: la repetición sale del store y el paso al
// anillo ocurre con escrituras en curso.
func TestEventosSSELastEventID(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPruebaCon(0, 8))
	base := env.servidorHTTP(nil)
	f := env.nuevaFlota("l")
	primera := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(2))
	ev, err := env.store.EventosDesde(context.Background(), 0, 10)
	if err != nil || len(ev) != 1 {
		t.Fatalf("eventos = %v, %v", ev, err)
	}
	desde := ev[0].ID
	// Perdidos: más que el anillo.
	for i := range 30 {
		cuerpo := map[string]any{"observaciones": fmt.Sprintf("cambio %d", i), "version": i + 1}
		env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/solicitud/%d", primera.ID), token: f.solicitante, cuerpo: cuerpo}).esperar(t, 200, "")
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // escrituras durante la repetición y el paso a vivo
		defer wg.Done()
		for i := range 20 {
			env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(3+i%5))
		}
	}()
	fl := abrirFlujo(t, base, f.admin, strconv.FormatUint(desde, 10))
	wg.Wait()
	marca := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(9))

	todos, err := env.store.EventosDesde(context.Background(), desde, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range todos {
		e := fl.siguienteEvento(plazoEvento)
		if e.ID != w.ID {
			t.Fatalf("evento %d: id %d, want %d (sin huecos ni repeticiones)", i, e.ID, w.ID)
		}
	}
	if last := todos[len(todos)-1]; last.SolicitudID != marca.ID || len(todos) != 30+20+1 {
		t.Fatalf("%d eventos, el último de %d; want 51, el de la marca", len(todos), last.SolicitudID)
	}
}

// TestEventosSSEReinicio: un Last-Event-ID ya purgado, o mayor que el último
// evento, empieza con «reinicio» (con el id actual, para la próxima
// reconexión) y sigue en vivo; uno mal formado es 400 en el sobre.
func TestEventosSSEReinicio(t *testing.T) {
	t.Parallel()
	env := nuevoEntornoCon(t, opcionesEventosPrueba(0))
	base := env.servidorHTTP(nil)
	f := env.nuevaFlota("p")
	for i := range 3 {
		env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(2+i))
	}
	ev, _ := env.store.EventosDesde(context.Background(), 0, 10)
	if _, err := env.store.PurgarEventos(context.Background(), env.reloj.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ultimo := strconv.FormatUint(ev[2].ID, 10)
	for _, desde := range []string{strconv.FormatUint(ev[0].ID, 10), strconv.FormatUint(ev[2].ID+100, 10)} {
		fl := abrirFlujo(t, base, f.admin, desde)
		m := fl.siguiente(plazoEvento)
		if m.evento != "reinicio" || m.id != ultimo || !strings.Contains(m.data, `"mensaje":"`) {
			t.Fatalf("Last-Event-ID %s: primer mensaje %+v, want reinicio con id %s", desde, m, ultimo)
		}
		s := env.crearSolicitud(t, f.solicitante, env.cuerpoSolicitud(6))
		e := fl.siguienteEvento(plazoEvento)
		if e.Solicitud.ID != s.ID {
			t.Fatalf("tras reinicio: %+v, want la nueva", e)
		}
		ultimo = strconv.FormatUint(e.ID, 10)
	}
	// Purgado justo hasta él: todavía se puede seguir.
	fl := abrirFlujo(t, base, f.admin, strconv.FormatUint(ev[2].ID, 10))
	if e := fl.siguienteEvento(plazoEvento); e.ID <= ev[2].ID {
		t.Fatalf("desde el último purgado: %+v", e)
	}
	for _, malo := range []string{"abc", "-1", "01", "1.5", "99999999999999999999999"} {
		env.hacer(peticion{metodo: "GET", ruta: "/eventos", token: f.admin, headers: map[string]string{"Last-Event-ID": malo}}).
			esperar(t, 400, "SOLICITUD_MAL_FORMADA")
	}
	env.hacer(peticion{metodo: "GET", ruta: "/eventos"}).esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
	env.hacer(peticion{metodo: "GET", ruta: "/eventos", token: "x.y.z"}).esperar(t, 401, "TOKEN_INVALIDO")
}
