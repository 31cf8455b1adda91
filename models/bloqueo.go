package models

import (
	"fmt"
	"time"
)

// PoliticaBloqueo es LOGIN_MAX_FAILED_ATTEMPTS y LOGIN_LOCKOUT_MINUTES: las
// reglas que el almacén aplica a la fila BloqueoLogin de una identidad dentro
// de su transacción.
type PoliticaBloqueo struct {
	MaxFallos int
	Bloqueo   time.Duration
	// bloqueo, si no es nil, recibe lo que decidió el último Fallar. Así
	// Auth.RegistrarFallo sabe, una vez confirmada la transacción del
	// almacén, si ese fallo bloqueó la identidad (para el Observador).
	bloqueo *bool
}

// Reservar gasta en b (la fila de clave; vacía si no existe) un intento del
// cupo antes de comprobar la contraseña o el código. Así muchas peticiones
// simultáneas no pasan todas la comprobación antes de que se cuente ningún
// fallo: como mucho MaxFallos llegan a comprobarse. Un éxito borra la fila;
// un fallo la deja y, si llegó al máximo, bloquea (Fallar).
// Error: DEMASIADAS_SOLICITUDES si está bloqueada o si los intentos en curso
// ya agotaron el cupo.
func (p PoliticaBloqueo) Reservar(b *BloqueoLogin, clave string, ahora time.Time) error {
	if b.BloqueadoHasta != nil && b.BloqueadoHasta.After(ahora) {
		return errBloqueado(*b.BloqueadoHasta, ahora)
	}
	if b.Clave == "" || p.caducado(b, ahora) {
		*b = BloqueoLogin{Clave: clave}
	}
	if b.Fallos >= p.MaxFallos {
		return &Error{Codigo: CodigoDemasiadasSolicitudes, ReintentarEn: 5,
			Detalle: "Hay demasiados intentos en curso para esta cuenta. Intente de nuevo en unos segundos."}
	}
	b.Fallos++
	b.UltimoFallo = ahora
	return nil
}

// Fallar da por fallido en b el intento reservado y devuelve si con él se
// llegó a MaxFallos: entonces b queda bloqueada por Bloqueo.
func (p PoliticaBloqueo) Fallar(b *BloqueoLogin, clave string, ahora time.Time) (bloquea bool) {
	if b.Clave == "" { // un éxito simultáneo borró la fila
		*b = BloqueoLogin{Clave: clave, Fallos: 1, UltimoFallo: ahora}
	}
	bloquea = b.Fallos >= p.MaxFallos && b.BloqueadoHasta == nil
	if bloquea {
		b.BloqueadoHasta = ptr(ahora.Add(p.Bloqueo))
	}
	if p.bloqueo != nil {
		*p.bloqueo = bloquea
	}
	return bloquea
}

// DetalleBloqueo es el detalle de auditoría de CUENTA_BLOQUEADA.
func (p PoliticaBloqueo) DetalleBloqueo(b *BloqueoLogin) string {
	return fmt.Sprintf("%d intentos fallidos; bloqueada %d minuto(s)", b.Fallos, int(p.Bloqueo/time.Minute))
}

// caducado: los fallos cuentan dentro de una ventana de la duración del
// bloqueo, y un bloqueo terminado empieza de cero.
func (p PoliticaBloqueo) caducado(b *BloqueoLogin, ahora time.Time) bool {
	return b.UltimoFallo.Add(p.Bloqueo).Before(ahora) || (b.BloqueadoHasta != nil && !b.BloqueadoHasta.After(ahora))
}

// claveBloqueo es la identidad que acumula fallos: la cuenta si el
// identificador es de una (username y email comparten la cuenta), si no el
// identificador en minúsculas. Así un 429 no revela si la cuenta existe.
func claveBloqueo(u *Usuario, identificador string) string {
	if u != nil {
		return fmt.Sprintf("u:%d", u.ID)
	}
	return "i:" + Recortar(Normalizar(identificador), 290)
}

// ClaveBloqueoUsuario es la clave de bloqueo de una cuenta conocida.
func ClaveBloqueoUsuario(id uint) string { return fmt.Sprintf("u:%d", id) }

func errBloqueado(hasta, ahora time.Time) error {
	seg := segundos(hasta.Sub(ahora))
	if seg < 1 {
		seg = 1
	}
	minutos := (seg + 59) / 60
	return &Error{
		Codigo:       CodigoDemasiadasSolicitudes,
		Detalle:      fmt.Sprintf("Demasiados intentos fallidos. La cuenta está bloqueada temporalmente; intente de nuevo en %d minuto(s).", minutos),
		ReintentarEn: seg,
	}
}
