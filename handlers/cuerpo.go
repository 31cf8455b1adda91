package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// Lectura estricta de cuerpos (API.md §12), la única que usan los
// manejadores: JSON con leerJSON y formularios con leerFormOJSON. Las reglas:
//   - charset declarado distinto de UTF-8: 415;
//   - bytes que no son UTF-8, JSON roto, algo que no sea un objeto, datos
//     tras el objeto, una clave repetida (también con otro escape) o un tipo
//     equivocado: 400 SOLICITUD_MAL_FORMADA;
//   - las claves coinciden exactamente: encoding/json las compara sin
//     distinguir mayúsculas, así que antes de decodificar se quitan las que
//     no son exactamente el nombre JSON de un campo (como toda clave
//     desconocida, se ignoran: {"Username": …} no llena username);
//   - caracteres de control (salvo salto de línea, retorno y tabulador en
//     los textos libres) y de control bidi en un texto: 422 VALIDACION
//     nombrando el campo;
//   - un cuerpo que no llegó a tiempo (ReadTimeout del servidor): 408
//     TIEMPO_AGOTADO; uno que pasa BODY_LIMIT: 413.

// textosLibres son los campos de texto libre, donde se admiten saltos de
// línea y tabuladores.
var textosLibres = map[string]bool{"motivo": true, "observaciones": true, "comentario": true, "descripcion": true}

// tipoDeContenido devuelve el media type sin parámetros, en minúsculas.
func tipoDeContenido(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

func esJSON(mt string) bool { return mt == "application/json" || strings.HasSuffix(mt, "+json") }

// charsetUTF8 es 415 si el Content-Type declara un charset que no es UTF-8.
func charsetUTF8(r *http.Request) error {
	_, params, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil {
		return nil // sin media type legible: lo decide quien llama
	}
	cs, ok := params["charset"]
	if !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8") {
		return nil
	}
	return models.Errorf(models.CodigoTipoContenido, "El cuerpo debe ir en UTF-8 (charset=utf-8), no en %q.", models.Recortar(cs, 40))
}

// leerJSON decodifica el cuerpo JSON en dst con las reglas de arriba. Un
// cuerpo vacío deja dst como está (la validación dirá qué falta). Otro
// Content-Type es 415.
func leerJSON(c echo.Context, dst any) error {
	r := c.Request()
	if r.ContentLength == 0 {
		return nil
	}
	if !esJSON(tipoDeContenido(r)) {
		return echo.ErrUnsupportedMediaType
	}
	if err := charsetUTF8(r); err != nil {
		return err
	}
	return decodificarJSON(r.Body, dst)
}

// leerFormOJSON acepta JSON o application/x-www-form-urlencoded (login).
// campos asocia cada nombre de campo del formulario con su destino; sus
// valores siguen las mismas reglas de texto que el JSON.
func leerFormOJSON(c echo.Context, dst any, campos map[string]*string) error {
	r := c.Request()
	if r.ContentLength != 0 && tipoDeContenido(r) == "application/x-www-form-urlencoded" {
		if err := leerFormulario(r); err != nil {
			return err
		}
		var v models.Validacion
		for nombre, p := range campos {
			*p = r.PostForm.Get(nombre)
			if !utf8.ValidString(*p) {
				return errMalFormadaDetalle(nil, "El campo "+nombre+" no es texto UTF-8 válido.")
			}
			revisarTexto(&v, nombre, nombre, *p)
		}
		return v.Err()
	}
	return leerJSON(c, dst)
}

// leerFormulario comprueba el charset y analiza el formulario.
func leerFormulario(r *http.Request) error {
	if err := charsetUTF8(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errLectura(err)
	}
	return nil
}

// errLectura clasifica un error al leer el cuerpo: 413 si pasó el límite,
// 408 si no llegó a tiempo, 400 si no se entiende.
func errLectura(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &models.Error{Codigo: models.CodigoTiempoAgotado, Err: err,
			Detalle: "El cuerpo de la petición no llegó a tiempo. Vuelva a enviarla completa."}
	}
	return errMalFormada(err)
}

// decodificarJSON lee todo el cuerpo y lo decodifica en dst (ver
// decodificarBytes).
func decodificarJSON(body io.Reader, dst any) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return errLectura(err)
	}
	return decodificarBytes(b, dst)
}

