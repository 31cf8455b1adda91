-- wrk: GET con el token de TOKEN. wrk informa las respuestas que no son 2xx/3xx.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
