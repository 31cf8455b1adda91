package tests

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"solicitud-transporte/models"
)

func TestCrearSolicitud(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	ana := env.loginComo("ana", models.RolSolicitante)

	t.Run("201 con la forma de §7", func(t *testing.T) {
		c := env.cuerpoSolicitud(1)
		c["fechaRegreso"] = "2026-03-03T12:30:00-06:00"
		c["observaciones"] = "Llevar expedientes"
		r := env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: ana.AccessToken, cuerpo: c}).esperar(t, 201, "")
		if r.mensaje != "Solicitud creada exitosamente" {
			t.Fatalf("mensaje = %q", r.mensaje)
		}
		var s solicitudR
		r.leer(t, &s)
		if s.Estado != "pendiente" || s.Version != 1 || s.Solicitante.ID != ana.User.ID || s.Solicitante.Username != "ana" ||
			s.Vehiculo != nil || s.Motorista != nil || s.Pasajeros != 3 || s.FechaSalida != "2026-03-03T09:00:00-06:00" ||
			s.FechaRegreso == nil || *s.FechaRegreso != "2026-03-03T12:30:00-06:00" || s.Observaciones == nil ||
			s.CreadoEn != "2026-03-02T09:00:00-06:00" {
			t.Fatalf("solicitud = %s", r.datos)
		}
		if !regexp.MustCompile(`^ST-2026-\d{6}$`).MatchString(s.Codigo) {
			t.Fatalf("codigo = %q", s.Codigo)
		}
		// los nulos salen como null, no se omiten
		for _, campo := range []string{`"vehiculo":null`, `"motorista":null`, `"motivoRechazo":null`, `"motivoCancelacion":null`} {
			if !strings.Contains(string(r.datos), campo) {
				t.Fatalf("falta %s en %s", campo, r.datos)
			}
		}
	})

	t.Run("códigos consecutivos y únicos", func(t *testing.T) {
		a := env.crearSolicitud(t, ana.AccessToken, env.cuerpoSolicitud(2))
		b := env.crearSolicitud(t, ana.AccessToken, env.cuerpoSolicitud(3))
		var na, nb int
		fmt.Sscanf(a.Codigo, "ST-2026-%d", &na)
		fmt.Sscanf(b.Codigo, "ST-2026-%d", &nb)
		if nb != na+1 {
			t.Fatalf("códigos %s, %s", a.Codigo, b.Codigo)
		}
	})

	t.Run("asignación masiva imposible", func(t *testing.T) {
		c := env.cuerpoSolicitud(4)
		c["estado"], c["solicitante"], c["solicitanteId"], c["vehiculo"], c["vehiculoId"], c["motoristaId"] = "aprobada", map[string]any{"id": 1}, 1, map[string]any{"id": 1}, 1, 1
		c["version"], c["codigo"], c["id"] = 99, "ST-1999-000001", 777
		s := env.crearSolicitud(t, ana.AccessToken, c)
		if s.Estado != "pendiente" || s.Solicitante.ID != ana.User.ID || s.Vehiculo != nil || s.Motorista != nil || s.Version != 1 ||
			s.ID == 777 || s.Codigo == "ST-1999-000001" {
			t.Fatalf("se aceptaron campos protegidos: %+v", s)
		}
	})

	largo := func(n int) string { return strings.Repeat("a", n) }
	casos := []struct {
		nombre string
		cambio map[string]any
		campo  string
	}{
		{"origen ausente", map[string]any{"origen": nil}, "origen"},
		{"origen corto", map[string]any{"origen": "ab"}, "origen"},
		{"origen largo", map[string]any{"origen": largo(201)}, "origen"},
		{"destino vacío", map[string]any{"destino": "   "}, "destino"},
		{"destino largo", map[string]any{"destino": largo(201)}, "destino"},
		{"fechaSalida ausente", map[string]any{"fechaSalida": nil}, "fechaSalida"},
		{"fechaSalida pasada", map[string]any{"fechaSalida": "2026-03-02T08:59:00-06:00"}, "fechaSalida"},
		{"fechaSalida ahora", map[string]any{"fechaSalida": "2026-03-02T15:00:00Z"}, "fechaSalida"},
		{"fechaSalida sin zona", map[string]any{"fechaSalida": "2026-03-05T10:00:00"}, "fechaSalida"},
		{"fechaSalida solo día", map[string]any{"fechaSalida": "2026-03-05"}, "fechaSalida"},
		{"fechaRegreso antes", map[string]any{"fechaRegreso": "2026-03-03T08:00:00-06:00"}, "fechaRegreso"},
		{"fechaRegreso igual", map[string]any{"fechaRegreso": "2026-03-03T09:00:00-06:00"}, "fechaRegreso"},
		{"fechaRegreso mal", map[string]any{"fechaRegreso": "mañana"}, "fechaRegreso"},
		{"motivo ausente", map[string]any{"motivo": nil}, "motivo"},
		{"motivo largo", map[string]any{"motivo": largo(1001)}, "motivo"},
		{"pasajeros ausente", map[string]any{"pasajeros": nil}, "pasajeros"},
		{"pasajeros cero", map[string]any{"pasajeros": 0}, "pasajeros"},
		{"pasajeros 61", map[string]any{"pasajeros": 61}, "pasajeros"},
		{"observaciones largas", map[string]any{"observaciones": largo(1001)}, "observaciones"},
	}
	for _, c := range casos {
		t.Run(c.nombre, func(t *testing.T) {
			cuerpo := env.cuerpoSolicitud(1)
			for k, v := range c.cambio {
				if v == nil {
					delete(cuerpo, k)
				} else {
					cuerpo[k] = v
				}
			}
			r := env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: ana.AccessToken, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != c.campo || r.errores[0].Mensaje == "" {
				t.Fatalf("errores = %+v, want solo %s", r.errores, c.campo)
			}
		})
	}
	t.Run("límites válidos", func(t *testing.T) {
		c := env.cuerpoSolicitud(1)
		c["origen"], c["destino"], c["motivo"], c["pasajeros"], c["observaciones"] = "abc", "Ñandú "+largo(194), largo(1000), 60, largo(1000)
		env.crearSolicitud(t, ana.AccessToken, c)
		c["pasajeros"] = 1
		env.crearSolicitud(t, ana.AccessToken, c)
	})
	t.Run("varios campos a la vez", func(t *testing.T) {
		r := env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: ana.AccessToken, cuerpo: map[string]any{}}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 5 {
			t.Fatalf("errores = %+v", r.errores)
		}
	})
	t.Run("tipos equivocados y sin token", func(t *testing.T) {
		c := env.cuerpoSolicitud(1)
		c["pasajeros"] = "tres"
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: ana.AccessToken, cuerpo: c}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: ana.AccessToken, cuerpo: "{"}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
		env.hacer(peticion{metodo: "POST", ruta: "/solicitud", cuerpo: env.cuerpoSolicitud(1)}).esperar(t, 401, "TOKEN_NO_PROPORCIONADO")
	})
}

