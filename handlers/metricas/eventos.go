package metricas

import "github.com/prometheus/client_golang/prometheus"

// FuenteEventos es lo que la métrica de GET /eventos lee de la central de
// eventos. La implementa *eventos.Central.
type FuenteEventos interface {
	Suscriptores() int
}

// ObservarEventos registra cuántos flujos de GET /eventos están abiertos,
// leído de f en cada lectura de /metrics.
func (m *Metricas) ObservarEventos(f FuenteEventos) {
	m.registro.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: espacio, Subsystem: "eventos", Name: "suscriptores",
		Help: "Flujos de GET /eventos abiertos en esta instancia.",
	}, func() float64 { return float64(f.Suscriptores()) }))
}
