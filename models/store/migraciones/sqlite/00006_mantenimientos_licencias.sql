-- Migración 6: mantenimientos de vehículos y licencias de motoristas
-- (API.md §8).
--
-- Un mantenimiento es una ventana semiabierta [desde, hasta) en la que el
-- vehículo está fuera de servicio; bloquea el vehículo como un viaje
-- asignado. Que no se solape con otro mantenimiento del vehículo ni con un
-- viaje asignado o en curso lo decide el store, con la fila del vehículo
-- tomada por la transacción (en SQLite, el único escritor ya serializa).
-- El índice (vehiculo_id, desde) sirve la búsqueda de solapes y la lista.
--
-- La licencia son tres columnas opcionales de usuarios (las tres o
-- ninguna); licencia_vence es el texto AAAA-MM-DD, que ordena como la
-- fecha, con índice para GET /usuarios/?licenciaVenceAntes=…
-- (El número 5 lo usa otra rama.)

-- +goose Up
CREATE TABLE `mantenimientos` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`vehiculo_id` integer NOT NULL,
	`desde` datetime NOT NULL,
	`hasta` datetime NOT NULL,
	`motivo` text NOT NULL,
	`creado_por_id` integer NOT NULL,
	`creado_en` datetime NOT NULL,
	CONSTRAINT `fk_mantenimientos_vehiculo` FOREIGN KEY (`vehiculo_id`) REFERENCES `vehiculos`(`id`),
	CONSTRAINT `fk_mantenimientos_creado_por` FOREIGN KEY (`creado_por_id`) REFERENCES `usuarios`(`id`)
);
CREATE INDEX `idx_mant_vehiculo_desde` ON `mantenimientos`(`vehiculo_id`,`desde`);

ALTER TABLE `usuarios` ADD COLUMN `licencia_numero` text;
ALTER TABLE `usuarios` ADD COLUMN `licencia_categoria` text;
ALTER TABLE `usuarios` ADD COLUMN `licencia_vence` text;
CREATE INDEX `idx_usuarios_licencia_vence` ON `usuarios`(`licencia_vence`);

-- +goose Down
DROP INDEX `idx_usuarios_licencia_vence`;
ALTER TABLE `usuarios` DROP COLUMN `licencia_vence`;
ALTER TABLE `usuarios` DROP COLUMN `licencia_categoria`;
ALTER TABLE `usuarios` DROP COLUMN `licencia_numero`;
DROP TABLE `mantenimientos`;
