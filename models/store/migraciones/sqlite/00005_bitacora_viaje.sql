-- Migración 5: la bitácora de viaje (API.md §7.2). Cada solicitud guarda la
-- hora real de inicio y fin, el odómetro al iniciar y al finalizar, el
-- combustible cargado y las observaciones del motorista: columnas viaje_*
-- que admiten NULL (un dato que nadie dio). Cada vehículo guarda su
-- kilometraje, la última lectura conocida del odómetro, que el kmFinal de
-- un viaje solo sube (store.subirKilometraje). Las solicitudes que ya
-- iniciaron o terminaron antes de esta versión toman sus horas reales del
-- historial, así su viaje no aparece vacío.

-- +goose Up
ALTER TABLE `solicitudes` ADD COLUMN `viaje_inicio_real` datetime;
ALTER TABLE `solicitudes` ADD COLUMN `viaje_fin_real` datetime;
ALTER TABLE `solicitudes` ADD COLUMN `viaje_km_inicial` integer;
ALTER TABLE `solicitudes` ADD COLUMN `viaje_km_final` integer;
ALTER TABLE `solicitudes` ADD COLUMN `viaje_combustible_litros` real;
ALTER TABLE `solicitudes` ADD COLUMN `viaje_observaciones` text;
ALTER TABLE `vehiculos` ADD COLUMN `kilometraje` integer NOT NULL DEFAULT 0;

UPDATE `solicitudes` SET
	`viaje_inicio_real` = (SELECT min(h.`fecha`) FROM `historial_solicitudes` h
		WHERE h.`solicitud_id` = `solicitudes`.`id` AND h.`estado_nuevo` = 'en_curso'),
	`viaje_fin_real` = (SELECT min(h.`fecha`) FROM `historial_solicitudes` h
		WHERE h.`solicitud_id` = `solicitudes`.`id` AND h.`estado_nuevo` = 'finalizada')
WHERE `estado` IN ('en_curso', 'finalizada');

-- +goose Down
ALTER TABLE `vehiculos` DROP COLUMN `kilometraje`;
ALTER TABLE `solicitudes` DROP COLUMN `viaje_observaciones`;
ALTER TABLE `solicitudes` DROP COLUMN `viaje_combustible_litros`;
ALTER TABLE `solicitudes` DROP COLUMN `viaje_km_final`;
ALTER TABLE `solicitudes` DROP COLUMN `viaje_km_inicial`;
ALTER TABLE `solicitudes` DROP COLUMN `viaje_fin_real`;
ALTER TABLE `solicitudes` DROP COLUMN `viaje_inicio_real`;
