-- Migración 8: la bandeja de salida de eventos (API.md §11). Cada creación,
-- edición y movimiento de una solicitud escribe aquí su evento en la misma
-- transacción que el cambio. AUTOINCREMENT para que un id nunca se reutilice,
-- ni siquiera tras purgar los últimos: Last-Event-ID de un cliente debe
-- seguir significando lo mismo.
--
-- eventos_purga guarda el mayor id purgado por retención
-- (EVENTOS_RETENCION_DIAS): un Last-Event-ID menor ya no se puede repetir y
-- el flujo empieza con `reinicio`.

-- +goose Up
CREATE TABLE `eventos` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`tipo` text NOT NULL,
	`fecha` datetime NOT NULL,
	`solicitud_id` integer NOT NULL,
	`codigo` text NOT NULL,
	`estado` text NOT NULL,
	`version` integer NOT NULL,
	`actor_id` integer,
	`actor_username` text
);
CREATE INDEX `idx_eventos_fecha` ON `eventos`(`fecha`);
CREATE INDEX `idx_eventos_solicitud` ON `eventos`(`solicitud_id`);
CREATE TABLE `eventos_purga` (
	`id` integer PRIMARY KEY CHECK (`id` = 1),
	`hasta` integer NOT NULL
);
INSERT INTO `eventos_purga` (`id`, `hasta`) VALUES (1, 0);

-- +goose Down
DROP TABLE `eventos_purga`;
DROP TABLE `eventos`;
