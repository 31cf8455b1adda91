package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// respuestaOK es el sobre de éxito de API.md §1: datos siempre presente.
type respuestaOK struct {
	Exito   bool   `json:"exito"`
	Mensaje string `json:"mensaje"`
	Datos   any    `json:"datos"`
}

// responder escribe el sobre de éxito.
func responder(c echo.Context, status int, mensaje string, datos any) error {
	return c.JSON(status, respuestaOK{Exito: true, Mensaje: mensaje, Datos: datos})
}

// tipoDeContenido devuelve el media type sin parámetros, en minúsculas.
func tipoDeContenido(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

func esJSON(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

// leerJSON decodifica el cuerpo JSON en dst. Un cuerpo vacío deja dst como
// está (la validación dirá qué falta). Otro Content-Type es 415; JSON roto,
// tipos equivocados o datos sobrantes, 400; pasar el límite, 413.
func leerJSON(c echo.Context, dst any) error {
	r := c.Request()
	if r.ContentLength == 0 {
		return nil
	}
	if !esJSON(tipoDeContenido(r)) {
		return echo.ErrUnsupportedMediaType
	}
	return decodificarJSON(r.Body, dst)
}

func decodificarJSON(body io.Reader, dst any) error {
	dec := json.NewDecoder(body)
	if err := dec.Decode(dst); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		return malFormada(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return malFormada(err)
		}
		return errMalFormada(errors.New("datos después del objeto JSON"))
	}
	return nil
}

func malFormada(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return errMalFormada(err)
}

// leerFormOJSON acepta JSON o application/x-www-form-urlencoded (login).
// campos asocia cada nombre de campo del formulario con su destino.
func leerFormOJSON(c echo.Context, dst any, campos map[string]*string) error {
	r := c.Request()
	if r.ContentLength != 0 && tipoDeContenido(r) == "application/x-www-form-urlencoded" {
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return err
			}
			return errMalFormada(err)
		}
		for nombre, p := range campos {
			*p = r.PostForm.Get(nombre)
		}
		return nil
	}
	return leerJSON(c, dst)
}

// fecha renderiza un instante en la zona configurada, RFC 3339.
func fecha(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

// fechaPtr es fecha para valores opcionales (nil queda null).
func fechaPtr(t *time.Time, loc *time.Location) *string {
	if t == nil {
		return nil
	}
	s := fecha(*t, loc)
	return &s
}

// actorDe es el actor autenticado de la petición (las rutas protegidas
// siempre lo tienen, lo pone middleware.Autenticar).
func actorDe(c echo.Context) *models.Actor { return models.ActorDe(c.Request().Context()) }