// decodificarBytes aplica las reglas de arriba a b y lo decodifica en dst
// (un puntero a struct). Solo espacios es un cuerpo vacío: dst no cambia.
//
// Una sola pasada por los tokens revisa la estructura y arma el árbol
// genérico; podar lo recorre. Si la poda no quitó nada, decodificar b
// directamente da lo mismo que volver a codificar el árbol y decodificarlo
// (las claves que quedan son distintas y exactas, así que el orden no
// importa), y es más barato. Si sí quitó algo, si hay un tipo que lee sus
// propios bytes (json.Unmarshaler que no es opcional) o si la decodificación
// directa falla, se hace como antes: con varios errores de tipo, cuál se
// informa depende del orden de las claves, y el de antes es el del árbol
// vuelto a codificar (claves ordenadas).
func decodificarBytes(b []byte, dst any) error {
	if len(bytes.Trim(b, " \t\r\n")) == 0 {
		return nil
	}
	if !utf8.Valid(b) {
		return errMalFormadaDetalle(nil, "El cuerpo no es texto UTF-8 válido.")
	}
	var err error
	var arbol any
	if plano, ok := leerPlano(b); ok {
		arbol = plano
	} else if arbol, err = leerArbol(b); err != nil {
		return err
	}
	var v models.Validacion
	rehacer := false
	arbol = podar(arbol, reflect.TypeOf(dst), "", "", &v, map[string]bool{}, &rehacer)
	if !rehacer && json.Unmarshal(b, dst) == nil {
		return v.Err()
	}
	limpio, err := json.Marshal(arbol)
	if err != nil {
		return errMalFormada(err)
	}
	if err := json.Unmarshal(limpio, dst); err != nil {
		return errMalFormada(err)
	}
	return v.Err()
}

// errMalFormadaDetalle es SOLICITUD_MAL_FORMADA con un detalle propio.
func errMalFormadaDetalle(causa error, detalle string) *models.Error {
	return &models.Error{Codigo: models.CodigoSolicitudMalFormada, Detalle: detalle, Err: causa}
}

// marcoJSON es un objeto o una lista abiertos mientras se recorre el cuerpo.
type marcoJSON struct {
	obj       map[string]any // nil en una lista
	lista     []any
	clave     string // la última clave leída del objeto
	esperaCla bool   // el próximo token es una clave (o el cierre)
}

// leerArbol recorre los tokens de b: JSON bien formado, un solo valor y que
// sea un objeto, y ninguna clave repetida en un mismo objeto (comparadas ya
// sin escapes: "m\u006ftivo" es "motivo"). De paso arma el valor como lo
// daría json.Decoder.Decode en un any con UseNumber.
func leerArbol(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var pila []*marcoJSON
	var raiz any
	completos := 0
	// terminar pone un valor ya completo en su contenedor.
	terminar := func(v any) {
		n := len(pila)
		switch {
		case n == 0:
			raiz = v
			completos++
		case pila[n-1].obj != nil:
			pila[n-1].obj[pila[n-1].clave] = v
			pila[n-1].esperaCla = true
		default:
			pila[n-1].lista = append(pila[n-1].lista, v)
		}
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errMalFormada(err)
		}
		if completos > 0 {
			return nil, errMalFormada(errors.New("datos después del objeto JSON"))
		}
		if len(pila) == 0 && tok != json.Delim('{') {
			return nil, errMalFormadaDetalle(nil, "El cuerpo debe ser un objeto JSON.")
		}
		if n := len(pila); n > 0 && pila[n-1].esperaCla {
			if tok == json.Delim('}') {
				m := pila[n-1].obj
				pila = pila[:n-1]
				terminar(m)
				continue
			}
			clave, _ := tok.(string)
			if _, ok := pila[n-1].obj[clave]; ok {
				return nil, errMalFormadaDetalle(nil, "La clave "+strconvQuote(clave)+" aparece más de una vez en el mismo objeto.")
			}
			// La clave queda reservada ya: así se ve repetida aunque su
			// valor aún no esté.
			pila[n-1].obj[clave] = nil
			pila[n-1].clave = clave
			pila[n-1].esperaCla = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			pila = append(pila, &marcoJSON{obj: map[string]any{}, esperaCla: true})
		case json.Delim('['):
			// Vacía y no nil: Decode da [] y json.Marshal escribe [] (nil
			// sería null).
			pila = append(pila, &marcoJSON{lista: []any{}})
		case json.Delim(']'):
			l := pila[len(pila)-1].lista
			pila = pila[:len(pila)-1]
			terminar(l)
		default:
			terminar(tok)
		}
	}
	if len(pila) > 0 || completos == 0 {
		return nil, errMalFormada(io.ErrUnexpectedEOF)
	}
	return raiz, nil
}

