-- Migración 9: webhooks (API.md §11.2). Ver la versión de PostgreSQL para
-- el porqué de cada tabla: ultimo_evento es el cursor de cada webhook en la
-- bandeja de salida, webhook_envios la cola (proximo_en es también el
-- arriendo de un intento en curso) y webhook_entregas el registro de
-- intentos.

-- +goose Up
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`url` text NOT NULL,
	`eventos` text NOT NULL,
	`descripcion` text NOT NULL DEFAULT '',
	`secreto_cifrado` text NOT NULL,
	`activo` numeric NOT NULL DEFAULT true,
	`ultimo_evento` integer NOT NULL DEFAULT 0,
	`creado_en` datetime NOT NULL,
	`actualizado_en` datetime NOT NULL
);
CREATE TABLE `webhook_envios` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`webhook_id` integer NOT NULL REFERENCES `webhooks` (`id`) ON DELETE CASCADE,
	`evento_id` integer NOT NULL,
	`cuerpo` text NOT NULL,
	`intento` integer NOT NULL DEFAULT 0,
	`proximo_en` datetime NOT NULL,
	`primer_intento_en` datetime,
	UNIQUE (`webhook_id`, `evento_id`)
);
CREATE INDEX `idx_webhook_envios_proximo` ON `webhook_envios`(`proximo_en`);
CREATE TABLE `webhook_entregas` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`webhook_id` integer NOT NULL REFERENCES `webhooks` (`id`) ON DELETE CASCADE,
	`evento_id` integer,
	`intento` integer NOT NULL,
	`estado_http` integer,
	`duracion_ms` integer NOT NULL,
	`error` text,
	`fecha` datetime NOT NULL,
	`resultado` text NOT NULL
);
CREATE INDEX `idx_webhook_entregas_webhook` ON `webhook_entregas`(`webhook_id`, `id`);
CREATE INDEX `idx_webhook_entregas_fecha` ON `webhook_entregas`(`fecha`);

-- +goose Down
DROP TABLE `webhook_entregas`;
DROP TABLE `webhook_envios`;
DROP TABLE `webhooks`;
