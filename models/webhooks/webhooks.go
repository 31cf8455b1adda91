package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"solicitud-transporte/models"
)

// Almacen es la persistencia que necesita el servicio.
type Almacen interface {
	CrearWebhook(ctx context.Context, w *models.Webhook, sellar func(id uint) (string, error)) error
	Webhook(ctx context.Context, id uint) (*models.Webhook, error)
	EditarWebhook(ctx context.Context, id uint, rellenar func(*models.Webhook) error) (*models.Webhook, error)
	DespacharEventos(ctx context.Context, cuerpo func(*models.Evento) ([]byte, error)) (int, error)
	ReclamarEnvios(ctx context.Context, ahora, hasta time.Time, n int) ([]models.EnvioWebhook, error)
	CerrarEnvio(ctx context.Context, envio *models.EnvioWebhook, e *models.EntregaWebhook, siguiente *time.Time) error
	RegistrarEntrega(ctx context.Context, e *models.EntregaWebhook) error
}

// Observador cuenta los intentos por resultado (las métricas).
type Observador interface {
	EntregaWebhook(resultado models.ResultadoEntrega)
}

// Opciones configura New.
type Opciones struct {
	Almacen Almacen
	Cifrado *models.CifradoWebhooks
	// Now es el reloj de la programación de reintentos y de
	// webhook-timestamp; nil usa time.Now.
	Now func() time.Time
	// Ubicacion es TIMEZONE, para la fecha del cuerpo; nil usa UTC.
	Ubicacion *time.Location
	// PermitirRedPrivada es WEBHOOK_PERMITIR_RED_PRIVADA.
	PermitirRedPrivada bool
	// Plazo es lo que un intento espera al receptor; cero usa 10 s.
	Plazo time.Duration
	// Trabajadores es cuántos intentos van a la vez en esta instancia;
	// cero usa 4.
	Trabajadores int
	// Sondeo es cada cuánto Arrancar mira la bandeja de salida y la cola
	// sin que nadie avise (eventos de otras instancias, reintentos
	// vencidos); cero usa 1 s.
	Sondeo time.Duration
	// Resolver resuelve los hosts al validar una URL; nil usa el de net.
	Resolver   Resolver
	Observador Observador
	Log        *slog.Logger
	// UserAgent nombra al servicio en cada entrega.
	UserAgent string
}

// Servicio registra webhooks y entrega sus eventos.
type Servicio struct {
	almacen   Almacen
	cifrado   *models.CifradoWebhooks
	now       func() time.Time
	loc       *time.Location
	permitir  bool
	plazo     time.Duration
	arriendo  time.Duration
	resolver  Resolver
	cliente   *http.Client
	obs       Observador
	log       *slog.Logger
	userAgent string

	// libres tiene un lugar por trabajador: reclamar solo lo que cabe
	// evita tomar envíos (y su arriendo) que nadie va a intentar aún.
	libres  chan struct{}
	aviso   chan struct{}
	sondeo  time.Duration
	detener context.CancelFunc
	vivos   sync.WaitGroup
}

