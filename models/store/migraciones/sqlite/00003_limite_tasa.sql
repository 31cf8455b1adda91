-- Migración 3: el presupuesto por IP de /auth/* (API.md §4.8) en la base,
-- uno para todas las instancias (§10). Una fila por clave (la IP del
-- cliente, o su /64 en IPv6) con el estado de GCRA en nanosegundos Unix:
-- tat, el instante en que el cubo vuelve a estar lleno, y tat_previo, el
-- que tenía antes de la última petición (tat > tat_previo: la última pasó).
-- Con SQLite el servidor usa el límite en memoria; la tabla existe igual,
-- para que el esquema sea el mismo en los dos motores. La purga periódica
-- borra las filas con el cubo ya lleno (tat <= ahora); sin índice en tat:
-- cada petición lo reescribiría y la purga recorre una tabla pequeña.
-- (El número 2 es una migración que solo PostgreSQL necesita.)

-- +goose Up
CREATE TABLE `limites_tasa` (
	`clave` text NOT NULL PRIMARY KEY,
	`tat` integer NOT NULL,
	`tat_previo` integer NOT NULL
) WITHOUT ROWID;

-- +goose Down
DROP TABLE `limites_tasa`;
