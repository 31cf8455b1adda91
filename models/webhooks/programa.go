package webhooks

import "time"

// esperas son las pausas tras el intento 1, 2, 3…; la última se repite
// (API.md §11.2: unos 5 s, 1 min, 10 min, 1 h, 6 h, durante 24 h).
var esperas = []time.Duration{5 * time.Second, time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour}

// VentanaReintentos es cuánto se reintenta un envío desde su primer intento.
const VentanaReintentos = 24 * time.Hour

// siguienteIntento devuelve cuándo repetir un envío que falló su intento
// número intento a la hora ahora, o false si ya pasaron las 24 h desde el
// primero (el envío es fallido). El último reintento cae justo a las 24 h,
// no antes: la ventana prometida se usa entera.
func siguienteIntento(intento int, primero, ahora time.Time) (time.Time, bool) {
	fin := primero.Add(VentanaReintentos)
	if !ahora.Before(fin) {
		return time.Time{}, false
	}
	i := min(max(intento, 1), len(esperas)) - 1
	t := ahora.Add(esperas[i])
	if t.After(fin) {
		t = fin
	}
	return t, true
}