// TestVisibilidadSolicitudes: cada rol ve lo que §5 permite; lo invisible es
// 404 igual que lo inexistente (IDOR), en detalle, edición, historial y lista.
func TestVisibilidadSolicitudes(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("v")
	ana := env.loginComo("ana", models.RolSolicitante)
	beto := env.loginComo("beto", models.RolSolicitante)
	apro := env.loginComo("apro", models.RolAprobador)
	otroMot := env.loginComo("motorista_z", models.RolMotorista)

	deAna := env.crearSolicitud(t, ana.AccessToken, env.cuerpoSolicitud(1))
	asignada := env.llevarA(t, f, ana.AccessToken, 2, "asignada")
	deBeto := env.crearSolicitud(t, beto.AccessToken, env.cuerpoSolicitud(3))
	delMotorista := env.crearSolicitud(t, f.motorista.AccessToken, env.cuerpoSolicitud(4))

	ve := map[string][]uint{
		"admin":          {deAna.ID, asignada.ID, deBeto.ID, delMotorista.ID},
		"aprobador":      {deAna.ID, asignada.ID, deBeto.ID, delMotorista.ID},
		"ana":            {deAna.ID, asignada.ID},
		"beto":           {deBeto.ID},
		"motorista":      {asignada.ID, delMotorista.ID},
		"otro motorista": {},
	}
	tokens := map[string]string{"admin": f.admin, "aprobador": apro.AccessToken, "ana": ana.AccessToken,
		"beto": beto.AccessToken, "motorista": f.motorista.AccessToken, "otro motorista": otroMot.AccessToken}
	for quien, ids := range ve {
		t.Run(quien, func(t *testing.T) {
			var p paginaR[solicitudR]
			env.hacer(peticion{metodo: "GET", ruta: "/solicitud/", token: tokens[quien]}).esperar(t, 200, "").leer(t, &p)
			if int(p.Total) != len(ids) || len(p.Elementos) != len(ids) {
				t.Fatalf("total = %d, want %d", p.Total, len(ids))
			}
			visibles := map[uint]bool{}
			for _, id := range ids {
				visibles[id] = true
			}
			for _, s := range p.Elementos {
				if !visibles[s.ID] {
					t.Fatalf("ve la solicitud %d", s.ID)
				}
			}
			for _, id := range []uint{deAna.ID, asignada.ID, deBeto.ID, delMotorista.ID, 9999} {
				for _, ruta := range []string{"/solicitud/%d", "/solicitud/%d/historial"} {
					r := env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf(ruta, id), token: tokens[quien]})
					if visibles[id] {
						r.esperar(t, 200, "")
					} else {
						r.esperar(t, 404, "NO_ENCONTRADO")
					}
				}
				if !visibles[id] {
					env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/solicitud/%d", id), token: tokens[quien],
						cuerpo: map[string]any{"version": 1, "motivo": "robado"}}).esperar(t, 404, "NO_ENCONTRADO")
				}
			}
		})
	}
	t.Run("id no numérico", func(t *testing.T) {
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud/abc", token: f.admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud/-1", token: f.admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "DELETE", ruta: "/solicitud/1", token: f.admin}).esperar(t, 405, "METODO_NO_PERMITIDO")
	})
}

