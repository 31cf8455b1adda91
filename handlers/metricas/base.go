package metricas

import (
	"github.com/prometheus/client_golang/prometheus"

	"solicitud-transporte/models/store"
)

// FuenteBase es lo que el colector de la base lee del store en cada lectura
// de /metrics. La implementa *store.Store.
type FuenteBase interface {
	Pools() []store.EstadisticasPool
	EscritoresDescartados() int64
}

// ObservarBase registra el colector del uso de los pools de f.
func (m *Metricas) ObservarBase(f FuenteBase) {
	m.registro.MustRegister(nuevoColectorBase(f))
}

// colectorBase traduce las estadísticas de database/sql de cada pool a
// métricas en el momento de la lectura: no guarda estado propio.
type colectorBase struct {
	f                                                  FuenteBase
	enUso, libres, maximas, esperas, espera, descartes *prometheus.Desc
}

func nuevoColectorBase(f FuenteBase) *colectorBase {
	desc := func(nombre, ayuda string, etiquetas ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(espacio, "db", nombre), ayuda, etiquetas, nil)
	}
	return &colectorBase{
		f:         f,
		enUso:     desc("conexiones_en_uso", "Conexiones de la base en uso, por pool (escritura, lectura).", "pool"),
		libres:    desc("conexiones_libres", "Conexiones de la base abiertas y libres, por pool.", "pool"),
		maximas:   desc("conexiones_maximas", "Máximo de conexiones abiertas del pool.", "pool"),
		esperas:   desc("esperas_total", "Veces que se esperó una conexión del pool porque no había libre.", "pool"),
		espera:    desc("espera_segundos_total", "Tiempo total esperando una conexión del pool, en segundos.", "pool"),
		descartes: desc("escritores_descartados_total", "Conexiones de escritura cerradas tras un fallo de la conexión."),
	}
}

func (c *colectorBase) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.enUso, c.libres, c.maximas, c.esperas, c.espera, c.descartes} {
		ch <- d
	}
}

func (c *colectorBase) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.f.Pools() {
		ch <- prometheus.MustNewConstMetric(c.enUso, prometheus.GaugeValue, float64(p.InUse), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.libres, prometheus.GaugeValue, float64(p.Idle), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.maximas, prometheus.GaugeValue, float64(p.MaxOpenConnections), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.esperas, prometheus.CounterValue, float64(p.WaitCount), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.espera, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Pool)
	}
	ch <- prometheus.MustNewConstMetric(c.descartes, prometheus.CounterValue, float64(c.f.EscritoresDescartados()))
}
