-- Migración 4: la versión de las credenciales de cada cuenta (API.md §12,
-- «el cambio de credenciales gana al login en curso»). Cada cambio de
-- contraseña, activación o desactivación de MFA, desactivación de la cuenta
-- o revocación de todas sus sesiones la incrementa; un login (o su segundo
-- paso MFA) crea la sesión solo si la versión sigue siendo la que leyó al
-- comprobar las credenciales, con un UPDATE condicional de la fila del
-- usuario (que la bloquea hasta el fin de la transacción) comprobado por
-- filas afectadas (store.crearSesion). Con DEFAULT constante, ADD COLUMN no
-- reescribe la tabla.

-- +goose Up
ALTER TABLE usuarios ADD COLUMN credenciales_version bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE usuarios DROP COLUMN credenciales_version;
