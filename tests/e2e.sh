#!/usr/bin/env bash
# Recorrido de punta a punta contra una instancia en marcha de la API:
# login → me → crear solicitud → listar → refresh → logout.
#
#   API_USER=api_user API_PASSWORD='…' bash tests/e2e.sh http://127.0.0.1:8000
#
# Imprime una línea por paso («ok   N paso» o «FAIL N paso: motivo») y termina
# con «N passed, M failed»; sale con 1 si algún paso falla. Necesita curl y jq.
set -u

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "uso: API_USER=… API_PASSWORD=… $0 BASE_URL" >&2
  exit 2
fi
BASE_URL="${1%/}"
: "${API_USER:=api_user}"
if [ -z "${API_PASSWORD:-}" ]; then
  echo "falta API_PASSWORD (la contraseña de $API_USER)" >&2
  exit 2
fi
for herramienta in curl jq; do
  command -v "$herramienta" >/dev/null || { echo "falta $herramienta" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pasados=0
fallidos=0
paso=0
STATUS=""
CUERPO=""

# llamar MÉTODO RUTA [TOKEN] [JSON]: deja el estado en STATUS y el cuerpo en
# CUERPO. Ante un 429 espera Retry-After (hasta 60 s) y reintenta una vez.
llamar() {
  local metodo=$1 ruta=$2 token=${3:-} json=${4:-} intento espera
  local args=(-sS -o "$tmp/cuerpo" -D "$tmp/cabeceras" -w '%{http_code}' -X "$metodo"
    -H 'Accept: application/json' -H "X-Request-ID: e2e-$$-$paso")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  [ -n "$json" ] && args+=(-H 'Content-Type: application/json' --data-binary "$json")
  for intento in 1 2; do
    STATUS=$(curl "${args[@]}" "$BASE_URL$ruta" 2>"$tmp/error") || STATUS="000"
    CUERPO=$(cat "$tmp/cuerpo" 2>/dev/null || true)
    [ "$STATUS" = "000" ] && CUERPO=$(head -c 200 "$tmp/error")
    [ "$STATUS" = "429" ] && [ "$intento" = 1 ] || break
    espera=$(tr -d '\r' <"$tmp/cabeceras" | awk -F': *' 'tolower($1) == "retry-after" {print $2}')
    [[ "$espera" =~ ^[0-9]+$ ]] && [ "$espera" -le 60 ] || break
    sleep "$espera"
  done
  return 0
}

# dato FILTRO_JQ: extrae un valor del último cuerpo ("" si no está).
dato() { jq -r "$1 // empty" <<<"$CUERPO" 2>/dev/null || true; }

ok() { pasados=$((pasados + 1)); printf 'ok   %d %s\n' "$paso" "$1"; }
falla() {
  fallidos=$((fallidos + 1))
  printf 'FAIL %d %s: %s; cuerpo: %.300s\n' "$paso" "$1" "$2" "$(tr -d '\n' <<<"$CUERPO")"
}

# comprobar NOMBRE STATUS_ESPERADO [CONDICIÓN_JQ]: la respuesta tiene ese
# estado, el sobre de éxito y cumple la condición (que puede usar $usuario y $id).
comprobar() {
  local nombre=$1 esperado=$2 condicion=${3:-true}
  if [ "$STATUS" != "$esperado" ]; then
    falla "$nombre" "status $STATUS, se esperaba $esperado"
  elif [ "$(jq -r --arg usuario "$API_USER" --arg id "${ID:-}" "(.exito == true) and ($condicion)" <<<"$CUERPO" 2>/dev/null)" != "true" ]; then
    falla "$nombre" "la respuesta no cumple: .exito == true and $condicion"
  else
    ok "$nombre"
  fi
}

paso=1
llamar POST /auth/login "" "$(jq -nc --arg u "$API_USER" --arg p "$API_PASSWORD" '{username: $u, password: $p}')"
comprobar "login" 200 '(.datos.accessToken | length > 0) and (.datos.refreshToken | length > 0) and .datos.tokenType == "Bearer"'
ACCESO=$(dato .datos.accessToken)
REFRESH=$(dato .datos.refreshToken)

paso=2
llamar GET /auth/me "$ACCESO"
comprobar "me" 200 '(.datos.username | ascii_downcase) == ($usuario | ascii_downcase) or (.datos.email // "" | ascii_downcase) == ($usuario | ascii_downcase)'

# Un flujo de GET /eventos abierto antes de crear la solicitud: el paso 8
# comprueba que trajo su evento y que se cerró con el logout del paso 6.
curl -sS -N --max-time 30 -H "Authorization: Bearer $ACCESO" "$BASE_URL/eventos" >"$tmp/eventos" 2>/dev/null &
EVENTOS_PID=$!
sleep 1

paso=3
SALIDA=$(date -u -d '+3 days' +%Y-%m-%dT09:00:00Z)
MOTIVO="Prueba e2e $$-$(date +%s)"
llamar POST /solicitud/ "$ACCESO" "$(jq -nc --arg f "$SALIDA" --arg m "$MOTIVO" \
  '{origen: "Oficina central", destino: "Juzgado de prueba", fechaSalida: $f, motivo: $m, pasajeros: 2}')"
comprobar "crear solicitud" 201 '.datos.estado == "pendiente" and (.datos.id | type == "number") and (.datos.codigo | test("^ST-"))'
ID=$(dato .datos.id)
[ -z "$ID" ] && ID="sin-id"
CODIGO=$(dato .datos.codigo)

paso=4
llamar GET "/solicitud/?estado=pendiente&porPagina=100&orden=-creadoEn" "$ACCESO"
comprobar "listar solicitudes" 200 '(.datos.elementos | type == "array") and (.datos.total | type == "number") and any(.datos.elementos[]; (.id | tostring) == $id)'

paso=5
llamar POST /auth/refresh "" "$(jq -nc --arg r "$REFRESH" '{refreshToken: $r}')"
comprobar "refresh" 200 '(.datos.accessToken | length > 0) and (.datos.refreshToken | length > 0)'
NUEVO=$(dato .datos.accessToken)
[ -n "$NUEVO" ] && ACCESO=$NUEVO

paso=6
llamar POST /auth/logout "$ACCESO" '{"alcance": "sesion"}'
comprobar "logout" 200

paso=7
llamar GET /auth/me "$ACCESO"
if [ "$STATUS" = "401" ] && [ "$(dato .codigo)" = "TOKEN_REVOCADO" ]; then
  ok "token revocado tras logout"
else
  falla "token revocado tras logout" "status $STATUS, codigo $(dato .codigo); se esperaba 401 TOKEN_REVOCADO"
fi

paso=8
wait "$EVENTOS_PID" || true
CUERPO=$(head -c 2000 "$tmp/eventos")
if grep -q '^event: solicitud.creada$' "$tmp/eventos" && grep -qF "\"codigo\":\"$CODIGO\"" "$tmp/eventos" &&
  grep -q '^event: sesion_revocada$' "$tmp/eventos"; then
  ok "evento en vivo por GET /eventos y cierre del flujo al cerrar sesión"
else
  falla "evento en vivo por GET /eventos" "se esperaba solicitud.creada de $CODIGO y sesion_revocada"
fi

echo "$pasados passed, $fallidos failed"
[ "$fallidos" -eq 0 ]
