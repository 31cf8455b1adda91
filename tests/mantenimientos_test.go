package tests

import (
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

// mantenimientoR es un mantenimiento tal como lo devuelve la API (§8).
type mantenimientoR struct {
	ID         uint   `json:"id"`
	VehiculoID uint   `json:"vehiculoId"`
	Desde      string `json:"desde"`
	Hasta      string `json:"hasta"`
	Motivo     string `json:"motivo"`
	CreadoPor  struct {
		ID       uint   `json:"id"`
		Username string `json:"username"`
	} `json:"creadoPor"`
}

func (env *entorno) crearMantenimiento(token string, vehiculo uint, desde, hasta, motivo string) *respuesta {
	env.t.Helper()
	return env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos", vehiculo), token: token,
		cuerpo: map[string]any{"desde": desde, "hasta": hasta, "motivo": motivo}})
}

// TestMantenimientosCRUD cubre POST, GET y DELETE de
// /vehiculos/{id}/mantenimientos (§8): validación, formatos de §7 y
// límites de §12, lista paginada del más reciente al más antiguo, y
// borrado con datos null.
func TestMantenimientosCRUD(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	v := env.crearVehiculo("MANT-1", 10)
	otro := env.crearVehiculo("MANT-2", 10)

	var m mantenimientoR
	r := env.crearMantenimiento(admin, v, "2026-04-10T08:00:00-06:00", "2026-04-10T12:00:00.9-06:00", "  Cambio de frenos ").esperar(t, 201, "")
	r.leer(t, &m)
	if r.mensaje != "Mantenimiento registrado exitosamente" || m.VehiculoID != v || m.Motivo != "Cambio de frenos" ||
		m.Desde != "2026-04-10T08:00:00-06:00" || m.Hasta != "2026-04-10T12:00:00-06:00" || m.CreadoPor.Username != adminUser {
		t.Fatalf("creado = %s", r.cuerpo)
	}
	// AAAA-MM-DD: desde es el inicio del día y hasta su final, en TIMEZONE
	var dias mantenimientoR
	env.crearMantenimiento(admin, v, "2026-04-20", "2026-04-21", "Revisión anual").esperar(t, 201, "").leer(t, &dias)
	if dias.Desde != "2026-04-20T00:00:00-06:00" || dias.Hasta != "2026-04-22T00:00:00-06:00" {
		t.Fatalf("días = %+v", dias)
	}

	t.Run("validación", func(t *testing.T) {
		casos := []struct {
			nombre string
			cuerpo any
			campos []string
		}{
			{"vacío", map[string]any{}, []string{"desde", "hasta", "motivo"}},
			{"hasta igual a desde", map[string]any{"desde": "2026-05-01T08:00:00Z", "hasta": "2026-05-01T08:00:00Z", "motivo": "x"}, []string{"hasta"}},
			{"hasta antes", map[string]any{"desde": "2026-05-02", "hasta": "2026-05-01", "motivo": "x"}, []string{"hasta"}},
			{"formato", map[string]any{"desde": "01/05/2026", "hasta": "2026-05-01", "motivo": "x"}, []string{"desde"}},
			{"año 10000", map[string]any{"desde": "2026-05-01", "hasta": "10000-01-01T00:00:00Z", "motivo": "x"}, []string{"hasta"}},
			{"año 1969", map[string]any{"desde": "1969-12-31T00:00:00Z", "hasta": "2026-05-01", "motivo": "x"}, []string{"desde"}},
			{"motivo en blanco", map[string]any{"desde": "2026-05-01", "hasta": "2026-05-02", "motivo": "   "}, []string{"motivo"}},
			{"motivo largo", map[string]any{"desde": "2026-05-01", "hasta": "2026-05-02", "motivo": strings.Repeat("á", 501)}, []string{"motivo"}},
			{"motivo con control", map[string]any{"desde": "2026-05-01", "hasta": "2026-05-02", "motivo": "a\x00b"}, []string{"motivo"}},
		}
		for _, c := range casos {
			r := env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos", v), token: admin, cuerpo: c.cuerpo}).esperar(t, 422, "VALIDACION")
			var got []string
			for _, e := range r.errores {
				got = append(got, e.Campo)
			}
			if strings.Join(got, ",") != strings.Join(c.campos, ",") {
				t.Errorf("%s: campos = %v, want %v", c.nombre, got, c.campos)
			}
		}
		env.crearMantenimiento(admin, v, "2026-05-01", "2026-05-02", strings.Repeat("á", 500)).esperar(t, 201, "")
		env.crearMantenimiento(admin, 999, "2026-05-01", "2026-05-02", "x").esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos", v), token: admin, cuerpo: `{"desde":"2026-05-01","desde":"2026-05-03","hasta":"2026-05-04","motivo":"x"}`}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
	})

	t.Run("lista", func(t *testing.T) {
		var p paginaR[mantenimientoR]
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos", v), token: admin}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 3 || len(p.Elementos) != 3 || p.Pagina != 1 || p.PorPagina != 20 || p.TotalPaginas != 1 {
			t.Fatalf("página = %+v", p)
		}
		for i := 1; i < len(p.Elementos); i++ {
			if p.Elementos[i-1].Desde < p.Elementos[i].Desde {
				t.Fatalf("no va del más reciente al más antiguo: %+v", p.Elementos)
			}
		}
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos?porPagina=1&pagina=2", v), token: admin}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 3 || len(p.Elementos) != 1 || p.TotalPaginas != 3 || p.Elementos[0].ID != dias.ID {
			t.Fatalf("página 2 = %+v", p)
		}
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos", otro), token: admin}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 0 || p.Elementos == nil {
			t.Fatalf("otro vehículo = %+v", p)
		}
		env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/999/mantenimientos", token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos?pagina=0", v), token: admin}).esperar(t, 422, "VALIDACION")
	})

	t.Run("borrar", func(t *testing.T) {
		ruta := fmt.Sprintf("/vehiculos/%d/mantenimientos/%d", v, m.ID)
		env.hacer(peticion{metodo: "DELETE", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos/%d", otro, m.ID), token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "DELETE", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos/0%d", v, m.ID), token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		r := env.hacer(peticion{metodo: "DELETE", ruta: ruta, token: admin}).esperar(t, 200, "")
		if string(r.datos) != "null" {
			t.Fatalf("datos = %s, want null", r.datos)
		}
		env.hacer(peticion{metodo: "DELETE", ruta: ruta, token: admin}).esperar(t, 404, "NO_ENCONTRADO")
	})
}

