-- Esquema que crea la versión anterior (AutoMigrate de GORM, commit 549d138)
-- en una base nueva: las sentencias de sqlite_master, tal cual, sin los objetos
-- internos de SQLite (sqlite_sequence, sqlite_stat1, sqlite_autoindex_*).
-- Se generó una vez con ese código y no se edita: es la referencia con que las
-- pruebas comparan la migración 1 y con que construyen una base de esa versión.

CREATE TABLE `usuarios` (`id` integer PRIMARY KEY AUTOINCREMENT,`username` text NOT NULL,`username_norm` text NOT NULL,`email` text,`email_norm` text,`password_hash` text NOT NULL,`rol` text NOT NULL,`activo` numeric NOT NULL,`mfa_habilitado` numeric NOT NULL,`mfa_secreto` text,`mfa_ultimo_paso` integer NOT NULL,`creado_en` datetime NOT NULL,`actualizado_en` datetime NOT NULL);
CREATE UNIQUE INDEX `idx_usuarios_email_norm` ON `usuarios`(`email_norm`);
CREATE INDEX `idx_usuarios_rol` ON `usuarios`(`rol`);
CREATE UNIQUE INDEX `idx_usuarios_username_norm` ON `usuarios`(`username_norm`);

CREATE TABLE `sesiones` (`id` text,`usuario_id` integer NOT NULL,`creada_en` datetime NOT NULL,`ultimo_uso` datetime NOT NULL,`expira_en` datetime NOT NULL,`ip` text,`user_agent` text,`refresh_actual` text NOT NULL,`revocada_en` datetime,PRIMARY KEY (`id`));
CREATE INDEX `idx_sesiones_expira_en` ON `sesiones`(`expira_en`);
CREATE INDEX `idx_sesiones_revocada_en` ON `sesiones`(`revocada_en`);
CREATE INDEX `idx_sesiones_usuario_id` ON `sesiones`(`usuario_id`);

CREATE TABLE `refresh_tokens` (`jti` text,`sesion_id` text NOT NULL,`rol` text NOT NULL,`emitido_en` datetime NOT NULL,`expira_en` datetime NOT NULL,`usado_en` datetime,`sucesor_jti` text,PRIMARY KEY (`jti`));
CREATE INDEX `idx_refresh_tokens_sesion_id` ON `refresh_tokens`(`sesion_id`);

CREATE TABLE `tokens_revocados` (`clave` text,`expira_en` datetime NOT NULL,PRIMARY KEY (`clave`));
CREATE INDEX `idx_tokens_revocados_expira_en` ON `tokens_revocados`(`expira_en`);

CREATE TABLE `bloqueos_login` (`clave` text,`fallos` integer NOT NULL,`ultimo_fallo` datetime NOT NULL,`bloqueado_hasta` datetime,PRIMARY KEY (`clave`));
CREATE INDEX `idx_bloqueos_login_ultimo_fallo` ON `bloqueos_login`(`ultimo_fallo`);

CREATE TABLE `auditoria` (`id` integer PRIMARY KEY AUTOINCREMENT,`evento` text NOT NULL,`fecha` datetime NOT NULL,`usuario_id` integer,`actor_id` integer,`ip` text,`user_agent` text,`request_id` text,`detalle` text);
CREATE INDEX `idx_aud_evento_fecha` ON `auditoria`(`evento`,`fecha`);
CREATE INDEX `idx_aud_usuario_fecha` ON `auditoria`(`usuario_id`,`fecha`);
CREATE INDEX `idx_auditoria_evento` ON `auditoria`(`evento`);
CREATE INDEX `idx_auditoria_fecha` ON `auditoria`(`fecha`);
CREATE INDEX `idx_auditoria_usuario_id` ON `auditoria`(`usuario_id`);

CREATE TABLE `codigos_recuperacion` (`id` integer PRIMARY KEY AUTOINCREMENT,`usuario_id` integer NOT NULL,`hash` text NOT NULL,`creado_en` datetime NOT NULL,`usado_en` datetime);
CREATE INDEX `idx_codigo_recuperacion_usuario_hash` ON `codigos_recuperacion`(`usuario_id`,`hash`);

CREATE TABLE `vehiculos` (`id` integer PRIMARY KEY AUTOINCREMENT,`placa` text NOT NULL,`marca` text NOT NULL,`modelo` text NOT NULL,`capacidad` integer NOT NULL,`activo` numeric NOT NULL,`creado_en` datetime NOT NULL,`actualizado_en` datetime NOT NULL);
CREATE INDEX `idx_vehiculos_activo` ON `vehiculos`(`activo`);
CREATE UNIQUE INDEX `idx_vehiculos_placa` ON `vehiculos`(`placa`);

CREATE TABLE `solicitudes` (`id` integer PRIMARY KEY AUTOINCREMENT,`codigo` text NOT NULL,`estado` text NOT NULL,`origen` text NOT NULL,`destino` text NOT NULL,`fecha_salida` datetime NOT NULL,`fecha_regreso` datetime,`fin_ventana` datetime NOT NULL,`motivo` text NOT NULL,`pasajeros` integer NOT NULL,`observaciones` text NOT NULL,`busqueda` text NOT NULL,`solicitante_id` integer NOT NULL,`vehiculo_id` integer,`motorista_id` integer,`motivo_rechazo` text,`motivo_cancelacion` text,`version` integer NOT NULL,`creado_en` datetime NOT NULL,`actualizado_en` datetime NOT NULL,CONSTRAINT `fk_solicitudes_solicitante` FOREIGN KEY (`solicitante_id`) REFERENCES `usuarios`(`id`),CONSTRAINT `fk_solicitudes_vehiculo` FOREIGN KEY (`vehiculo_id`) REFERENCES `vehiculos`(`id`),CONSTRAINT `fk_solicitudes_motorista` FOREIGN KEY (`motorista_id`) REFERENCES `usuarios`(`id`));
CREATE INDEX `idx_sol_creado` ON `solicitudes`(`creado_en`);
CREATE INDEX `idx_sol_estado_creado` ON `solicitudes`(`estado`,`creado_en`);
CREATE INDEX `idx_sol_estado_salida` ON `solicitudes`(`estado`,`fecha_salida`);
CREATE INDEX `idx_sol_motorista_ventana` ON `solicitudes`(`motorista_id`,`estado`,`fecha_salida`);
CREATE INDEX `idx_sol_salida` ON `solicitudes`(`fecha_salida`);
CREATE INDEX `idx_sol_solicitante` ON `solicitudes`(`solicitante_id`,`estado`,`creado_en`);
CREATE INDEX `idx_sol_vehiculo_ventana` ON `solicitudes`(`vehiculo_id`,`estado`,`fecha_salida`);
CREATE UNIQUE INDEX `idx_solicitudes_codigo` ON `solicitudes`(`codigo`);

CREATE TABLE `historial_solicitudes` (`id` integer PRIMARY KEY AUTOINCREMENT,`solicitud_id` integer NOT NULL,`estado_anterior` text,`estado_nuevo` text NOT NULL,`usuario_id` integer NOT NULL,`comentario` text NOT NULL,`fecha` datetime NOT NULL,CONSTRAINT `fk_historial_solicitudes_usuario` FOREIGN KEY (`usuario_id`) REFERENCES `usuarios`(`id`));
CREATE INDEX `idx_historial_solicitudes_solicitud_id` ON `historial_solicitudes`(`solicitud_id`);

CREATE TABLE `contadores_codigo` (`anio` integer,`numero` integer NOT NULL,PRIMARY KEY (`anio`));
