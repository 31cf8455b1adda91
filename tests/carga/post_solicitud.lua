-- wrk: POST /solicitud/ con un cuerpo válido. TOKEN y SALIDA llegan por el
-- entorno (tests/carga.sh los fija).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"origen":"Oficina central","destino":"Juzgado de Santa Ana","fechaSalida":"' ..
  os.getenv("SALIDA") .. '","motivo":"Audiencia programada","pasajeros":2}'
