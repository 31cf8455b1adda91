package handlers

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"solicitud-transporte/models"
)

// Formato iCalendar (RFC 5545) del feed de GET /calendario/{token}.ics.

// dominioUID es el lado derecho de los UID: fijo, para que el UID de una
// solicitud no cambie si el servidor cambia de nombre o se llega por otro
// host.
const dominioUID = "solicitud-transporte"

// largoLinea es el máximo de octetos de una línea de contenido, sin CRLF
// (RFC 5545 §3.1).
const largoLinea = 75

// ics arma un VCALENDAR: líneas terminadas en CRLF y plegadas a 75 octetos.
type ics struct{ b strings.Builder }

// propiedad escribe nombre:valor; valor va tal cual (ya escapado si es
// texto).
func (w *ics) propiedad(nombre, valor string) {
	plegar(&w.b, nombre+":"+valor)
}

// texto escribe una propiedad de tipo TEXT, escapada.
func (w *ics) texto(nombre, valor string) { w.propiedad(nombre, escaparTexto(valor)) }

// hora escribe una propiedad DATE-TIME en UTC (forma «…Z»).
func (w *ics) hora(nombre string, t time.Time) { w.propiedad(nombre, horaICS(t)) }

func horaICS(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// plegar escribe linea en b partida en trozos de como mucho 75 octetos
// (las continuaciones empiezan con un espacio, que cuenta), sin partir nunca
// una secuencia UTF-8, y cada trozo terminado en CRLF.
func plegar(b *strings.Builder, linea string) {
	limite := largoLinea
	for len(linea) > limite {
		corte := limite
		for corte > 0 && !utf8.RuneStart(linea[corte]) {
			corte--
		}
		b.WriteString(linea[:corte])
		b.WriteString("\r\n ")
		linea = linea[corte:]
		limite = largoLinea - 1
	}
	b.WriteString(linea)
	b.WriteString("\r\n")
}

// escaparTexto escapa un valor TEXT (RFC 5545 §3.3.11): barra inversa, punto
// y coma, coma y saltos de línea (CRLF, CR o LF pasan a «\n»). Los demás
// controles no llegan: los cuerpos de la API los rechazan.
func escaparTexto(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// estadoICS lleva el estado de una solicitud al STATUS de su VEVENT:
// cancelada y rechazada, CANCELLED (el viaje no se hará; el calendario lo
// tacha o lo quita); pendiente y aprobada, TENTATIVE (aún sin vehículo ni
// motorista); asignada, en_curso y finalizada, CONFIRMED.
func estadoICS(e models.Estado) string {
	switch e {
	case models.EstadoCancelada, models.EstadoRechazada:
		return "CANCELLED"
	case models.EstadoPendiente, models.EstadoAprobada:
		return "TENTATIVE"
	}
	return "CONFIRMED"
}

// generarICS arma el feed de u con sus solicitudes ss. DTSTAMP y
// LAST-MODIFIED son la última modificación de la solicitud (un feed sin
// METHOD, RFC 5545 §3.8.7.2), así la salida no cambia si nada cambió; los
// textos de DESCRIPTION van en TIMEZONE (loc), las horas en UTC.
func generarICS(u *models.Usuario, ss []models.Solicitud, loc *time.Location) []byte {
	var w ics
	w.propiedad("BEGIN", "VCALENDAR")
	w.propiedad("VERSION", "2.0")
	w.propiedad("PRODID", "-//Solicitud Transporte//Agenda de transporte//ES")
	w.propiedad("CALSCALE", "GREGORIAN")
	w.texto("X-WR-CALNAME", "Transporte — "+u.Username)
	w.texto("NAME", "Transporte — "+u.Username)
	w.propiedad("REFRESH-INTERVAL;VALUE=DURATION", "PT1H")
	w.propiedad("X-PUBLISHED-TTL", "PT1H")
	for i := range ss {
		s := &ss[i]
		w.propiedad("BEGIN", "VEVENT")
		w.propiedad("UID", fmt.Sprintf("solicitud-%d@%s", s.ID, dominioUID))
		w.propiedad("SEQUENCE", fmt.Sprint(s.Version))
		w.hora("DTSTAMP", s.ActualizadoEn)
		w.hora("LAST-MODIFIED", s.ActualizadoEn)
		w.hora("CREATED", s.CreadoEn)
		w.hora("DTSTART", s.FechaSalida)
		w.hora("DTEND", s.FinVentana)
		w.texto("SUMMARY", s.Codigo+": "+s.Origen+" → "+s.Destino)
		w.texto("LOCATION", s.Origen)
		w.texto("DESCRIPTION", descripcionICS(s, u, loc))
		w.propiedad("STATUS", estadoICS(s.Estado))
		w.propiedad("TRANSP", "OPAQUE")
		w.propiedad("END", "VEVENT")
	}
	w.propiedad("END", "VCALENDAR")
	return []byte(w.b.String())
}

// descripcionICS es el texto del evento: motivo, estado, papel del usuario,
// vehículo, motorista y pasajeros.
func descripcionICS(s *models.Solicitud, u *models.Usuario, loc *time.Location) string {
	var d strings.Builder
	fmt.Fprintf(&d, "Motivo: %s\nEstado: %s\n", s.Motivo, s.Estado)
	if s.MotoristaID != nil && *s.MotoristaID == u.ID {
		d.WriteString("Usted es el motorista de este viaje.\n")
	}
	fmt.Fprintf(&d, "Salida: %s\n", s.FechaSalida.In(loc).Format("02/01/2006 15:04"))
	if s.Vehiculo != nil {
		fmt.Fprintf(&d, "Vehículo: %s (%s %s)\n", s.Vehiculo.Placa, s.Vehiculo.Marca, s.Vehiculo.Modelo)
	}
	if s.Motorista != nil {
		fmt.Fprintf(&d, "Motorista: %s\n", s.Motorista.Username)
	}
	fmt.Fprintf(&d, "Pasajeros: %d", s.Pasajeros)
	return d.String()
}