func TestEditarSolicitud(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("e")
	ana := env.loginComo("ana", models.RolSolicitante)
	apro := env.loginComo("apro", models.RolAprobador)
	ruta := func(id uint) string { return fmt.Sprintf("/solicitud/%d", id) }

	t.Run("el dueño edita con version", func(t *testing.T) {
		s := env.crearSolicitud(t, ana.AccessToken, env.cuerpoSolicitud(1))
		var e solicitudR
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: ana.AccessToken, cuerpo: map[string]any{
			"version": 1, "destino": "Juzgado de San Miguel", "pasajeros": 5, "fechaRegreso": "2026-03-03T18:00:00-06:00",
		}}).esperar(t, 200, "").leer(t, &e)
		if e.Version != 2 || e.Destino != "Juzgado de San Miguel" || e.Pasajeros != 5 || e.Origen != s.Origen ||
			e.FechaRegreso == nil || e.Codigo != s.Codigo {
			t.Fatalf("editada = %+v", e)
		}
		var p paginaR[solicitudR]
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?q=SAN+MIGUEL", token: ana.AccessToken}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 1 || p.Elementos[0].ID != s.ID {
			t.Fatalf("la búsqueda no ve la edición: %d", p.Total)
		}
		// fechaRegreso null la borra
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: ana.AccessToken, cuerpo: map[string]any{
			"version": 2, "fechaRegreso": nil}}).esperar(t, 200, "").leer(t, &e)
		if e.FechaRegreso != nil || e.Version != 3 {
			t.Fatalf("fechaRegreso = %v", e.FechaRegreso)
		}
		// version vieja: CONFLICTO
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: ana.AccessToken, cuerpo: map[string]any{
			"version": 2, "motivo": "otro"}}).esperar(t, 409, "CONFLICTO")
		// sin version
		r := env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: ana.AccessToken, cuerpo: map[string]any{"motivo": "otro"}}).esperar(t, 422, "VALIDACION")
		if r.errores[0].Campo != "version" {
			t.Fatalf("errores = %+v", r.errores)
		}
		// estado y solicitante no se editan
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: ana.AccessToken, cuerpo: map[string]any{
			"version": 3, "estado": "aprobada", "solicitanteId": apro.User.ID, "vehiculoId": f.vehiculo}}).esperar(t, 200, "").leer(t, &e)
		if e.Estado != "pendiente" || e.Solicitante.ID != ana.User.ID || e.Vehiculo != nil {
			t.Fatalf("campos protegidos cambiados: %+v", e)
		}
	})
	t.Run("validación con las reglas de creación", func(t *testing.T) {
		s := env.crearSolicitud(t, ana.AccessToken, env.cuerpoSolicitud(2))
		for campo, valor := range map[string]any{"origen": "ab", "fechaSalida": "2020-01-01T00:00:00Z", "pasajeros": 0,
			"fechaRegreso": "2026-03-04T08:00:00-06:00", "motivo": ""} {
			r := env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: ana.AccessToken, cuerpo: map[string]any{"version": 1, campo: valor}}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: errores = %+v", campo, r.errores)
			}
		}
	})
	t.Run("ya no pendiente: TRANSICION_INVALIDA", func(t *testing.T) {
		s := env.llevarA(t, f, ana.AccessToken, 3, "aprobada")
		env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: ana.AccessToken, cuerpo: map[string]any{
			"version": s.Version, "motivo": "otro"}}).esperar(t, 409, "TRANSICION_INVALIDA")
	})
	t.Run("no dueño que la ve: 403", func(t *testing.T) {
		s := env.crearSolicitud(t, ana.AccessToken, env.cuerpoSolicitud(4))
		for _, tok := range []string{apro.AccessToken, f.admin} {
			env.hacer(peticion{metodo: "PATCH", ruta: ruta(s.ID), token: tok, cuerpo: map[string]any{
				"version": 1, "motivo": "otro"}}).esperar(t, 403, "PERMISOS_INSUFICIENTES")
		}
	})
}

