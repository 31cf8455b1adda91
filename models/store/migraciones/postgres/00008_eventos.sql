-- Migración 8: la bandeja de salida de eventos (API.md §11). Cada creación,
-- edición y movimiento de una solicitud escribe aquí su evento en la misma
-- transacción que el cambio. Una secuencia no devuelve ids en orden de
-- confirmación (dos transacciones pueden confirmar al revés de como los
-- tomaron); el store toma un bloqueo de transacción (pg_advisory_xact_lock)
-- justo antes de insertar, así el id crece con el orden de confirmación y
-- quien lee «id > último visto» no se salta ninguno.
--
-- eventos_purga guarda el mayor id purgado por retención
-- (EVENTOS_RETENCION_DIAS): un Last-Event-ID menor ya no se puede repetir y
-- el flujo empieza con `reinicio`.

-- +goose Up
CREATE TABLE eventos (
	id bigserial PRIMARY KEY,
	tipo varchar(40) NOT NULL,
	fecha timestamptz NOT NULL,
	solicitud_id bigint NOT NULL,
	codigo varchar(20) NOT NULL,
	estado varchar(20) NOT NULL,
	version bigint NOT NULL,
	actor_id bigint,
	actor_username varchar(150)
);
CREATE INDEX idx_eventos_fecha ON eventos (fecha);
CREATE INDEX idx_eventos_solicitud ON eventos (solicitud_id);
CREATE TABLE eventos_purga (
	id integer PRIMARY KEY CHECK (id = 1),
	hasta bigint NOT NULL
);
INSERT INTO eventos_purga (id, hasta) VALUES (1, 0);

-- +goose Down
DROP TABLE eventos_purga;
DROP TABLE eventos;
