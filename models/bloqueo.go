package models

import (
	"fmt"
	"time"
)

// PoliticaBloqueo es LOGIN_MAX_FAILED_ATTEMPTS y LOGIN_LOCKOUT_MINUTES: las
// reglas de la fila BloqueoLogin de una identidad. El almacén las aplica con
// una sola sentencia condicional por paso (reservar, fallar, liberar), que la
// base decide de forma atómica aunque lleguen intentos a la vez a varias
// instancias; los valores que esa sentencia compara salen de En.
//
// Las reglas:
//   - Reservar: cada intento gasta una unidad del cupo antes de comprobar la
//     contraseña o el código. Así muchas peticiones simultáneas no pasan
//     todas la comprobación antes de que se cuente ningún fallo: como mucho
//     MaxFallos llegan a comprobarse. Se rechaza (DEMASIADAS_SOLICITUDES) si
//     la identidad está bloqueada o si los intentos en curso ya agotaron el
//     cupo. Una fila caducada (ver Desde) o con un bloqueo ya terminado
//     empieza de cero.
//   - Fallar: el intento reservado queda como fallo; si con él la cuenta
//     llegó a MaxFallos y no estaba bloqueada, se bloquea hasta Hasta. Si un
//     éxito simultáneo borró la fila, el fallo crea una con un fallo.
//   - Liberar: devuelve una unidad reservada que no fue fallo.
//   - Un éxito borra la fila.
type PoliticaBloqueo struct {
	MaxFallos int
	Bloqueo   time.Duration
}

// ValoresBloqueo son las reglas de PoliticaBloqueo en el instante Ahora, tal
// como las compara la sentencia del almacén.
type ValoresBloqueo struct {
	MaxFallos int
	Ahora     time.Time
	// Desde: los fallos cuentan dentro de una ventana de la duración del
	// bloqueo; una fila cuyo último fallo es anterior a Desde está caducada.
	Desde time.Time
	// Hasta es el fin de un bloqueo que empieza Ahora.
	Hasta time.Time
	// HastaPrimerFallo es bloqueado_hasta de una fila que nace con un fallo
	// (un éxito simultáneo borró la reserva): Hasta si un solo fallo ya
	// bloquea (MaxFallos 1), si no nil.
	HastaPrimerFallo *time.Time
}

// En devuelve los valores de p en el instante ahora.
func (p PoliticaBloqueo) En(ahora time.Time) ValoresBloqueo {
	v := ValoresBloqueo{MaxFallos: p.MaxFallos, Ahora: ahora, Desde: ahora.Add(-p.Bloqueo), Hasta: ahora.Add(p.Bloqueo)}
	if p.MaxFallos <= 1 {
		v.HastaPrimerFallo = &v.Hasta
	}
	return v
}

// Rechazo es el error de una reserva rechazada, según la fila b tal como
// quedó (vacía si ya no existe): bloqueada, con los segundos que faltan, o
// con el cupo gastado por intentos en curso.
func (p PoliticaBloqueo) Rechazo(b *BloqueoLogin, ahora time.Time) error {
	if b.BloqueadoHasta != nil && b.BloqueadoHasta.After(ahora) {
		return errBloqueado(*b.BloqueadoHasta, ahora)
	}
	return &Error{Codigo: CodigoDemasiadasSolicitudes, ReintentarEn: 5,
		Detalle: "Hay demasiados intentos en curso para esta cuenta. Intente de nuevo en unos segundos."}
}

// DetalleBloqueo es el detalle de auditoría de CUENTA_BLOQUEADA, con los
// fallos que llevaba la cuenta al bloquearse.
func (p PoliticaBloqueo) DetalleBloqueo(fallos int) string {
	return fmt.Sprintf("%d intentos fallidos; bloqueada %d minuto(s)", fallos, int(p.Bloqueo/time.Minute))
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
