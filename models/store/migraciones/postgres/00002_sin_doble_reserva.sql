-- Migración 2 (solo PostgreSQL): la base misma rechaza dos viajes asignados
-- o en curso del mismo vehículo, o del mismo motorista, cuyas ventanas
-- semiabiertas [fecha_salida, fin_ventana) se solapan (API.md §10). La
-- comprobación de la aplicación sigue (da el mensaje claro y es la única en
-- SQLite); esta cubre a varias instancias y a cualquier camino que se la
-- salte. El store traduce su violación (SQLSTATE 23P01) a 409
-- CONFLICTO_ASIGNACION.
--
-- btree_gist da a GiST el operador = de bigint. Se crea en el esquema de la
-- base (normalmente public) si aún no está; las pruebas la crean una vez
-- antes de migrar sus esquemas.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE solicitudes ADD CONSTRAINT sol_vehiculo_sin_solape
	EXCLUDE USING gist (vehiculo_id WITH =, tstzrange(fecha_salida, fin_ventana, '[)') WITH &&)
	WHERE (estado IN ('asignada', 'en_curso'));

ALTER TABLE solicitudes ADD CONSTRAINT sol_motorista_sin_solape
	EXCLUDE USING gist (motorista_id WITH =, tstzrange(fecha_salida, fin_ventana, '[)') WITH &&)
	WHERE (estado IN ('asignada', 'en_curso'));

-- +goose Down
ALTER TABLE solicitudes DROP CONSTRAINT sol_motorista_sin_solape;
ALTER TABLE solicitudes DROP CONSTRAINT sol_vehiculo_sin_solape;
