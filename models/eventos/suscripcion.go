package eventos

import (
	"context"
	"sort"

	"solicitud-transporte/models"
)

// Fin dice por qué terminó una suscripción.
type Fin int

const (
	// FinNinguno: sigue abierta.
	FinNinguno Fin = iota
	// FinTokenExpirado: venció el token de acceso con que se suscribió.
	FinTokenExpirado
	// FinRevocada: la sesión o el token están en la lista negra, la cuenta
	// se desactivó o ya no existe.
	FinRevocada
	// FinCierre: la instancia se apaga.
	FinCierre
)

// Inicio es desde dónde empieza una suscripción.
type Inicio struct {
	// Reinicio: el Last-Event-ID pedido ya no se puede repetir (se purgó, o
	// es mayor que el último evento): el cliente debe recargar sus listas.
	// La suscripción sigue desde ahora, es decir desde Ultimo.
	Reinicio bool
	// Ultimo es el id desde el que se entrega (los eventos con id mayor).
	Ultimo uint64
}

// Suscripcion es un flujo de GET /eventos. Pendientes entrega lo que toca
// ver, Aviso dice cuándo puede haber más y Terminada cuándo hay que cerrar.
// La usa una sola goroutine (la del flujo); la central solo le cambia el
// rol y la termina.
type Suscripcion struct {
	c     *Central
	actor models.Actor
	// ultimo es el id del último evento considerado (entregado o no visible):
	// lo siguiente es id > ultimo, así no hay huecos ni repeticiones entre la
	// repetición desde el store y el anillo.
	ultimo uint64

	// Protegidos por c.mu.
	rol  models.Rol
	fin  Fin
	cerr chan struct{}
}

// Suscribir abre una suscripción para actor. desde nil es «desde ahora»;
// si no, se repite lo que haya después de *desde, salvo que ya no se pueda
// (Inicio.Reinicio). Errores: los de la base (SERVICIO_NO_DISPONIBLE).
func (c *Central) Suscribir(ctx context.Context, actor models.Actor, desde *uint64) (*Suscripcion, Inicio, error) {
	m, err := c.f.Marcas(ctx)
	if err != nil {
		return nil, Inicio{}, err
	}
	in := Inicio{Ultimo: m.Ultimo}
	if desde != nil {
		if *desde < m.PurgadoHasta || *desde > m.Ultimo {
			in.Reinicio = true
		} else {
			in.Ultimo = *desde
		}
	}
	s := &Suscripcion{c: c, actor: actor, ultimo: in.Ultimo, rol: actor.Rol, cerr: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parada {
		s.terminar(FinCierre)
	} else {
		c.subs[s] = struct{}{}
	}
	return s, in, nil
}

// Cancelar quita la suscripción de la central (el cliente se fue o el flujo
// terminó). Se puede llamar más de una vez.
func (s *Suscripcion) Cancelar() {
	s.c.mu.Lock()
	delete(s.c.subs, s)
	s.c.mu.Unlock()
}

// Terminada se cierra cuando la suscripción debe terminar; Motivo dice por qué.
func (s *Suscripcion) Terminada() <-chan struct{} { return s.cerr }

// Motivo es por qué terminó (FinNinguno si sigue abierta).
func (s *Suscripcion) Motivo() Fin {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.fin
}

// terminar cierra la suscripción con el motivo f (la primera vez). Con c.mu.
func (s *Suscripcion) terminar(f Fin) {
	if s.fin == FinNinguno {
		s.fin = f
		close(s.cerr)
	}
}

// Aviso devuelve un canal que se cierra cuando la central recibe eventos
// nuevos. Hay que tomarlo antes de llamar a Pendientes: así un evento que
// llega entre medias despierta igual.
func (s *Suscripcion) Aviso() <-chan struct{} {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.c.aviso
}

// Pendientes devuelve los eventos siguientes que el suscriptor puede ver
// ahora (models.PuedeVerEvento con su rol actual) y avanza su posición.
// Salen del anillo si la posición está dentro de él; si no, del store, de a
// un lote: mas dice entonces que puede haber otro lote ya.
func (s *Suscripcion) Pendientes(ctx context.Context) (evs []models.Evento, mas bool, err error) {
	c := s.c
	c.mu.Lock()
	actor := s.actor
	actor.Rol = s.rol
	if s.fin != FinNinguno {
		c.mu.Unlock()
		return nil, false, nil
	}
	if s.ultimo >= c.base {
		// El anillo está en orden de id: se salta lo ya visto sin recorrerlo
		// (con 500 suscriptores, cada evento no cuesta 500 recorridos).
		desde := sort.Search(len(c.anillo), func(i int) bool { return c.anillo[i].ID > s.ultimo })
		for i := desde; i < len(c.anillo); i++ {
			if e := &c.anillo[i]; models.PuedeVerEvento(&actor, e) {
				evs = append(evs, *e)
			}
		}
		s.ultimo = max(s.ultimo, c.ultimo)
		c.mu.Unlock()
		return evs, false, nil
	}
	hasta := c.ultimo
	c.mu.Unlock()

	// Detrás del anillo: del store, en orden de id. Lo leído puede ir por
	// delante de la central; la posición nunca retrocede.
	leidos, err := c.f.EventosDesde(ctx, s.ultimo, lote)
	if err != nil {
		return nil, false, err
	}
	for i := range leidos {
		if models.PuedeVerEvento(&actor, &leidos[i]) {
			evs = append(evs, leidos[i])
		}
	}
	if len(leidos) > 0 {
		s.ultimo = leidos[len(leidos)-1].ID
	}
	if len(leidos) < lote {
		// La lectura empezó después de tomar hasta: todo lo que la central
		// ya conocía está leído, y desde ahí sirve el anillo.
		s.ultimo = max(s.ultimo, hasta)
	}
	return evs, len(leidos) == lote, nil
}
