-- Migración 7: los feeds privados de calendario (API.md §7.3). Uno por
-- usuario como mucho (la clave es usuario_id: crear otro lo reemplaza). Solo
-- se guarda el SHA-256 del token (64 caracteres hexadecimales), único porque
-- GET /calendario/{token}.ics busca por él.

-- +goose Up
CREATE TABLE calendarios (
	usuario_id bigint PRIMARY KEY,
	token_hash varchar(64) NOT NULL,
	creado_en timestamptz NOT NULL,
	CONSTRAINT fk_calendarios_usuario FOREIGN KEY (usuario_id) REFERENCES usuarios(id)
);
CREATE UNIQUE INDEX idx_calendarios_token_hash ON calendarios (token_hash);

-- +goose Down
DROP TABLE calendarios;
