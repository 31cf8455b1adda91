// Package metricas expone las métricas de Prometheus del servicio (API.md
// §10, METRICS_ADDR): peticiones HTTP por plantilla de ruta, método y estado
// con su latencia; fallos de autenticación por motivo y bloqueos de cuentas
// (como models.Observador); y el uso de los pools de la base, leído del store
// en cada lectura de /metrics.
//
// Cada aplicación tiene su propio prometheus.Registry (nunca el global): las
// pruebas arman muchas en un proceso. Ninguna etiqueta lleva usuarios, IP,
// tokens ni la URL cruda: solo conjuntos cerrados y pequeños.
//
// Importa echo, prometheus, models y models/store (el tipo de las
// estadísticas de los pools).
package metricas

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"solicitud-transporte/models"
)

// espacio es el prefijo de todas las métricas propias.
const espacio = "solicitud_transporte"

// RutaDesconocida es la etiqueta ruta de las peticiones que no coinciden con
// ninguna ruta: la URL cruda nunca es una etiqueta.
const RutaDesconocida = "desconocida"

// Metricas es el registro de una aplicación y los instrumentos que alimenta.
// Implementa models.Observador.
type Metricas struct {
	registro   *prometheus.Registry
	peticiones *prometheus.CounterVec
	duracion   *prometheus.HistogramVec
	fallos     *prometheus.CounterVec
	bloqueos   prometheus.Counter
	// entregas cuenta los intentos de webhooks (ver ObservarWebhooks).
	entregas *prometheus.CounterVec
}

var _ models.Observador = (*Metricas)(nil)

// Nuevas crea un registro propio con las métricas HTTP y de autenticación y
// los colectores de Go y del proceso.
func Nuevas() *Metricas {
	m := &Metricas{
		registro: prometheus.NewRegistry(),
		peticiones: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: espacio, Subsystem: "http", Name: "peticiones_total",
			Help: "Peticiones HTTP atendidas, por plantilla de ruta, método y estado.",
		}, []string{"ruta", "metodo", "estado"}),
		duracion: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: espacio, Subsystem: "http", Name: "duracion_segundos",
			Help: "Duración de las peticiones HTTP en segundos, por plantilla de ruta, método y estado.",
			// De 1 ms a 10 s: una lectura servida de memoria, un login con
			// bcrypt, una espera por la base hasta DB_TIMEOUT.
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"ruta", "metodo", "estado"}),
		fallos: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: espacio, Subsystem: "login", Name: "fallos_total",
			Help: "Intentos de autenticación fallidos por motivo: credenciales, mfa (código MFA inválido en cualquier operación), bloqueada (rechazado por bloqueo), inactiva (cuenta desactivada).",
		}, []string{"motivo"}),
		bloqueos: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: espacio, Subsystem: "login", Name: "bloqueos_total",
			Help: "Identidades bloqueadas por LOGIN_MAX_FAILED_ATTEMPTS fallos (eventos CUENTA_BLOQUEADA).",
		}),
	}
	for _, motivo := range models.MotivosFallo {
		m.fallos.WithLabelValues(string(motivo)) // cada motivo existe desde cero
	}
	m.registro.MustRegister(m.peticiones, m.duracion, m.fallos, m.bloqueos,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registro es el registro de esta aplicación (para leerlo en las pruebas).
func (m *Metricas) Registro() *prometheus.Registry { return m.registro }

// Handler sirve el registro en el formato de Prometheus (GET /metrics).
func (m *Metricas) Handler() http.Handler {
	return promhttp.HandlerFor(m.registro, promhttp.HandlerOpts{Registry: m.registro})
}

// Servir devuelve un mux con /metrics, para el servidor de METRICS_ADDR.
func (m *Metricas) Servir() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

// LoginFallido cuenta un intento fallido (models.Observador).
func (m *Metricas) LoginFallido(motivo models.MotivoFallo) {
	m.fallos.WithLabelValues(string(motivo)).Inc()
}

// CuentaBloqueada cuenta un bloqueo (models.Observador).
func (m *Metricas) CuentaBloqueada() { m.bloqueos.Inc() }