// strconvQuote cita una clave para el detalle, recortada.
func strconvQuote(s string) string {
	b, _ := json.Marshal(models.Recortar(s, 60))
	return string(b)
}

// envoltorioJSON lo implementan los tipos que envuelven otro al
// decodificarse (opcional[T]): la poda sigue por el tipo envuelto.
type envoltorioJSON interface{ tipoEnvuelto() reflect.Type }

var (
	tipoEnvoltorio  = reflect.TypeFor[envoltorioJSON]()
	tipoUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
)

// podar quita de v (decodificado de forma genérica) las claves que no son
// exactamente el nombre JSON de un campo de t, y revisa cada texto que
// queda. ruta es el nombre del campo para los errores ("licencia.numero"; un
// elemento de lista se nombra como la lista) y clave la última clave, que
// dice si es texto libre. t nil no poda (any, mapas de tipo desconocido).
// Pone *rehacer en true si quitó alguna clave o si t lee sus propios bytes
// (json.Unmarshaler): entonces hay que decodificar el árbol podado.
func podar(v any, t reflect.Type, ruta, clave string, val *models.Validacion, vistos map[string]bool, rehacer *bool) any {
	t = tipoBase(t)
	if t != nil && reflect.PointerTo(t).Implements(tipoUnmarshaler) {
		*rehacer = true
	}
	switch x := v.(type) {
	case map[string]any:
		var campos map[string]reflect.Type
		switch {
		case t != nil && t.Kind() == reflect.Struct && !reflect.PointerTo(t).Implements(tipoUnmarshaler):
			campos = camposJSON(t)
		case t != nil && t.Kind() == reflect.Map:
			t = t.Elem()
		default:
			t = nil
		}
		for k, hijo := range x {
			ht := t
			if campos != nil {
				var ok bool
				if ht, ok = campos[k]; !ok {
					delete(x, k)
					*rehacer = true
					continue
				}
			}
			sub := k
			if ruta != "" {
				sub = ruta + "." + k
			}
			x[k] = podar(hijo, ht, sub, k, val, vistos, rehacer)
		}
	case []any:
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := range x {
			x[i] = podar(x[i], et, ruta, clave, val, vistos, rehacer)
		}
	case string:
		if !vistos[ruta] && revisarTexto(val, ruta, clave, x) {
			vistos[ruta] = true
		}
	}
	return v
}

// tipoBase quita punteros y envoltorios.
func tipoBase(t reflect.Type) reflect.Type {
	for t != nil {
		switch {
		case t.Kind() == reflect.Pointer:
			t = t.Elem()
		case reflect.PointerTo(t).Implements(tipoEnvoltorio):
			t = reflect.New(t).Interface().(envoltorioJSON).tipoEnvuelto()
		default:
			return t
		}
	}
	return nil
}

// camposJSON devuelve los nombres JSON exactos de los campos de t (con los
// de structs embebidos sin nombre) y sus tipos.
func camposJSON(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		nombre, _, _ := strings.Cut(tag, ",")
		if nombre == "-" && !strings.Contains(tag, ",") {
			continue
		}
		if f.Anonymous && nombre == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range camposJSON(et) {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if nombre == "" {
			nombre = f.Name
		}
		out[nombre] = f.Type
	}
	return out
}

// revisarTexto anota en v un error de campo si s tiene un carácter de
// control (C0, DEL, C1; en los textos libres se admiten \n, \r y \t) o de
// control bidi (U+202A–U+202E, U+2066–U+2069). Dice si anotó.
func revisarTexto(v *models.Validacion, campo, clave string, s string) bool {
	libre := textosLibres[clave]
	for _, r := range s {
		switch {
		case libre && (r == '\n' || r == '\r' || r == '\t'):
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			v.Agregar(campo, "no puede contener caracteres de control")
			return true
		case (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069):
			v.Agregar(campo, "no puede contener caracteres de control de dirección del texto (bidi)")
			return true
		}
	}
	return false
}
