package eventos

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"solicitud-transporte/models"
)

// Fuente es lo que la central necesita de la base. La implementa
// *store.Store.
type Fuente interface {
	EventosDesde(ctx context.Context, desde uint64, limite int) ([]models.Evento, error)
	Marcas(ctx context.Context) (models.MarcasEventos, error)
	EstadoSuscriptores(ctx context.Context, ids []uint, claves []string) (models.EstadoSuscriptores, error)
}

// Opciones ajustan la central; los ceros toman los valores por defecto.
type Opciones struct {
	// Sondeo es cada cuánto se lee la tabla (500 ms): lo que tarda como
	// mucho un evento de otra instancia, más la entrega.
	Sondeo time.Duration
	// Revision es cada cuánto se relee el estado de los suscriptores sin
	// eventos (1 s): lo que tarda en cerrarse el flujo de una sesión
	// revocada en otra instancia, o el de un token que expiró.
	Revision time.Duration
	// Anillo es cuántos eventos recientes se guardan en memoria (4096).
	Anillo int
	// Now es el reloj con que se comparan las expiraciones de los tokens.
	Now func() time.Time
	Log *slog.Logger
}

// lote es cuántos eventos se piden al store de una vez.
const lote = 500

// Central reparte los eventos de la bandeja de salida a los suscriptores de
// esta instancia. Start la pone en marcha y Stop la detiene.
type Central struct {
	f   Fuente
	o   Opciones
	log *slog.Logger

	despertar chan struct{}
	revisar   chan struct{}
	parar     context.CancelFunc
	hecho     chan struct{}
	unaVez    sync.Once

	mu sync.Mutex
	// anillo son los eventos recientes en orden de id: todos los que hay con
	// id en (base, ultimo]. Los ids pueden tener huecos (una secuencia de
	// PostgreSQL no devuelve los de transacciones deshechas), por eso el
	// límite inferior se guarda aparte.
	anillo []models.Evento
	base   uint64
	ultimo uint64
	// aviso se cierra (y se reemplaza) cuando hay eventos nuevos.
	aviso  chan struct{}
	subs   map[*Suscripcion]struct{}
	parada bool
	// iniciada: base y ultimo ya se leyeron de la base (solo la goroutine
	// de la central lo cambia).
	iniciada bool
}

// New crea la central sobre f; no lee nada hasta Start.
func New(f Fuente, o Opciones) *Central {
	if o.Sondeo <= 0 {
		o.Sondeo = 500 * time.Millisecond
	}
	if o.Revision <= 0 {
		o.Revision = time.Second
	}
	if o.Anillo <= 0 {
		o.Anillo = 4096
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Central{f: f, o: o, log: o.Log, despertar: make(chan struct{}, 1), revisar: make(chan struct{}, 1),
		hecho: make(chan struct{}), aviso: make(chan struct{}), subs: map[*Suscripcion]struct{}{}}
}

// Start arranca la goroutine que sondea la bandeja.
func (c *Central) Start(ctx context.Context) {
	ctx, c.parar = context.WithCancel(context.WithoutCancel(ctx))
	c.iniciar(ctx)
	go c.correr(ctx)
}

// iniciar lee hasta dónde llega la bandeja la primera vez que la base
// responde: la central reparte lo que se confirme después (quien quiera lo
// anterior lo pide con Last-Event-ID y lo lee del store). Así no carga en
// memoria la bandeja entera.
func (c *Central) iniciar(ctx context.Context) bool {
	if c.iniciada {
		return true
	}
	m, err := c.f.Marcas(ctx)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("central de eventos: no se pudo leer la bandeja", slog.String("error", err.Error()))
		}
		return false
	}
	c.mu.Lock()
	c.base, c.ultimo, c.iniciada = m.Ultimo, m.Ultimo, true
	c.mu.Unlock()
	return true
}

// Stop detiene la goroutine y termina todas las suscripciones (sus flujos
// se cierran). Se puede llamar más de una vez, y sin Start.
func (c *Central) Stop() {
	c.unaVez.Do(func() {
		if c.parar != nil {
			c.parar()
			<-c.hecho
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.parada = true
		for s := range c.subs {
			s.terminar(FinCierre)
		}
		clear(c.subs)
	})
}

// Despertar pide un sondeo ya: lo llama el store tras confirmar una
// escritura que anunció eventos (store.AlPublicar). No bloquea.
func (c *Central) Despertar() { avisarSinEsperar(c.despertar) }

// Revisar pide releer ya el estado de los suscriptores (por ejemplo tras
// revocar una sesión en esta instancia). No bloquea.
func (c *Central) Revisar() { avisarSinEsperar(c.revisar) }

func avisarSinEsperar(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Suscriptores es cuántos flujos están abiertos ahora (la métrica).
func (c *Central) Suscriptores() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.subs)
}

// correr es la goroutine de la central.
func (c *Central) correr(ctx context.Context) {
	defer close(c.hecho)
	sondeo := time.NewTicker(c.o.Sondeo)
	defer sondeo.Stop()
	revision := time.NewTicker(c.o.Revision)
	defer revision.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-revision.C:
			c.revisarSuscriptores(ctx)
			continue
		case <-c.revisar:
			c.revisarSuscriptores(ctx)
			continue
		case <-c.despertar:
			// Bajo carga cada escritura despierta a la central: juntar
			// las de un momento en una sola lectura ahorra una consulta por
			// escritura y solo retrasa el reparto en ese momento.
			select {
			case <-ctx.Done():
				return
			case <-time.After(juntarAvisos):
			}
		case <-sondeo.C:
		}
		c.sondear(ctx)
	}
}

// juntarAvisos es lo que la central espera tras un aviso de escritura local
// antes de leer la bandeja, para leer de una vez las que llegan juntas.
const juntarAvisos = 10 * time.Millisecond

// sondear lee lo nuevo de la bandeja, de a un lote, y lo reparte. Antes
// del primer reparto revisa a los suscriptores: la visibilidad es la del
// momento de la entrega.
func (c *Central) sondear(ctx context.Context) {
	if !c.iniciar(ctx) {
		return
	}
	revisados := false
	for {
		// Solo esta goroutine cambia c.ultimo: leerlo aquí no necesita c.mu.
		evs, err := c.f.EventosDesde(ctx, c.ultimo, lote)
		if err != nil {
			if ctx.Err() == nil {
				c.log.Warn("central de eventos: no se pudo leer la bandeja", slog.String("error", err.Error()))
			}
			return
		}
		if len(evs) == 0 {
			return
		}
		if !revisados {
			c.revisarSuscriptores(ctx)
			revisados = true
		}
		c.publicar(evs)
		if len(evs) < lote {
			return
		}
	}
}

// publicar añade evs (en orden, posteriores a c.ultimo) al anillo y
// despierta a todos los suscriptores cerrando el canal de aviso.
func (c *Central) publicar(evs []models.Evento) {
	c.mu.Lock()
	c.anillo = append(c.anillo, evs...)
	if exceso := len(c.anillo) - c.o.Anillo; exceso > 0 {
		// Lo que sale del anillo sube la base: quien vaya detrás lee del store.
		c.base = c.anillo[exceso-1].ID
		c.anillo = append(c.anillo[:0:0], c.anillo[exceso:]...)
	}
	c.ultimo = evs[len(evs)-1].ID
	viejo := c.aviso
	c.aviso = make(chan struct{})
	c.mu.Unlock()
	close(viejo)
}
