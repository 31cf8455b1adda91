package models

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook es una URL que recibe por POST los eventos de los tipos a los que
// se suscribe (API.md §11.2). Su secreto se guarda sellado con
// MFA_ENCRYPTION_KEY (CifradoWebhooks) y solo se muestra al crearlo.
type Webhook struct {
	ID             uint           `gorm:"primaryKey"`
	URL            string         `gorm:"column:url;size:2000;not null"`
	Eventos        TiposSuscritos `gorm:"type:text;not null"`
	Descripcion    string         `gorm:"size:500;not null"`
	SecretoCifrado string         `gorm:"not null"`
	Activo         bool           `gorm:"not null"`
	// UltimoEvento es el cursor del webhook en la bandeja de salida: los
	// eventos con id mayor aún no se convirtieron en envíos.
	UltimoEvento  uint64    `gorm:"not null"`
	CreadoEn      time.Time `gorm:"not null"`
	ActualizadoEn time.Time `gorm:"not null"`
}

// TableName fija el nombre de la tabla.
func (Webhook) TableName() string { return "webhooks" }

// Recibe dice si el webhook está suscrito al tipo t.
func (w *Webhook) Recibe(t TipoEvento) bool { return slices.Contains(w.Eventos, t) }

// TiposSuscritos son los tipos de evento de un webhook; se guardan como una
// lista JSON en una columna de texto (igual en los dos motores).
type TiposSuscritos []TipoEvento

// Value guarda la lista como JSON.
func (t TiposSuscritos) Value() (driver.Value, error) {
	b, err := json.Marshal([]TipoEvento(t))
	return string(b), err
}

// Scan lee la lista guardada por Value.
func (t *TiposSuscritos) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case string:
		b = []byte(x)
	case []byte:
		b = x
	default:
		return errors.New("eventos de webhook: tipo de columna inesperado")
	}
	return json.Unmarshal(b, (*[]TipoEvento)(t))
}

// LargoMaximoURL es el largo máximo de la URL de un webhook.
const LargoMaximoURL = 2000

// DatosWebhook es la entrada de creación y de PATCH (los nil no cambian).
// Nulos son los campos que un PATCH mandó como null: descripcion se borra,
// los demás son obligatorios. La forma de la URL y su dirección las
// comprueba models/webhooks (necesita la red); aquí solo su presencia y
// largo.
type DatosWebhook struct {
	URL         *string
	Eventos     *[]string
	Descripcion *string
	Activo      *bool
	Nulos       []string
}

// Rellenar valida d sobre w (el actual, o uno vacío al crear) y deja en w
// el resultado. Error: VALIDACION nombrando cada campo.
func (d DatosWebhook) Rellenar(w *Webhook, crear bool) error {
	var v Validacion
	for _, campo := range d.Nulos {
		if campo == "descripcion" {
			w.Descripcion = ""
			continue
		}
		v.Agregar(campo, "es obligatorio y no puede ser null")
	}
	if crear && d.URL == nil && !slices.Contains(d.Nulos, "url") {
		v.Agregar("url", "es obligatorio")
	}
	if crear && d.Eventos == nil && !slices.Contains(d.Nulos, "eventos") {
		v.Agregar("eventos", "es obligatorio")
	}
	if d.URL != nil {
		u := strings.TrimSpace(*d.URL)
		switch {
		case u == "":
			v.Agregar("url", "es obligatorio")
		case len(u) > LargoMaximoURL:
			v.Agregar("url", "no puede tener más de 2000 caracteres")
		}
		w.URL = u
	}
	if d.Eventos != nil {
		tipos, msg := tiposDe(*d.Eventos)
		if msg != "" {
			v.Agregar("eventos", msg)
		}
		w.Eventos = tipos
	}
	if d.Descripcion != nil {
		desc := strings.TrimSpace(*d.Descripcion)
		if utf8.RuneCountInString(desc) > 500 {
			v.Agregar("descripcion", "no puede tener más de 500 caracteres")
		}
		w.Descripcion = desc
	}
	if d.Activo != nil {
		w.Activo = *d.Activo
	} else if crear {
		w.Activo = true
	}
	return v.Err()
}

// tiposDe valida una lista de tipos de evento: no vacía, cada uno de
// TiposEvento; los repetidos se quitan y el orden es el del contrato, así
// la lista guardada no depende de cómo la escribió el cliente.
func tiposDe(lista []string) (TiposSuscritos, string) {
	if len(lista) == 0 {
		return nil, "debe incluir al menos un tipo de evento"
	}
	for _, t := range lista {
		if !EsTipoEvento(t) {
			return nil, "tiene un tipo de evento desconocido: " + Recortar(t, 40)
		}
	}
	var out TiposSuscritos
	for _, t := range TiposEvento {
		if slices.Contains(lista, string(t)) {
			out = append(out, t)
		}
	}
	return out, ""
}

// ResultadoEntrega es cómo terminó un intento de entrega.
type ResultadoEntrega string

// Resultados de un intento: entregada (2xx a tiempo), reintento (falló y
// se repetirá), fallida (falló y no se repetirá: pasaron 24 h, o un ping).
const (
	ResultadoEntregada ResultadoEntrega = "entregada"
	ResultadoReintento ResultadoEntrega = "reintento"
	ResultadoFallida   ResultadoEntrega = "fallida"
)

// ResultadosEntrega son todos los resultados (las métricas los crean desde
// cero).
var ResultadosEntrega = []ResultadoEntrega{ResultadoEntregada, ResultadoReintento, ResultadoFallida}

// EntregaWebhook es una fila del registro de intentos de un webhook.
// EventoID nil es un ping de /probar; EstadoHTTP nil, que no hubo
// respuesta (conexión rechazada, tiempo agotado, dirección prohibida).
type EntregaWebhook struct {
	ID         uint64 `gorm:"primaryKey"`
	WebhookID  uint   `gorm:"not null"`
	EventoID   *uint64
	Intento    int `gorm:"not null"`
	EstadoHTTP *int
	DuracionMs int64 `gorm:"not null"`
	Error      *string
	Fecha      time.Time        `gorm:"not null"`
	Resultado  ResultadoEntrega `gorm:"size:20;not null"`
}

// TableName fija el nombre de la tabla.
func (EntregaWebhook) TableName() string { return "webhook_entregas" }

// EnvioWebhook es un evento pendiente de entregar a un webhook: una fila de
// la cola. Intento cuenta los intentos ya empezados (también el que está en
// curso); ProximoEn es la hora del siguiente, o el fin del arriendo del que
// está en curso.
type EnvioWebhook struct {
	ID              uint64    `gorm:"primaryKey"`
	WebhookID       uint      `gorm:"not null"`
	EventoID        uint64    `gorm:"not null"`
	Cuerpo          string    `gorm:"not null"`
	Intento         int       `gorm:"not null"`
	ProximoEn       time.Time `gorm:"not null"`
	PrimerIntentoEn *time.Time

	// URL y SecretoCifrado son los del webhook al reclamar el envío (los
	// llena el store): se entrega a la URL vigente.
	URL            string `gorm:"-"`
	SecretoCifrado string `gorm:"-"`
}

// TableName fija el nombre de la tabla.
func (EnvioWebhook) TableName() string { return "webhook_envios" }