// New arma el servicio; Arrancar pone en marcha la entrega de fondo.
func New(o Opciones) *Servicio {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ubicacion == nil {
		o.Ubicacion = time.UTC
	}
	if o.Plazo <= 0 {
		o.Plazo = 10 * time.Second
	}
	if o.Trabajadores <= 0 {
		o.Trabajadores = 4
	}
	if o.Sondeo <= 0 {
		o.Sondeo = time.Second
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.UserAgent == "" {
		o.UserAgent = "solicitud-transporte-webhooks"
	}
	return &Servicio{almacen: o.Almacen, cifrado: o.Cifrado, now: o.Now, loc: o.Ubicacion, permitir: o.PermitirRedPrivada,
		plazo: o.Plazo, arriendo: o.Plazo + time.Minute, resolver: o.Resolver, cliente: nuevoCliente(o.Plazo, o.PermitirRedPrivada),
		obs: o.Observador, log: o.Log, userAgent: o.UserAgent,
		libres: make(chan struct{}, o.Trabajadores), aviso: make(chan struct{}, 1), sondeo: o.Sondeo}
}

// Arriendo es cuánto tiene un intento reclamado antes de que otro lo
// repita: el plazo del intento y un minuto de margen.
func (s *Servicio) Arriendo() time.Duration { return s.arriendo }

// Crear valida d (la URL también contra la red) y registra el webhook con
// un secreto nuevo, que devuelve: es la única vez que se muestra.
// Errores: VALIDACION.
func (s *Servicio) Crear(ctx context.Context, d models.DatosWebhook) (*models.Webhook, string, error) {
	w := &models.Webhook{}
	if err := d.Rellenar(w, true); err != nil {
		return nil, "", err
	}
	if err := validarURL(ctx, s.resolver, s.permitir, w.URL); err != nil {
		return nil, "", err
	}
	secreto, err := NuevoSecreto()
	if err != nil {
		return nil, "", err
	}
	err = s.almacen.CrearWebhook(ctx, w, func(id uint) (string, error) { return s.cifrado.Sellar(id, secreto) })
	if err != nil {
		return nil, "", err
	}
	return w, secreto, nil
}

// Editar aplica un PATCH. Una URL nueva se valida (y se resuelve) antes de
// abrir la transacción: la red nunca se espera con la base tomada.
// Errores: NO_ENCONTRADO, VALIDACION.
func (s *Servicio) Editar(ctx context.Context, id uint, d models.DatosWebhook) (*models.Webhook, error) {
	if d.URL != nil {
		var tmp models.Webhook
		if err := (models.DatosWebhook{URL: d.URL}).Rellenar(&tmp, false); err != nil {
			return nil, err
		}
		if err := validarURL(ctx, s.resolver, s.permitir, tmp.URL); err != nil {
			return nil, err
		}
	}
	return s.almacen.EditarWebhook(ctx, id, func(w *models.Webhook) error { return d.Rellenar(w, false) })
}

// Probar envía al webhook id un evento ping y espera su resultado (como
// mucho Plazo), que queda en el registro; un ping no se reintenta. El
// resultado de un receptor que falla es fallida, no un error.
// Errores: NO_ENCONTRADO.
func (s *Servicio) Probar(ctx context.Context, id uint) (*models.EntregaWebhook, error) {
	w, err := s.almacen.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	secreto, err := s.cifrado.Abrir(w.ID, w.SecretoCifrado)
	if err != nil {
		return nil, err
	}
	var sufijo [8]byte
	_, _ = rand.Read(sufijo[:])
	ping := pingJSON{Tipo: "ping", Fecha: s.now().In(s.loc).Format(time.RFC3339), WebhookID: w.ID}
	cuerpo, err := json.Marshal(ping)
	if err != nil {
		return nil, err
	}
	r := s.enviar(ctx, mensaje{url: w.URL, secreto: secreto, id: "ping_" + hex.EncodeToString(sufijo[:]), cuerpo: cuerpo})
	e := s.entrega(w.ID, nil, 1, r, models.ResultadoFallida)
	if err := s.almacen.RegistrarEntrega(context.WithoutCancel(ctx), e); err != nil {
		return nil, err
	}
	return e, nil
}

// pingJSON es el cuerpo de un ping de /probar.
type pingJSON struct {
	Tipo      string `json:"tipo"`
	Fecha     string `json:"fecha"`
	WebhookID uint   `json:"webhookId"`
}

// entrega arma la fila del registro de un intento; si falló, su resultado
// es siFalla.
func (s *Servicio) entrega(webhookID uint, eventoID *uint64, intento int, r resultadoIntento, siFalla models.ResultadoEntrega) *models.EntregaWebhook {
	e := &models.EntregaWebhook{WebhookID: webhookID, EventoID: eventoID, Intento: intento, EstadoHTTP: r.estado,
		DuracionMs: r.duracion.Milliseconds(), Fecha: models.AlSegundo(s.now()), Resultado: models.ResultadoEntregada}
	if !r.ok {
		e.Resultado = siFalla
		msg := r.err
		e.Error = &msg
	}
	if s.obs != nil {
		s.obs.EntregaWebhook(e.Resultado)
	}
	return e
}
