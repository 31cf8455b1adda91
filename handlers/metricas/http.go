package metricas

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// Medir es el middleware que cuenta y mide cada petición. Va antes (fuera)
// de middleware.Registro: cuando Registro vuelve, el manejador central ya
// presentó el error y el estado de la respuesta es el enviado.
//
// La etiqueta ruta es la plantilla registrada (c.Path(), como
// /solicitud/:id), nunca la URL; una petición que no coincide con ninguna
// ruta registrada es RutaDesconocida. El método fuera de los de HTTP es
// "OTRO": ningún cliente crea series a voluntad.
func (m *Metricas) Medir() echo.MiddlewareFunc {
	var (
		una   sync.Once
		rutas map[string]bool
	)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			inicio := time.Now()
			err := next(c)
			if err != nil {
				// Sin Registro delante (otro armado): el estado todavía no
				// es el enviado; lo presenta el manejador central ahora.
				c.Error(err)
			}
			// Las rutas se leen en la primera petición: al armar el
			// middleware todavía no están registradas.
			una.Do(func() {
				rutas = map[string]bool{}
				for _, r := range c.Echo().Routes() {
					rutas[r.Path] = true
				}
			})
			ruta := c.Path()
			if !rutas[ruta] {
				ruta = RutaDesconocida
			}
			etiquetas := []string{ruta, metodo(c.Request().Method), strconv.Itoa(c.Response().Status)}
			m.peticiones.WithLabelValues(etiquetas...).Inc()
			m.duracion.WithLabelValues(etiquetas...).Observe(time.Since(inicio).Seconds())
			return nil
		}
	}
}

// metodo acota la etiqueta metodo a los métodos de HTTP.
func metodo(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTRO"
}
