package webhooks

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"solicitud-transporte/models"
)

// Arrancar pone en marcha la entrega de fondo hasta Detener: despacha los
// eventos nuevos y reparte los envíos vencidos entre los trabajadores cada
// Sondeo, o antes si alguien llama a Despertar.
func (s *Servicio) Arrancar() {
	ctx, cancelar := context.WithCancel(context.Background())
	s.detener = cancelar
	s.vivos.Add(1)
	go func() {
		defer s.vivos.Done()
		t := time.NewTicker(s.sondeo)
		defer t.Stop()
		for {
			s.pasada(ctx, nil)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-s.aviso:
				// Bajo carga cada escritura despierta la entrega: juntar
				// las de un momento en una pasada ahorra dos consultas por
				// escritura (sin webhooks, dos lecturas que no hallan nada).
				select {
				case <-ctx.Done():
					return
				case <-time.After(juntarAvisos):
				}
			}
		}
	}()
}

// juntarAvisos es lo que la entrega espera tras un aviso antes de su
// pasada, para atender de una vez los que llegan juntos.
const juntarAvisos = 50 * time.Millisecond

// Detener para la entrega de fondo y espera a los intentos en curso (como
// mucho Plazo). Un intento cortado no se anota: su arriendo vence y se
// repite, como tras un kill -9.
func (s *Servicio) Detener() {
	if s.detener == nil {
		return
	}
	s.detener()
	s.vivos.Wait()
}

// Despertar pide una pasada ya (tras confirmar un evento en esta
// instancia, o al liberarse un trabajador). No bloquea.
func (s *Servicio) Despertar() {
	select {
	case s.aviso <- struct{}{}:
	default:
	}
}

// UnaPasada despacha los eventos nuevos, reclama los envíos vencidos que
// caben en los trabajadores libres y espera a que terminen. Devuelve
// cuántos intentó. Es la pasada de fondo hecha a mano: las pruebas la usan
// con el reloj inyectado.
func (s *Servicio) UnaPasada(ctx context.Context) (int, error) {
	var wg sync.WaitGroup
	n, err := s.pasada(ctx, &wg)
	wg.Wait()
	return n, err
}

// pasada es una vuelta del ciclo; con wg, quien llama espera a los
// intentos lanzados.
func (s *Servicio) pasada(ctx context.Context, wg *sync.WaitGroup) (int, error) {
	cuerpo := func(e *models.Evento) ([]byte, error) { return models.CuerpoEvento(e, s.loc) }
	if _, err := s.almacen.DespacharEventos(ctx, cuerpo); err != nil {
		if ctx.Err() == nil {
			s.log.Warn("webhooks: no se pudieron despachar eventos", slog.String("error", err.Error()))
		}
		return 0, err
	}
	libres := cap(s.libres) - len(s.libres)
	ahora := s.now()
	envios, err := s.almacen.ReclamarEnvios(ctx, ahora, ahora.Add(s.arriendo), libres)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("webhooks: no se pudieron reclamar envíos", slog.String("error", err.Error()))
		}
		return 0, err
	}
	for i := range envios {
		s.libres <- struct{}{}
		s.vivos.Add(1)
		if wg != nil {
			wg.Add(1)
		}
		go func(e models.EnvioWebhook) {
			defer func() {
				<-s.libres
				s.vivos.Done()
				if wg != nil {
					wg.Done()
				}
				s.Despertar()
			}()
			s.intentar(ctx, &e)
		}(envios[i])
	}
	return len(envios), nil
}

// intentar hace el intento de un envío reclamado y anota su resultado:
// entregado o fallido sale de la cola; si no, se reprograma.
func (s *Servicio) intentar(ctx context.Context, e *models.EnvioWebhook) {
	secreto, err := s.cifrado.Abrir(e.WebhookID, e.SecretoCifrado)
	var r resultadoIntento
	if err != nil {
		r = resultadoIntento{err: "no se pudo abrir el secreto del webhook"}
		s.log.Error("webhooks: secreto ilegible", slog.Uint64("webhook", uint64(e.WebhookID)), slog.String("error", err.Error()))
	} else {
		r = s.enviar(ctx, mensaje{url: e.URL, secreto: secreto, id: idMensaje(e.EventoID), cuerpo: []byte(e.Cuerpo)})
	}
	if ctx.Err() != nil {
		return // detenido: el arriendo vence y otro lo repite (ver Detener)
	}
	ahora := s.now()
	primero := ahora
	if e.PrimerIntentoEn != nil {
		primero = *e.PrimerIntentoEn
	}
	var siguiente *time.Time
	siFalla := models.ResultadoFallida
	if t, ok := siguienteIntento(e.Intento, primero, ahora); ok {
		siguiente, siFalla = &t, models.ResultadoReintento
	}
	ev := e.EventoID
	entrega := s.entrega(e.WebhookID, &ev, e.Intento, r, siFalla)
	if r.ok {
		siguiente = nil
	}
	if err := s.almacen.CerrarEnvio(context.WithoutCancel(ctx), e, entrega, siguiente); err != nil {
		s.log.Warn("webhooks: no se pudo anotar un intento (se repetirá al vencer el arriendo)",
			slog.Uint64("webhook", uint64(e.WebhookID)), slog.Uint64("evento", e.EventoID), slog.String("error", err.Error()))
		return
	}
	s.log.Info("webhook", slog.Uint64("webhook", uint64(e.WebhookID)), slog.Uint64("evento", e.EventoID),
		slog.Int("intento", e.Intento), slog.String("resultado", string(entrega.Resultado)))
}

// idMensaje es el webhook-id de un evento: su id, igual en cada reintento.
func idMensaje(eventoID uint64) string { return strconv.FormatUint(eventoID, 10) }
