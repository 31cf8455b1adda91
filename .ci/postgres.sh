#!/usr/bin/env bash
# Arranca un PostgreSQL privado para las pruebas: instala el paquete de Debian
# si falta, crea un clúster en una carpeta temporal y lo arranca como el
# usuario postgres (initdb y postgres se niegan a correr como root) en un
# puerto y una carpeta de sockets propios. Se usa con `source`: deja
# TEST_DATABASE_URL exportada y la función pg_parar para el final.
set -euo pipefail

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

pg_dir=$(mktemp -d /tmp/pg-ci.XXXXXX)
chown postgres:postgres "$pg_dir"
pg_port=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then pg_port=$p; break; fi
done
[ -n "$pg_port" ] || { echo "no se encontró un puerto libre para PostgreSQL"; exit 1; }

pg_pass="ci-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
echo "$pg_pass" > "$pg_dir/pass" && chown postgres:postgres "$pg_dir/pass" && chmod 600 "$pg_dir/pass"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/datos" -U postgres --pwfile="$pg_dir/pass" \
  -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
  || { cat "$pg_dir/initdb.log"; exit 1; }
# Ajustes de un servidor de pruebas desechable: sin fsync, más conexiones
# (cada prueba abre su propio pool) y solo por loopback.
# PG_CI_OPCIONES se exporta para volver a arrancarlo igual:
#   runuser -u postgres -- "$PG_CI_BIN/pg_ctl" -D "$PG_CI_DIR/datos" -o "$PG_CI_OPCIONES" start
pg_opciones="-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/datos" -l "$pg_dir/servidor.log" -w -t 60 \
  -o "$pg_opciones" start >/dev/null || { cat "$pg_dir/servidor.log"; exit 1; }

pg_parar() {
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/datos" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}

export PG_CI_BIN="$pg_bin" PG_CI_DIR="$pg_dir" PG_CI_PORT="$pg_port" PG_CI_OPCIONES="$pg_opciones"
export TEST_DATABASE_URL="postgres://postgres:${pg_pass}@127.0.0.1:${pg_port}/postgres?sslmode=disable"