// TestListarSolicitudes cubre filtros, orden, paginación y su validación.
func TestListarSolicitudes(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("l")
	ana := env.loginComo("ana", models.RolSolicitante)
	// 25 solicitudes: día i (1..25), creadas un minuto aparte; estados variados.
	ids := make([]uint, 0, 25)
	for i := 1; i <= 25; i++ {
		c := env.cuerpoSolicitud(i)
		if i%5 == 0 {
			c["destino"] = fmt.Sprintf("Hospital Rosales %d", i)
		}
		if i == 7 {
			c["motivo"] = "Traslado de 50%_DE evidencia"
		}
		if i == 8 {
			c["origen"] = "Juzgado de ÁVILA"
		}
		s := env.crearSolicitud(t, ana.AccessToken, c)
		switch {
		case i%3 == 0:
			env.accion(f.admin, s.ID, "aprobar", nil).esperar(t, 200, "")
		case i%4 == 0:
			env.accion(f.admin, s.ID, "rechazar", map[string]any{"motivo": "no"}).esperar(t, 200, "")
		}
		ids = append(ids, s.ID)
		env.reloj.Avanzar(time.Minute)
	}
	listar := func(t *testing.T, query string) paginaR[solicitudR] {
		t.Helper()
		var p paginaR[solicitudR]
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?" + query, token: f.admin}).esperar(t, 200, "").leer(t, &p)
		return p
	}
	t.Run("por defecto: -creadoEn, 20 por página", func(t *testing.T) {
		p := listar(t, "")
		if p.Total != 25 || p.Pagina != 1 || p.PorPagina != 20 || p.TotalPaginas != 2 || len(p.Elementos) != 20 || p.Elementos[0].ID != ids[24] {
			t.Fatalf("página = %d/%d/%d/%d, primero %d", p.Total, p.Pagina, p.PorPagina, p.TotalPaginas, p.Elementos[0].ID)
		}
		p = listar(t, "pagina=2")
		if len(p.Elementos) != 5 || p.Elementos[4].ID != ids[0] {
			t.Fatalf("página 2: %d elementos", len(p.Elementos))
		}
		p = listar(t, "pagina=9&porPagina=10")
		if len(p.Elementos) != 0 || p.Total != 25 || p.TotalPaginas != 3 || p.Elementos == nil {
			t.Fatalf("más allá del final: %+v", p)
		}
		if p := listar(t, "porPagina=100"); len(p.Elementos) != 25 || p.TotalPaginas != 1 {
			t.Fatal("porPagina=100")
		}
		if p := listar(t, "porPagina=1&pagina=25"); len(p.Elementos) != 1 || p.Elementos[0].ID != ids[0] {
			t.Fatal("porPagina=1")
		}
	})
	t.Run("orden", func(t *testing.T) {
		if p := listar(t, "orden=creadoEn"); p.Elementos[0].ID != ids[0] {
			t.Fatal("creadoEn")
		}
		if p := listar(t, "orden=fechaSalida&porPagina=100"); p.Elementos[0].ID != ids[0] || p.Elementos[24].ID != ids[24] {
			t.Fatal("fechaSalida")
		}
		if p := listar(t, "orden=-fechaSalida"); p.Elementos[0].ID != ids[24] {
			t.Fatal("-fechaSalida")
		}
	})
	t.Run("estado", func(t *testing.T) {
		// aprobadas: múltiplos de 3 (8); rechazadas: múltiplos de 4 no de 3 (4)
		if p := listar(t, "estado=aprobada"); p.Total != 8 {
			t.Fatalf("aprobada: %d", p.Total)
		}
		p := listar(t, "estado=aprobada,rechazada&porPagina=100")
		if p.Total != 12 {
			t.Fatalf("aprobada,rechazada: %d", p.Total)
		}
		for _, s := range p.Elementos {
			if s.Estado != "aprobada" && s.Estado != "rechazada" {
				t.Fatalf("estado %s", s.Estado)
			}
		}
		if p := listar(t, "estado=aprobada&estado=rechazada"); p.Total != 12 {
			t.Fatalf("estado repetido: %d", p.Total)
		}
		if p := listar(t, "estado=en_curso"); p.Total != 0 || len(p.Elementos) != 0 {
			t.Fatal("en_curso")
		}
	})
	t.Run("desde y hasta", func(t *testing.T) {
		// salida del día i: 2026-03-02 + i días, a las 09:00 + (i-1) minutos en
		// El Salvador (el reloj avanza un minuto por creación)
		if p := listar(t, "desde=2026-03-05&hasta=2026-03-07"); p.Total != 3 {
			t.Fatalf("días 3..5: %d", p.Total)
		}
		if p := listar(t, "desde=2026-03-05&hasta=2026-03-05"); p.Total != 1 {
			t.Fatalf("un día: %d", p.Total)
		}
		if p := listar(t, url.Values{"desde": {"2026-03-05T09:02:00-06:00"}, "hasta": {"2026-03-06T15:03:00Z"}}.Encode()); p.Total != 2 {
			t.Fatalf("RFC 3339 inclusivo: %d", p.Total)
		}
		if p := listar(t, url.Values{"desde": {"2026-03-05T09:02:00.5-06:00"}}.Encode()); p.Total != 22 {
			t.Fatalf("desde: %d", p.Total)
		}
		if p := listar(t, "hasta=2026-03-03"); p.Total != 1 {
			t.Fatalf("hasta: %d", p.Total)
		}
	})
	t.Run("q", func(t *testing.T) {
		if p := listar(t, "q=HOSPITAL"); p.Total != 5 {
			t.Fatalf("q=HOSPITAL: %d", p.Total)
		}
		if p := listar(t, "q=rosales+1"); p.Total != 2 { // 10 y 15
			t.Fatalf("q=rosales 1: %d", p.Total)
		}
		if p := listar(t, url.Values{"q": {"50%_de"}}.Encode()); p.Total != 1 {
			t.Fatalf("comodines literales: %d", p.Total)
		}
		if p := listar(t, url.Values{"q": {"juzgado de ávila"}}.Encode()); p.Total != 1 || p.Elementos[0].ID != ids[7] {
			t.Fatalf("acentos sin distinguir mayúsculas: %d", p.Total)
		}
		if p := listar(t, url.Values{"q": {"%"}}.Encode()); p.Total != 1 {
			t.Fatalf("%% literal: %d", p.Total)
		}
		if p := listar(t, "q=hospital&estado=aprobada"); p.Total != 1 { // de 5,10,15,20,25 solo 15 está aprobada
			t.Fatalf("q+estado: %d", p.Total)
		}
	})
	t.Run("valores inválidos: 422 con errores", func(t *testing.T) {
		casos := map[string]string{
			"estado=borrada": "estado", "estado=pendiente,": "estado", "estado=": "estado", "estado=PENDIENTE": "estado",
			"pagina=0": "pagina", "pagina=-1": "pagina", "pagina=abc": "pagina", "pagina=": "pagina", "pagina=1.5": "pagina",
			"porPagina=0": "porPagina", "porPagina=101": "porPagina", "porPagina=x": "porPagina",
			"orden=foo": "orden", "orden=": "orden", "orden=fechasalida": "orden",
			"desde=2026-13-01": "desde", "desde=ayer": "desde", "desde=2026-03-05T10:00:00": "desde",
			"hasta=2026-02-30": "hasta", "desde=2026-03-06&hasta=2026-03-05": "hasta",
			"q=" + strings.Repeat("x", 101): "q", "pagina=1&pagina=2": "pagina", "orden=creadoEn&orden=-creadoEn": "orden",
		}
		for query, campo := range casos {
			r := env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?" + query, token: f.admin}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: errores = %+v, want %s", query, r.errores, campo)
			}
		}
		r := env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?pagina=0&porPagina=101&orden=foo&estado=x", token: f.admin}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 4 {
			t.Fatalf("errores = %+v", r.errores)
		}
		// parámetros desconocidos se ignoran
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?foo=bar", token: f.admin}).esperar(t, 200, "")
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud?estado=pendiente", token: f.admin}).esperar(t, 200, "")
	})
}