// TestMantenimientoBloqueaVehiculo (§8): un mantenimiento bloquea el
// vehículo como un viaje (asignar, reasignar, disponibles), no se crea
// sobre un viaje asignado o en curso ni sobre otro mantenimiento, y las
// ventanas son semiabiertas.
func TestMantenimientoBloqueaVehiculo(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("mb")
	taller := env.crearVehiculo("TALLER-1", 10)
	// El día 5 (09:00–fin del día en El Salvador) el vehículo está en el taller.
	dia5 := env.reloj.Now().AddDate(0, 0, 5).Format("2006-01-02")
	var m mantenimientoR
	env.crearMantenimiento(f.admin, taller, dia5, dia5, "Cambio de aceite").esperar(t, 201, "").leer(t, &m)

	t.Run("asignar", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 5, "aprobada")
		r := env.accion(f.admin, s.ID, "asignar", map[string]any{"vehiculoId": taller, "motoristaId": f.motoristaID}).esperar(t, 409, "CONFLICTO_ASIGNACION")
		if !strings.Contains(r.detalle, "mantenimiento") || !strings.Contains(r.detalle, "TALLER-1") || !strings.Contains(r.detalle, "Cambio de aceite") {
			t.Fatalf("detalle = %q", r.detalle)
		}
		// otro día, libre
		otra := env.llevarA(t, f, f.solicitante, 6, "aprobada")
		env.accion(f.admin, otra.ID, "asignar", map[string]any{"vehiculoId": taller, "motoristaId": f.motoristaID}).esperar(t, 200, "")
	})
	t.Run("reasignar", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 5, "asignada")
		r := env.accion(f.admin, s.ID, "reasignar", map[string]any{"vehiculoId": taller, "motivo": "Avería"}).esperar(t, 409, "CONFLICTO_ASIGNACION")
		if !strings.Contains(r.detalle, "mantenimiento") {
			t.Fatalf("detalle = %q", r.detalle)
		}
	})
	t.Run("disponibles", func(t *testing.T) {
		var vs []struct {
			Placa string `json:"placa"`
		}
		placas := func(q string) string {
			env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/disponibles?" + q, token: f.admin}).esperar(t, 200, "").leer(t, &vs)
			var out []string
			for _, v := range vs {
				out = append(out, v.Placa)
			}
			return strings.Join(out, ",")
		}
		if got := placas("desde=" + dia5 + "&hasta=" + dia5); strings.Contains(got, "TALLER-1") {
			t.Fatalf("en mantenimiento y disponible: %s", got)
		}
		// semiabierta: el mantenimiento termina al empezar el día siguiente
		dia6 := env.reloj.Now().AddDate(0, 0, 6).Format("2006-01-02")
		if got := placas("desde=" + dia6 + "T00:00:00-06:00&hasta=" + dia6 + "T05:00:00-06:00"); !strings.Contains(got, "TALLER-1") {
			t.Fatalf("libre tras el mantenimiento: %s", got)
		}
	})
	t.Run("sobre un viaje asignado o en curso", func(t *testing.T) {
		for i, estado := range []string{"asignada", "en_curso"} {
			s := env.llevarA(t, f, f.solicitante, 10+i, estado)
			desde := env.reloj.Now().AddDate(0, 0, 10+i).Format("2006-01-02")
			r := env.crearMantenimiento(f.admin, f.vehiculo, desde, desde, "Revisión").esperar(t, 409, "CONFLICTO_ASIGNACION")
			if !strings.Contains(r.detalle, s.Codigo) || !strings.Contains(r.detalle, "reasígnela primero") {
				t.Fatalf("%s: detalle = %q", estado, r.detalle)
			}
		}
		// una cancelada no ocupa
		env.llevarA(t, f, f.solicitante, 12, "cancelada")
		dia12 := env.reloj.Now().AddDate(0, 0, 12).Format("2006-01-02")
		env.crearMantenimiento(f.admin, f.vehiculo, dia12, dia12, "Revisión").esperar(t, 201, "")
	})
	t.Run("sobre otro mantenimiento", func(t *testing.T) {
		r := env.crearMantenimiento(f.admin, taller, dia5+"T23:00:00-06:00", dia5+"T23:30:00-06:00", "Otro").esperar(t, 409, "CONFLICTO_ASIGNACION")
		if !strings.Contains(r.detalle, "mantenimiento") {
			t.Fatalf("detalle = %q", r.detalle)
		}
		// contiguo: empieza justo cuando termina el otro
		var contiguo mantenimientoR
		env.crearMantenimiento(f.admin, taller, m.Hasta, env.reloj.Now().AddDate(0, 0, 6).Format("2006-01-02")+"T08:00:00-06:00", "Pintura").esperar(t, 201, "").leer(t, &contiguo)
		env.hacer(peticion{metodo: "DELETE", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos/%d", taller, contiguo.ID), token: f.admin}).esperar(t, 200, "")
	})
	t.Run("borrado libera", func(t *testing.T) {
		env.hacer(peticion{metodo: "DELETE", ruta: fmt.Sprintf("/vehiculos/%d/mantenimientos/%d", taller, m.ID), token: f.admin}).esperar(t, 200, "")
		s := env.llevarA(t, f, f.solicitante, 5, "aprobada")
		otroMot := env.crearUsuario("mot_mb2", models.RolMotorista)
		env.accion(f.admin, s.ID, "asignar", map[string]any{"vehiculoId": taller, "motoristaId": otroMot.ID}).esperar(t, 200, "")
	})
}

// TestMantenimientoContraAsignacionConcurrente (§8, §10): un mantenimiento
// y una asignación del mismo vehículo en la misma franja, lanzados a la
// vez, nunca salen bien los dos; se repite para que el orden varíe.
func TestMantenimientoContraAsignacionConcurrente(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("mc")
	const rondas = 8
	ganaMantenimiento, ganaAsignacion := 0, 0
	for ronda := range rondas {
		v := env.crearVehiculo(fmt.Sprintf("MC-%d", ronda), 10)
		s := env.llevarA(t, f, f.solicitante, 20+ronda, "aprobada")
		dia := env.reloj.Now().AddDate(0, 0, 20+ronda).Format("2006-01-02")
		res := enParalelo(2, func(i int) *respuesta {
			if i == 0 {
				return env.crearMantenimiento(f.admin, v, dia, dia, "Carrera")
			}
			return env.accion(f.admin, s.ID, "asignar", map[string]any{"vehiculoId": v, "motoristaId": f.motoristaID})
		})
		mant, asig := res[0], res[1]
		switch {
		case mant.status == 201 && asig.status == 409 && asig.codigo == "CONFLICTO_ASIGNACION":
			ganaMantenimiento++
		case asig.status == 200 && mant.status == 409 && mant.codigo == "CONFLICTO_ASIGNACION":
			ganaAsignacion++
		default:
			t.Fatalf("ronda %d: mantenimiento %d %s, asignar %d %s", ronda, mant.status, mant.codigo, asig.status, asig.codigo)
		}
		// el motorista queda libre para la ronda siguiente (otro día)
	}
	t.Logf("gana el mantenimiento %d veces, la asignación %d", ganaMantenimiento, ganaAsignacion)
}
