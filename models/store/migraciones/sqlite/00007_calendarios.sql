-- Migración 7: los feeds privados de calendario (API.md §7.3). Uno por
-- usuario como mucho (la clave es usuario_id: crear otro lo reemplaza). Solo
-- se guarda el SHA-256 del token, único porque GET /calendario/{token}.ics
-- busca por él.

-- +goose Up
CREATE TABLE `calendarios` (
	`usuario_id` integer PRIMARY KEY,
	`token_hash` text NOT NULL,
	`creado_en` datetime NOT NULL,
	CONSTRAINT `fk_calendarios_usuario` FOREIGN KEY (`usuario_id`) REFERENCES `usuarios`(`id`)
);
CREATE UNIQUE INDEX `idx_calendarios_token_hash` ON `calendarios`(`token_hash`);

-- +goose Down
DROP TABLE `calendarios`;
