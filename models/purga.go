package models

import "context"

// Purgar borra lo que ya no sirve: filas de la lista negra cuyo último token
// ya expiró, sesiones terminadas (con sus refresh tokens), contadores de
// login viejos y cupos por IP que ya no limitan nada. Devuelve cuántas filas
// borró.
func (a *Auth) Purgar(ctx context.Context) (int64, error) {
	return a.s.Purgar(ctx, a.bloqueo())
}
