package metricas

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"solicitud-transporte/models"
)

// FuenteWebhooks es lo que el indicador de la cola lee en cada lectura de
// /metrics. La implementa *store.Store.
type FuenteWebhooks interface {
	EnviosPendientes(ctx context.Context) (int64, error)
}

// ObservarWebhooks registra los intentos de entrega por resultado y el
// indicador de eventos pendientes de entregar (API.md §10, «events
// pending»): los envíos en la cola, de todas las instancias. Después, m
// sirve de webhooks.Observador.
func (m *Metricas) ObservarWebhooks(f FuenteWebhooks) {
	m.entregas = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: espacio, Subsystem: "webhooks", Name: "entregas_total",
		Help: "Intentos de entrega de webhooks hechos por esta instancia, por resultado: entregada, reintento, fallida.",
	}, []string{"resultado"})
	for _, r := range models.ResultadosEntrega {
		m.entregas.WithLabelValues(string(r))
	}
	pendientes := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: espacio, Subsystem: "webhooks", Name: "envios_pendientes",
		Help: "Eventos pendientes de entregar a un webhook (en espera, en curso o por reintentar), en la base compartida.",
	}, func() float64 {
		ctx, cancelar := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancelar()
		n, err := f.EnviosPendientes(ctx)
		if err != nil {
			return -1 // la base no contestó: visible, y no un cero engañoso
		}
		return float64(n)
	})
	m.registro.MustRegister(m.entregas, pendientes)
}

// EntregaWebhook cuenta un intento (webhooks.Observador).
func (m *Metricas) EntregaWebhook(resultado models.ResultadoEntrega) {
	if m.entregas != nil {
		m.entregas.WithLabelValues(string(resultado)).Inc()
	}
}
