-- Migración 1 en PostgreSQL: el mismo esquema que sqlite/00001 (mismos
-- nombres de tablas, columnas, índices y claves foráneas), con los tipos de
-- PostgreSQL que GORM lee y escribe con las etiquetas de models: bigserial y
-- bigint para los id, timestamptz para los instantes (se guardan en UTC),
-- boolean, varchar con el largo de la etiqueta size y text donde no lo hay.
-- Un cambio de esquema es una migración nueva, nunca una edición de esta.

-- +goose Up
CREATE TABLE usuarios (
	id bigserial PRIMARY KEY,
	username varchar(50) NOT NULL,
	username_norm varchar(50) NOT NULL,
	email varchar(254),
	email_norm varchar(254),
	password_hash text NOT NULL,
	rol varchar(20) NOT NULL,
	activo boolean NOT NULL,
	mfa_habilitado boolean NOT NULL,
	mfa_secreto text,
	mfa_ultimo_paso bigint NOT NULL,
	creado_en timestamptz NOT NULL,
	actualizado_en timestamptz NOT NULL
);
CREATE UNIQUE INDEX idx_usuarios_email_norm ON usuarios(email_norm);
CREATE INDEX idx_usuarios_rol ON usuarios(rol);
CREATE UNIQUE INDEX idx_usuarios_username_norm ON usuarios(username_norm);

CREATE TABLE sesiones (
	id varchar(40) PRIMARY KEY,
	usuario_id bigint NOT NULL,
	creada_en timestamptz NOT NULL,
	ultimo_uso timestamptz NOT NULL,
	expira_en timestamptz NOT NULL,
	ip varchar(64),
	user_agent varchar(255),
	refresh_actual varchar(40) NOT NULL,
	revocada_en timestamptz
);
CREATE INDEX idx_sesiones_expira_en ON sesiones(expira_en);
CREATE INDEX idx_sesiones_revocada_en ON sesiones(revocada_en);
CREATE INDEX idx_sesiones_usuario_id ON sesiones(usuario_id);

CREATE TABLE refresh_tokens (
	jti varchar(40) PRIMARY KEY,
	sesion_id varchar(40) NOT NULL,
	rol varchar(20) NOT NULL,
	emitido_en timestamptz NOT NULL,
	expira_en timestamptz NOT NULL,
	usado_en timestamptz,
	sucesor_jti varchar(40)
);
CREATE INDEX idx_refresh_tokens_sesion_id ON refresh_tokens(sesion_id);

CREATE TABLE tokens_revocados (
	clave varchar(48) PRIMARY KEY,
	expira_en timestamptz NOT NULL
);
CREATE INDEX idx_tokens_revocados_expira_en ON tokens_revocados(expira_en);

CREATE TABLE bloqueos_login (
	clave varchar(300) PRIMARY KEY,
	fallos bigint NOT NULL,
	ultimo_fallo timestamptz NOT NULL,
	bloqueado_hasta timestamptz
);
CREATE INDEX idx_bloqueos_login_ultimo_fallo ON bloqueos_login(ultimo_fallo);

CREATE TABLE auditoria (
	id bigserial PRIMARY KEY,
	evento varchar(40) NOT NULL,
	fecha timestamptz NOT NULL,
	usuario_id bigint,
	actor_id bigint,
	ip varchar(64),
	user_agent varchar(255),
	request_id varchar(128),
	detalle varchar(500)
);
CREATE INDEX idx_aud_evento_fecha ON auditoria(evento, fecha);
CREATE INDEX idx_aud_usuario_fecha ON auditoria(usuario_id, fecha);
CREATE INDEX idx_auditoria_evento ON auditoria(evento);
CREATE INDEX idx_auditoria_fecha ON auditoria(fecha);
CREATE INDEX idx_auditoria_usuario_id ON auditoria(usuario_id);

CREATE TABLE codigos_recuperacion (
	id bigserial PRIMARY KEY,
	usuario_id bigint NOT NULL,
	hash varchar(64) NOT NULL,
	creado_en timestamptz NOT NULL,
	usado_en timestamptz
);
CREATE INDEX idx_codigo_recuperacion_usuario_hash ON codigos_recuperacion(usuario_id, hash);

