-- Migración 9: webhooks (API.md §11.2).
--
-- webhooks.ultimo_evento es el cursor de cada webhook en la bandeja de
-- salida: el despachador convierte los eventos con id mayor en envíos y lo
-- adelanta en la misma transacción, con la fila del webhook tomada FOR
-- UPDATE, así dos instancias nunca despachan dos veces el mismo evento. Al
-- crearlo (o reactivarlo) vale el último evento existente: un webhook recibe
-- lo que pasa desde entonces, no la historia.
--
-- webhook_envios es la cola: una fila por evento pendiente de entregar a un
-- webhook. proximo_en es a la vez la hora del próximo intento y el arriendo
-- de un intento en curso (al reclamarlo se corre al futuro): un intento que
-- muere con su proceso (kill -9) se repite cuando vence. La fila se borra al
-- entregarse o al darse por fallida; lo que queda en la tabla es lo
-- pendiente. cuerpo es el JSON que se firma, fijado al despachar: cada
-- reintento envía los mismos bytes.
--
-- webhook_entregas es el registro de intentos que ve el administrador
-- (evento_id NULL: un ping de /probar).

-- +goose Up
CREATE TABLE webhooks (
	id bigserial PRIMARY KEY,
	url varchar(2000) NOT NULL,
	eventos text NOT NULL,
	descripcion varchar(500) NOT NULL DEFAULT '',
	secreto_cifrado text NOT NULL,
	activo boolean NOT NULL DEFAULT true,
	ultimo_evento bigint NOT NULL DEFAULT 0,
	creado_en timestamptz NOT NULL,
	actualizado_en timestamptz NOT NULL
);
CREATE TABLE webhook_envios (
	id bigserial PRIMARY KEY,
	webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	evento_id bigint NOT NULL,
	cuerpo text NOT NULL,
	intento integer NOT NULL DEFAULT 0,
	proximo_en timestamptz NOT NULL,
	primer_intento_en timestamptz,
	UNIQUE (webhook_id, evento_id)
);
CREATE INDEX idx_webhook_envios_proximo ON webhook_envios (proximo_en);
CREATE TABLE webhook_entregas (
	id bigserial PRIMARY KEY,
	webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
	evento_id bigint,
	intento integer NOT NULL,
	estado_http integer,
	duracion_ms bigint NOT NULL,
	error varchar(500),
	fecha timestamptz NOT NULL,
	resultado varchar(20) NOT NULL
);
CREATE INDEX idx_webhook_entregas_webhook ON webhook_entregas (webhook_id, id);
CREATE INDEX idx_webhook_entregas_fecha ON webhook_entregas (fecha);

-- +goose Down
DROP TABLE webhook_entregas;
DROP TABLE webhook_envios;
DROP TABLE webhooks;
