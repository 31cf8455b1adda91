-- Migración 3: el presupuesto por IP de /auth/* (API.md §4.8) en la base,
-- uno para todas las instancias (§10). Una fila por clave (la IP del
-- cliente, o su /64 en IPv6) con el estado de GCRA en nanosegundos Unix:
-- tat, el instante en que el cubo vuelve a estar lleno, y tat_previo, el
-- que tenía antes de la última petición (tat > tat_previo: la última pasó).
-- Cada petición a /auth/* actualiza su fila con una sola sentencia
-- (store.CupoTasa): fillfactor deja sitio en la página para que esas
-- actualizaciones sean HOT (ninguna toca una columna indexada). La purga
-- periódica borra las filas con el cubo ya lleno (tat <= ahora); sin índice
-- en tat, por lo mismo.

-- +goose Up
CREATE TABLE limites_tasa (
	clave text PRIMARY KEY,
	tat bigint NOT NULL,
	tat_previo bigint NOT NULL
) WITH (fillfactor = 70);

-- +goose Down
DROP TABLE limites_tasa;
