package models

import "time"

// LimiteTasa es RATE_LIMIT_AUTH_PER_MINUTE (API.md §4.8): por clave (la IP
// del cliente), ráfagas de hasta Capacidad peticiones que se recuperan a una
// por Intervalo. Es un cubo de fichas llevado como GCRA: el estado de una
// clave es un solo número, tat, el instante (nanosegundos Unix) en que su
// cubo vuelve a estar lleno. Toda la aritmética es entera, sin redondeos, y
// es la misma en memoria (Paso) y en la base (la sentencia del almacén
// compara los valores de En y lee su resultado con Decidir).
type LimiteTasa struct {
	Capacidad int
	Intervalo time.Duration // lo que tarda en volver una ficha
}

// NuevoLimiteTasa es el límite de porMinuto peticiones por minuto.
func NuevoLimiteTasa(porMinuto int) LimiteTasa {
	return LimiteTasa{Capacidad: porMinuto, Intervalo: time.Minute / time.Duration(porMinuto)}
}

// DecisionTasa es lo que se contesta a una petición.
type DecisionTasa struct {
	// Limite es la capacidad (X-RateLimit-Limit).
	Limite int
	// Permitida dice si la petición pasa.
	Permitida bool
	// Restantes son las peticiones que quedan antes de un 429
	// (X-RateLimit-Remaining); 0 si no pasa.
	Restantes int
	// Espera es, si no pasa, cuánto falta para que pase una.
	Espera time.Duration
}

// ReintentarEn son los segundos enteros de Retry-After: Espera hacia
// arriba, al menos 1.
func (d DecisionTasa) ReintentarEn() int {
	seg := segundos(d.Espera)
	if seg < 1 {
		seg = 1
	}
	return seg
}

// ValoresTasa son los números que compara un paso en el instante Ahora, en
// nanosegundos Unix.
type ValoresTasa struct {
	Ahora int64
	// Nuevo es el tat de un cubo lleno (o sin estado) tras gastar una ficha.
	Nuevo int64
	// Umbral es el tat más alto con el que todavía pasa una petición: con
	// él, la ficha nueva deja el cubo justo vacío.
	Umbral    int64
	Intervalo int64
}

// En devuelve los valores de l en el instante ahora.
func (l LimiteTasa) En(ahora time.Time) ValoresTasa {
	n, i := ahora.UnixNano(), int64(l.Intervalo)
	return ValoresTasa{Ahora: n, Nuevo: n + i, Umbral: n + int64(l.Capacidad-1)*i, Intervalo: i}
}

// Paso es un paso de GCRA: el tat que queda tras una petición que llega con
// tat (0: sin estado). Si el cubo está lleno (tat ≤ Ahora) se gasta una
// ficha desde Ahora; si queda alguna (tat ≤ Umbral), se gasta; si no, tat no
// cambia. El almacén hace lo mismo en SQL.
func (v ValoresTasa) Paso(tat int64) int64 {
	switch {
	case tat <= v.Ahora:
		return v.Nuevo
	case tat <= v.Umbral:
		return tat + v.Intervalo
	default:
		return tat
	}
}

// Decidir lee la decisión de un paso que dejó tat partiendo de previo:
// pasó si tat avanzó. Las restantes y la espera salen de tat y del tope
// (Ahora más la capacidad entera).
func (l LimiteTasa) Decidir(v ValoresTasa, previo, tat int64) DecisionTasa {
	tope := v.Umbral + v.Intervalo
	if tat > previo {
		return DecisionTasa{Limite: l.Capacidad, Permitida: true, Restantes: int((tope - tat) / v.Intervalo)}
	}
	return DecisionTasa{Limite: l.Capacidad, Espera: time.Duration(tat + v.Intervalo - tope)}
}
