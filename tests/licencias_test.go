package tests

import (
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

// usuarioLicR es un usuario de /usuarios con su licencia (§8).
type usuarioLicR struct {
	ID       uint   `json:"id"`
	Username string `json:"username"`
	Licencia *struct {
		Numero    string `json:"numero"`
		Categoria string `json:"categoria"`
		Vence     string `json:"vence"`
	} `json:"licencia"`
}

func licencia(vence string) map[string]any {
	return map[string]any{"numero": "0614-250786-101-3", "categoria": "Pesada", "vence": vence}
}

// TestLicencias cubre la licencia de un motorista (§8): PATCH
// /usuarios/{id} la registra, reemplaza o quita (null), solo para
// motoristas; los usuarios la muestran (null sin licencia) y /auth/me no
// cambia; ?licenciaVenceAntes filtra.
func TestLicencias(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	mot := env.crearUsuario("mot_lic", models.RolMotorista)
	mot2 := env.crearUsuario("mot_lic2", models.RolMotorista)
	soli := env.crearUsuario("soli_lic", models.RolSolicitante)
	patch := func(id uint, cuerpo any) *respuesta {
		return env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", id), token: admin, cuerpo: cuerpo})
	}

	var u usuarioLicR
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/usuarios/%d", mot.ID), token: admin}).esperar(t, 200, "").leer(t, &u)
	if u.Licencia != nil || !strings.Contains(string(env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/usuarios/%d", mot.ID), token: admin}).datos), `"licencia":null`) {
		t.Fatalf("sin licencia: %+v", u)
	}
	patch(mot.ID, map[string]any{"licencia": map[string]any{"numero": " A-1 ", "categoria": "Liviana", "vence": "2026-04-10"}}).esperar(t, 200, "").leer(t, &u)
	if u.Licencia == nil || u.Licencia.Numero != "A-1" || u.Licencia.Categoria != "Liviana" || u.Licencia.Vence != "2026-04-10" {
		t.Fatalf("licencia = %+v", u.Licencia)
	}
	patch(mot2.ID, map[string]any{"licencia": licencia("2026-12-31")}).esperar(t, 200, "")

	t.Run("validación", func(t *testing.T) {
		casos := []struct {
			nombre string
			id     uint
			cuerpo any
			campos string
		}{
			{"no es motorista", soli.ID, map[string]any{"licencia": licencia("2027-01-01")}, "licencia"},
			{"deja de ser motorista", mot.ID, map[string]any{"rol": "solicitante", "licencia": licencia("2027-01-01")}, "licencia"},
			{"vence ilegible", mot.ID, map[string]any{"licencia": licencia("31/12/2027")}, "licencia.vence"},
			{"vence inexistente", mot.ID, map[string]any{"licencia": licencia("2027-02-30")}, "licencia.vence"},
			{"vence año 1969", mot.ID, map[string]any{"licencia": licencia("1969-12-31")}, "licencia.vence"},
			{"faltan campos", mot.ID, map[string]any{"licencia": map[string]any{}}, "licencia.numero,licencia.categoria,licencia.vence"},
			{"número largo", mot.ID, map[string]any{"licencia": map[string]any{"numero": strings.Repeat("9", 51), "categoria": "A", "vence": "2027-01-01"}}, "licencia.numero"},
			{"control", mot.ID, map[string]any{"licencia": map[string]any{"numero": "A\x01", "categoria": "A", "vence": "2027-01-01"}}, "licencia.numero"},
		}
		for _, c := range casos {
			r := patch(c.id, c.cuerpo).esperar(t, 422, "VALIDACION")
			var got []string
			for _, e := range r.errores {
				got = append(got, e.Campo)
			}
			if strings.Join(got, ",") != c.campos {
				t.Errorf("%s: campos = %v, want %s", c.nombre, got, c.campos)
			}
		}
		// una clave repetida dentro de licencia es 400 (§12)
		patch(mot.ID, `{"licencia":{"numero":"A","categoria":"B","vence":"2027-01-01","vence":"2020-01-01"}}`).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
		// null a quien no tiene licencia: nada que quitar
		patch(soli.ID, map[string]any{"licencia": nil}).esperar(t, 200, "")
	})

	t.Run("auth/me no cambia", func(t *testing.T) {
		r := env.hacer(peticion{metodo: "GET", ruta: "/auth/me", token: env.login("mot_lic", passPrueba).AccessToken}).esperar(t, 200, "")
		if strings.Contains(string(r.datos), "licencia") {
			t.Fatalf("/auth/me = %s", r.datos)
		}
	})

	t.Run("licenciaVenceAntes", func(t *testing.T) {
		lista := func(q string) string {
			var p paginaR[usuarioLicR]
			env.hacer(peticion{metodo: "GET", ruta: "/usuarios/?" + q, token: admin}).esperar(t, 200, "").leer(t, &p)
			var out []string
			for _, u := range p.Elementos {
				out = append(out, u.Username)
			}
			return strings.Join(out, ",")
		}
		for q, want := range map[string]string{
			"licenciaVenceAntes=2026-04-10":        "",
			"licenciaVenceAntes=2026-04-11":        "mot_lic",
			"licenciaVenceAntes=2027-01-01":        "mot_lic,mot_lic2",
			"licenciaVenceAntes=2027-01-01&q=lic2": "mot_lic2",
		} {
			if got := lista(q); got != want {
				t.Errorf("%s: %q, want %q", q, got, want)
			}
		}
		for _, q := range []string{"licenciaVenceAntes=mañana", "licenciaVenceAntes=", "licenciaVenceAntes=2027-13-01", "licenciaVenceAntes=10000-01-01", "licenciaVenceAntes=2026-01-01T00:00:00Z"} {
			r := env.hacer(peticion{metodo: "GET", ruta: "/usuarios/?" + q, token: admin}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != "licenciaVenceAntes" {
				t.Errorf("%s: errores = %+v", q, r.errores)
			}
		}
	})

	t.Run("quitar", func(t *testing.T) {
		patch(mot2.ID, map[string]any{"licencia": nil}).esperar(t, 200, "").leer(t, &u)
		if u.Licencia != nil {
			t.Fatalf("licencia = %+v", u.Licencia)
		}
	})
}

// TestAsignarRevisaLicencia (§8): asignar y reasignar rechazan a un
// motorista cuya licencia registrada vence antes del fin de la ventana del
// viaje (422 nombrando motoristaId); la licencia vale hasta el final del
// día en que vence (TIMEZONE), y un motorista sin licencia registrada se
// acepta.
func TestAsignarRevisaLicencia(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("al")
	admin := f.admin
	// El viaje del día 3 sale a las 09:00 y, sin regreso, su ventana acaba
	// al final de ese día en El Salvador.
	dia3 := env.reloj.Now().AddDate(0, 0, 3).Format("2006-01-02")
	dia2 := env.reloj.Now().AddDate(0, 0, 2).Format("2006-01-02")
	vencida := env.crearUsuario("mot_vencida", models.RolMotorista)
	justa := env.crearUsuario("mot_justa", models.RolMotorista)
	for id, vence := range map[uint]string{vencida.ID: dia2, justa.ID: dia3} {
		env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", id), token: admin, cuerpo: map[string]any{"licencia": licencia(vence)}}).esperar(t, 200, "")
	}

	s := env.llevarA(t, f, f.solicitante, 3, "aprobada")
	r := env.accion(admin, s.ID, "asignar", map[string]any{"vehiculoId": f.vehiculo, "motoristaId": vencida.ID}).esperar(t, 422, "VALIDACION")
	if len(r.errores) != 1 || r.errores[0].Campo != "motoristaId" || !strings.Contains(r.errores[0].Mensaje, dia2) {
		t.Fatalf("errores = %+v", r.errores)
	}
	// vence el mismo día en que termina la ventana: vale
	env.accion(admin, s.ID, "asignar", map[string]any{"vehiculoId": f.vehiculo, "motoristaId": justa.ID}).esperar(t, 200, "")
	// reasignar a la vencida: igual
	r = env.accion(admin, s.ID, "reasignar", map[string]any{"motoristaId": vencida.ID, "motivo": "Cambio de turno"}).esperar(t, 422, "VALIDACION")
	if len(r.errores) != 1 || r.errores[0].Campo != "motoristaId" {
		t.Fatalf("reasignar: errores = %+v", r.errores)
	}
	// un viaje que termina pasada la medianoche del día en que vence: no
	c := env.cuerpoSolicitud(3)
	c["fechaRegreso"] = env.reloj.Now().AddDate(0, 0, 4).Format("2006-01-02") + "T00:00:01-06:00"
	largo := env.crearSolicitud(t, f.solicitante, c)
	env.accion(admin, largo.ID, "aprobar", nil).esperar(t, 200, "")
	env.accion(admin, largo.ID, "asignar", map[string]any{"vehiculoId": f.otroVehiculo, "motoristaId": justa.ID}).esperar(t, 422, "VALIDACION")
	// sin licencia registrada (f.motoristaID): se acepta
	env.accion(admin, largo.ID, "asignar", map[string]any{"vehiculoId": f.otroVehiculo, "motoristaId": f.motoristaID}).esperar(t, 200, "")
}
