-- Migración 6: mantenimientos de vehículos y licencias de motoristas
-- (API.md §8).
--
-- Un mantenimiento es una ventana semiabierta [desde, hasta) en la que el
-- vehículo está fuera de servicio; bloquea el vehículo como un viaje
-- asignado. La base misma (§10) rechaza dos mantenimientos del mismo
-- vehículo que se solapan (restricción de exclusión, como la migración 2
-- para los viajes; el store traduce su 23P01 a 409 CONFLICTO_ASIGNACION).
--
-- Un viaje contra un mantenimiento no puede ser una restricción de
-- exclusión: están en dos tablas y EXCLUDE compara filas de una sola. Lo
-- decide el store con la fila del vehículo tomada FOR UPDATE tanto al
-- asignar o reasignar como al crear un mantenimiento: de los dos, el
-- segundo espera al primero y ve lo que confirmó (READ COMMITTED toma una
-- instantánea nueva por sentencia). Un disparador no lo haría mejor: sin
-- ese mismo bloqueo tendría la misma carrera.
--
-- La licencia son tres columnas opcionales de usuarios (las tres o
-- ninguna); licencia_vence es el texto AAAA-MM-DD, que ordena como la
-- fecha, con índice para GET /usuarios/?licenciaVenceAntes=…
-- (El número 5 lo usa otra rama.)

-- +goose Up
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE mantenimientos (
	id bigserial PRIMARY KEY,
	vehiculo_id bigint NOT NULL,
	desde timestamptz NOT NULL,
	hasta timestamptz NOT NULL,
	motivo varchar(500) NOT NULL,
	creado_por_id bigint NOT NULL,
	creado_en timestamptz NOT NULL,
	CONSTRAINT fk_mantenimientos_vehiculo FOREIGN KEY (vehiculo_id) REFERENCES vehiculos(id),
	CONSTRAINT fk_mantenimientos_creado_por FOREIGN KEY (creado_por_id) REFERENCES usuarios(id),
	CONSTRAINT mant_ventana_valida CHECK (hasta > desde),
	CONSTRAINT mant_vehiculo_sin_solape
		EXCLUDE USING gist (vehiculo_id WITH =, tstzrange(desde, hasta, '[)') WITH &&)
);
CREATE INDEX idx_mant_vehiculo_desde ON mantenimientos(vehiculo_id, desde);

ALTER TABLE usuarios ADD COLUMN licencia_numero varchar(50);
ALTER TABLE usuarios ADD COLUMN licencia_categoria varchar(20);
ALTER TABLE usuarios ADD COLUMN licencia_vence varchar(10);
CREATE INDEX idx_usuarios_licencia_vence ON usuarios(licencia_vence);

-- +goose Down
DROP INDEX idx_usuarios_licencia_vence;
ALTER TABLE usuarios DROP COLUMN licencia_vence;
ALTER TABLE usuarios DROP COLUMN licencia_categoria;
ALTER TABLE usuarios DROP COLUMN licencia_numero;
DROP TABLE mantenimientos;
