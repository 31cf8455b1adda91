-- POST /auth/refresh con rotación: cada respuesta trae el refresh token
-- siguiente, que vuelve a la cola; REFRESH_FILE tiene un token por línea
-- (más que conexiones, para que la cola nunca se vacíe).
local cola = {}
for l in io.lines(os.getenv("REFRESH_FILE")) do
  if #l > 0 then table.insert(cola, l) end
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local t = table.remove(cola, 1) or "vacio"
  return wrk.format(nil, nil, nil, '{"refreshToken":"' .. t .. '"}')
end
response = function(status, headers, body)
  local t = body:match('"refreshToken":"([^"]+)"')
  if t then table.insert(cola, t) end
end