CREATE TABLE vehiculos (
	id bigserial PRIMARY KEY,
	placa varchar(20) NOT NULL,
	marca varchar(100) NOT NULL,
	modelo varchar(100) NOT NULL,
	capacidad bigint NOT NULL,
	activo boolean NOT NULL,
	creado_en timestamptz NOT NULL,
	actualizado_en timestamptz NOT NULL
);
CREATE INDEX idx_vehiculos_activo ON vehiculos(activo);
CREATE UNIQUE INDEX idx_vehiculos_placa ON vehiculos(placa);

CREATE TABLE solicitudes (
	id bigserial PRIMARY KEY,
	codigo varchar(20) NOT NULL,
	estado varchar(20) NOT NULL,
	origen varchar(200) NOT NULL,
	destino varchar(200) NOT NULL,
	fecha_salida timestamptz NOT NULL,
	fecha_regreso timestamptz,
	fin_ventana timestamptz NOT NULL,
	motivo varchar(1000) NOT NULL,
	pasajeros bigint NOT NULL,
	observaciones varchar(1000) NOT NULL,
	busqueda varchar(1500) NOT NULL,
	solicitante_id bigint NOT NULL,
	vehiculo_id bigint,
	motorista_id bigint,
	motivo_rechazo varchar(1000),
	motivo_cancelacion varchar(1000),
	version bigint NOT NULL,
	creado_en timestamptz NOT NULL,
	actualizado_en timestamptz NOT NULL,
	CONSTRAINT fk_solicitudes_solicitante FOREIGN KEY (solicitante_id) REFERENCES usuarios(id),
	CONSTRAINT fk_solicitudes_vehiculo FOREIGN KEY (vehiculo_id) REFERENCES vehiculos(id),
	CONSTRAINT fk_solicitudes_motorista FOREIGN KEY (motorista_id) REFERENCES usuarios(id)
);
CREATE INDEX idx_sol_creado ON solicitudes(creado_en);
CREATE INDEX idx_sol_estado_creado ON solicitudes(estado, creado_en);
CREATE INDEX idx_sol_estado_salida ON solicitudes(estado, fecha_salida);
CREATE INDEX idx_sol_motorista_ventana ON solicitudes(motorista_id, estado, fecha_salida);
CREATE INDEX idx_sol_salida ON solicitudes(fecha_salida);
CREATE INDEX idx_sol_solicitante ON solicitudes(solicitante_id, estado, creado_en);
CREATE INDEX idx_sol_vehiculo_ventana ON solicitudes(vehiculo_id, estado, fecha_salida);
CREATE UNIQUE INDEX idx_solicitudes_codigo ON solicitudes(codigo);

CREATE TABLE historial_solicitudes (
	id bigserial PRIMARY KEY,
	solicitud_id bigint NOT NULL,
	estado_anterior varchar(20),
	estado_nuevo varchar(20) NOT NULL,
	usuario_id bigint NOT NULL,
	comentario varchar(1000) NOT NULL,
	fecha timestamptz NOT NULL,
	CONSTRAINT fk_historial_solicitudes_usuario FOREIGN KEY (usuario_id) REFERENCES usuarios(id)
);
CREATE INDEX idx_historial_solicitudes_solicitud_id ON historial_solicitudes(solicitud_id);

CREATE TABLE contadores_codigo (
	anio bigint PRIMARY KEY,
	numero bigint NOT NULL
);

-- +goose Down
DROP TABLE contadores_codigo;
DROP TABLE historial_solicitudes;
DROP TABLE solicitudes;
DROP TABLE vehiculos;
DROP TABLE codigos_recuperacion;
DROP TABLE auditoria;
DROP TABLE bloqueos_login;
DROP TABLE tokens_revocados;
DROP TABLE refresh_tokens;
DROP TABLE sesiones;
DROP TABLE usuarios;
