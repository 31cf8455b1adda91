package handlers

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"solicitud-transporte/models"
)

// Tipos de contenido de la exportación.
const (
	tipoCSV  = "text/csv; charset=utf-8"
	tipoXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// plazoEscrituraExportacion reemplaza, para una descarga, el WriteTimeout
// del servidor: una exportación grande hacia un cliente lento puede tardar
// más que una respuesta normal, pero no para siempre.
const plazoEscrituraExportacion = 15 * time.Minute

// cabeceraExportacion son las columnas de la exportación (§7.4).
var cabeceraExportacion = []string{"Código", "Estado", "Solicitante", "Origen", "Destino", "Salida", "Regreso",
	"Pasajeros", "Motivo", "Vehículo", "Motorista", "Km recorridos"}

// exportador escribe un formato de la exportación: la cabecera, cada fila
// y el final.
type exportador interface {
	empezar() error
	fila(x *models.FilaExportacion) error
	terminar() error
	cerrar()
}

// exportarSolicitudes es GET /solicitud/exportar?formato=csv|xlsx con los
// filtros y el orden de la lista, sin paginar. Los errores anteriores a la
// primera respuesta de la base (filtros, formato, base caída) son el sobre
// de siempre; después la descarga ya empezó y un error solo queda en el
// registro (la respuesta se corta).
func (a *API) exportarSolicitudes(c echo.Context) error {
	f, formato, err := parseExportacion(c.QueryParams(), a.loc)
	if err != nil {
		return err
	}
	res := c.Response()
	var x exportador
	tipo := tipoCSV
	if formato == "xlsx" {
		tipo = tipoXLSX
		if x, err = nuevoExportadorXLSX(res, a.loc); err != nil {
			return err
		}
	} else {
		x = nuevoExportadorCSV(res, a.loc)
	}
	defer x.cerrar()
	empezar := func() error {
		h := res.Header()
		h.Set(echo.HeaderContentType, tipo)
		h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="solicitudes-%s.%s"`, a.now().In(a.loc).Format("20060102"), formato))
		// Sin soporte (p. ej. en pruebas) sigue valiendo el del servidor.
		_ = http.NewResponseController(res).SetWriteDeadline(time.Now().Add(plazoEscrituraExportacion))
		res.WriteHeader(http.StatusOK)
		return x.empezar()
	}
	if err := a.store.ExportarSolicitudes(c.Request().Context(), actorDe(c), f, empezar, x.fila); err != nil {
		return err
	}
	return x.terminar()
}

// parseExportacion lee formato (obligatorio: csv o xlsx) y los filtros y el
// orden de GET /solicitud/ (parseFiltroSolicitudes); pagina y porPagina se
// validan como en la lista pero no cuentan: se exporta todo. Error:
// VALIDACION.
func parseExportacion(q url.Values, loc *time.Location) (models.FiltroSolicitudes, string, error) {
	c := nuevaConsulta(q, loc)
	formato, ok := c.valor("formato")
	switch {
	case !ok:
		c.v.Agregar("formato", "es obligatorio: csv o xlsx")
	case formato != "csv" && formato != "xlsx":
		c.v.Agregar("formato", "debe ser csv o xlsx")
	}
	f, err := parseFiltroSolicitudes(q, loc)
	var e *models.Error
	if errors.As(err, &e) {
		for _, campo := range e.Campos {
			c.v.Agregar(campo.Campo, campo.Mensaje)
		}
	} else if err != nil {
		return f, "", err
	}
	return f, formato, c.v.Err()
}

// neutralizar evita la inyección de fórmulas (OWASP «CSV injection»): un
// texto que empieza por =, +, -, @, tabulador o retorno de carro lleva
// delante un apóstrofo, así la hoja de cálculo lo muestra como texto y
// nunca lo evalúa.
func neutralizar(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// formatoFechaCSV es como salen las fechas en el CSV, en TIMEZONE: el orden
// ISO que Excel reconoce como fecha en cualquier idioma.
const formatoFechaCSV = "2006-01-02 15:04:05"

// exportadorCSV escribe CSV en UTF-8 con BOM (Excel lo necesita para leer
// los acentos), «;» como separador (Excel en español abre así en columnas)
// y las comillas de RFC 4180 (encoding/csv), con CRLF.
type exportadorCSV struct {
	w   io.Writer
	cw  *csv.Writer
	loc *time.Location
	reg []string
}

func nuevoExportadorCSV(w io.Writer, loc *time.Location) *exportadorCSV {
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	return &exportadorCSV{w: w, cw: cw, loc: loc, reg: make([]string, len(cabeceraExportacion))}
}

func (e *exportadorCSV) empezar() error {
	if _, err := io.WriteString(e.w, "\ufeff"); err != nil {
		return err
	}
	return e.cw.Write(cabeceraExportacion)
}

func (e *exportadorCSV) fila(x *models.FilaExportacion) error {
	r := e.reg
	r[0], r[1], r[2] = neutralizar(x.Codigo), string(x.Estado), neutralizar(x.Solicitante)
	r[3], r[4] = neutralizar(x.Origen), neutralizar(x.Destino)
	r[5], r[6] = x.FechaSalida.In(e.loc).Format(formatoFechaCSV), ""
	if x.FechaRegreso != nil {
		r[6] = x.FechaRegreso.In(e.loc).Format(formatoFechaCSV)
	}
	r[7], r[8] = strconv.Itoa(x.Pasajeros), neutralizar(x.Motivo)
	r[9], r[10], r[11] = neutralizar(x.Vehiculo), neutralizar(x.Motorista), ""
	if x.KmRecorridos != nil {
		r[11] = strconv.FormatInt(*x.KmRecorridos, 10)
	}
	return e.cw.Write(r)
}

func (e *exportadorCSV) terminar() error {
	e.cw.Flush()
	return e.cw.Error()
}

func (e *exportadorCSV) cerrar() {}

// formatoFechaXLSX es el formato de número de las celdas de fecha.
const formatoFechaXLSX = "dd/mm/yyyy hh:mm"

// exportadorXLSX escribe una hoja «Solicitudes» con el StreamWriter de
// excelize: las filas pasan a su búfer, que por encima de 16 MiB se vuelca a
// un archivo temporal, nunca todas en memoria. Las fechas son fechas (número
// de serie con formato de fecha, en TIMEZONE) y pasajeros y km, números. Al
// terminar, el zip del libro se escribe directo en la respuesta (SetZipWriter):
// excelize.Write lo armaría entero en memoria antes de enviarlo.
type exportadorXLSX struct {
	w      io.Writer
	loc    *time.Location
	f      *excelize.File
	sw     *excelize.StreamWriter
	fecha  int
	n      int
	celdas []any
}

const hojaExportacion = "Solicitudes"

func nuevoExportadorXLSX(w io.Writer, loc *time.Location) (*exportadorXLSX, error) {
	f := excelize.NewFile()
	e := &exportadorXLSX{w: w, loc: loc, f: f, celdas: make([]any, len(cabeceraExportacion))}
	formato := formatoFechaXLSX
	var err error
	if err = f.SetSheetName(f.GetSheetName(0), hojaExportacion); err == nil {
		e.fecha, err = f.NewStyle(&excelize.Style{CustomNumFmt: &formato})
	}
	if err == nil {
		e.sw, err = f.NewStreamWriter(hojaExportacion)
	}
	if err == nil {
		// La cabecera queda fija al desplazarse.
		err = e.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return e, nil
}

func (e *exportadorXLSX) empezar() error {
	negrita, err := e.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cab := make([]any, len(cabeceraExportacion))
	for i, t := range cabeceraExportacion {
		cab[i] = excelize.Cell{StyleID: negrita, Value: t}
	}
	e.n = 1
	return e.sw.SetRow("A1", cab)
}

func (e *exportadorXLSX) fila(x *models.FilaExportacion) error {
	c := e.celdas
	c[0], c[1], c[2] = neutralizar(x.Codigo), string(x.Estado), neutralizar(x.Solicitante)
	c[3], c[4] = neutralizar(x.Origen), neutralizar(x.Destino)
	c[5], c[6] = excelize.Cell{StyleID: e.fecha, Value: x.FechaSalida.In(e.loc)}, nil
	if x.FechaRegreso != nil {
		c[6] = excelize.Cell{StyleID: e.fecha, Value: x.FechaRegreso.In(e.loc)}
	}
	c[7], c[8] = x.Pasajeros, neutralizar(x.Motivo)
	c[9], c[10], c[11] = textoOpcional(x.Vehiculo), textoOpcional(x.Motorista), nil
	if x.KmRecorridos != nil {
		c[11] = *x.KmRecorridos
	}
	e.n++
	celda, err := excelize.CoordinatesToCellName(1, e.n)
	if err != nil {
		return err
	}
	return e.sw.SetRow(celda, c)
}

// textoOpcional deja vacía (sin valor) la celda de un texto vacío.
func textoOpcional(s string) any {
	if s == "" {
		return nil
	}
	return neutralizar(s)
}

func (e *exportadorXLSX) terminar() error {
	if err := e.sw.Flush(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(e.w, 64<<10)
	e.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(bw) })
	// Write arma el zip con el ZipWriter de arriba, que escribe en la
	// respuesta; el búfer propio de excelize queda vacío.
	if err := e.f.Write(io.Discard); err != nil {
		return err
	}
	return bw.Flush()
}

// cerrar borra los temporales del StreamWriter.
func (e *exportadorXLSX) cerrar() { _ = e.f.Close() }
