package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// claveHEAD marca en el contexto una petición HEAD que se enruta como GET.
const claveHEAD = "peticionHEAD"

// headComoGet hace que HEAD funcione donde funciona GET (API.md §12; Echo no
// lo enruta solo): va en Pre, antes del router, y enruta la petición como
// GET; restaurarHEAD (el primer middleware de Use, ya enrutada) le devuelve
// el método HEAD, así el manejador de errores, el registro y los servidores
// de archivos la ven como HEAD. El cuerpo se descarta; estado y cabeceras
// son los de GET, con Content-Length si el manejador no lo puso.
func headComoGet() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method != http.MethodHead {
				return next(c)
			}
			r.Method = http.MethodGet
			c.Set(claveHEAD, true)
			w := &escritorHEAD{ResponseWriter: c.Response().Writer}
			c.Response().Writer = w
			err := next(c)
			r.Method = http.MethodHead
			if err != nil {
				c.Error(err)
			}
			w.enviar()
			return nil
		}
	}
}

// restaurarHEAD devuelve el método HEAD a la petición ya enrutada.
func restaurarHEAD() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Get(claveHEAD) == true {
				c.Request().Method = http.MethodHead
			}
			return next(c)
		}
	}
}

// escritorHEAD retiene el estado hasta el final para poder poner
// Content-Length (lo que habría medido el cuerpo de GET) y descarta el cuerpo.
type escritorHEAD struct {
	http.ResponseWriter
	status  int
	largo   int
	enviado bool
}

func (w *escritorHEAD) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *escritorHEAD) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.largo += len(p)
	return len(p), nil
}

// Flush envía ya las cabeceras (un manejador que vacía en partes).
func (w *escritorHEAD) Flush() {
	w.enviar()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *escritorHEAD) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// enviar escribe el estado y las cabeceras una sola vez.
func (w *escritorHEAD) enviar() {
	if w.enviado || w.status == 0 {
		return
	}
	w.enviado = true
	h := w.Header()
	if h.Get(echo.HeaderContentLength) == "" && w.largo > 0 {
		h.Set(echo.HeaderContentLength, strconv.Itoa(w.largo))
	}
	w.ResponseWriter.WriteHeader(w.status)
}
