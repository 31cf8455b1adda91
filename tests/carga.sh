#!/usr/bin/env bash
# Carga con wrk contra una o más instancias ya arrancadas (misma base):
#
#   API_USER=api_user API_PASSWORD='…' bash tests/carga.sh http://127.0.0.1:8000 [http://127.0.0.1:8001 …]
#
# Mide los cuatro caminos calientes: GET /solicitud/{id}, GET /solicitud/
# (página de 20), POST /solicitud/ y POST /auth/refresh (con rotación: cada
# respuesta trae el refresh token siguiente), repartiendo CONEXIONES (32 por
# defecto) entre las instancias durante DURACION (10s), un wrk por instancia
# a la vez, y suma las peticiones por segundo. Necesita wrk, curl y jq
# (apt-get install wrk curl jq). Solo apunta a direcciones de esta máquina.
#
# El refresh necesita un refresh token por conexión (y de sobra): el script
# inicia 2 × CONEXIONES sesiones, así que el servidor debe admitir esos
# logins (RATE_LIMIT_AUTH_PER_MINUTE alto); crear, muchas escrituras del
# mismo usuario (RATE_LIMIT_WRITES_PER_MINUTE=0 las deja sin límite).
# ESCENARIOS elige cuáles correr (por defecto "ver lista crear refresh").
# Para medir como en el issue 13, el servidor en un núcleo y wrk en otro:
#   GOMAXPROCS=1 taskset -c 0 ./servidor   y   WRK='taskset -c 1 wrk' bash tests/carga.sh …
set -euo pipefail
[ $# -ge 1 ] || { echo "uso: $0 URL [URL…]"; exit 2; }
cd "$(dirname "$0")/carga"
conexiones=${CONEXIONES:-32}
duracion=${DURACION:-10s}
escenarios=${ESCENARIOS:-ver lista crear refresh}
wrk=${WRK:-wrk}
n=$#
por_instancia=$(( (conexiones + n - 1) / n ))
login() {
  curl -fsS -X POST "$1/auth/login" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg u "${API_USER:-api_user}" --arg p "${API_PASSWORD:?defina API_PASSWORD}" '{username:$u,password:$p}')"
}
export TOKEN SALIDA REFRESH_FILE
TOKEN=$(login "$1" | jq -r .datos.accessToken)
SALIDA=$(date -u -d '+30 days' +%Y-%m-%dT09:00:00Z)
id=$(curl -fsS -X POST "$1/solicitud/" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"origen\":\"Oficina central\",\"destino\":\"Juzgado\",\"fechaSalida\":\"$SALIDA\",\"motivo\":\"Carga\",\"pasajeros\":1}" | jq -r .datos.id)
tokens=$(mktemp -d)
trap 'rm -rf "$tokens"' EXIT

correr() { # nombre, ruta, script
  local salida total=0
  salida=$(mktemp -d)
  local i=0
  for base in "${URLS[@]}"; do
    REFRESH_FILE=$tokens/$i.txt
    $wrk -t1 -c"$por_instancia" -d"$duracion" --latency -s "$3" "$base$2" >"$salida/$i.txt" 2>&1 &
    i=$((i + 1))
  done
  wait
  echo "== $1 ($n instancia(s), $conexiones conexiones, $duracion)"
  for f in "$salida"/*.txt; do
    grep -E 'Requests/sec|Latency |50%|99%|Non-2xx|Socket errors' "$f" | sed 's/^/   /'
    r=$(awk '/Requests\/sec/ {print $2}' "$f")
    total=$(awk -v a="$total" -v b="$r" 'BEGIN {print a + b}')
  done
  echo "   total: $total peticiones/s"
  rm -rf "$salida"
}
URLS=("$@")
for e in $escenarios; do
  case $e in
  ver) correr "GET /solicitud/$id" "/solicitud/$id" get.lua ;;
  lista) correr "GET /solicitud/ (página de 20)" "/solicitud/?porPagina=20" get.lua ;;
  crear) correr "POST /solicitud/" "/solicitud/" post_solicitud.lua ;;
  refresh)
    i=0
    for base in "${URLS[@]}"; do
      for _ in $(seq $((por_instancia * 2))); do login "$base" | jq -r .datos.refreshToken; done >"$tokens/$i.txt"
      i=$((i + 1))
    done
    correr "POST /auth/refresh (rotación)" "/auth/refresh" refresh.lua ;;
  *) echo "escenario desconocido: $e"; exit 2 ;;
  esac
done
