package tests

import (
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

type vehiculoR struct {
	ID        uint   `json:"id"`
	Placa     string `json:"placa"`
	Marca     string `json:"marca"`
	Modelo    string `json:"modelo"`
	Capacidad int    `json:"capacidad"`
	Activo    bool   `json:"activo"`
}

func TestVehiculos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	apro := env.loginComo("apro", models.RolAprobador).AccessToken

	var v vehiculoR
	r := env.hacer(peticion{metodo: "POST", ruta: "/vehiculos", token: admin, cuerpo: map[string]any{
		"placa": " p-123 abc ", "marca": "Nissan", "modelo": "Urvan", "capacidad": 12}}).esperar(t, 201, "")
	r.leer(t, &v)
	if r.mensaje != "Vehículo creado exitosamente" || v.Placa != "P-123 ABC" || !v.Activo || v.Capacidad != 12 || v.ID == 0 {
		t.Fatalf("vehículo = %s", r.cuerpo)
	}
	t.Run("placa única sin distinguir mayúsculas", func(t *testing.T) {
		env.hacer(peticion{metodo: "POST", ruta: "/vehiculos/", token: admin, cuerpo: map[string]any{
			"placa": "P-123 abc", "marca": "Otra", "modelo": "X", "capacidad": 4}}).esperar(t, 409, "CONFLICTO")
		otro := env.crearVehiculo("Q-1", 4)
		env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/vehiculos/%d", otro), token: admin, cuerpo: map[string]any{
			"placa": "p-123 ABC"}}).esperar(t, 409, "CONFLICTO")
	})
	t.Run("validación", func(t *testing.T) {
		base := func() map[string]any {
			return map[string]any{"placa": "NUEVA-1", "marca": "Toyota", "modelo": "Coaster", "capacidad": 30}
		}
		for _, c := range []struct {
			campo string
			valor any
		}{
			{"placa", nil}, {"placa", "A"}, {"placa", "ÑÑ-12"}, {"placa", strings.Repeat("A", 21)}, {"placa", "--"},
			{"marca", nil}, {"marca", " "}, {"marca", strings.Repeat("m", 101)}, {"modelo", nil},
			{"capacidad", nil}, {"capacidad", 0}, {"capacidad", 101},
		} {
			cuerpo := base()
			if c.valor == nil {
				delete(cuerpo, c.campo)
			} else {
				cuerpo[c.campo] = c.valor
			}
			r := env.hacer(peticion{metodo: "POST", ruta: "/vehiculos/", token: admin, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != c.campo {
				t.Fatalf("%s=%v: errores = %+v", c.campo, c.valor, r.errores)
			}
		}
		env.hacer(peticion{metodo: "POST", ruta: "/vehiculos/", token: admin, cuerpo: map[string]any{"capacidad": "diez"}}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
	})
	t.Run("ver, editar, 404", func(t *testing.T) {
		var e vehiculoR
		env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/vehiculos/%d", v.ID), token: admin, cuerpo: map[string]any{
			"activo": false, "capacidad": 15}}).esperar(t, 200, "").leer(t, &e)
		if e.Activo || e.Capacidad != 15 || e.Placa != v.Placa || e.Marca != "Nissan" {
			t.Fatalf("editado = %+v", e)
		}
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d", v.ID), token: apro}).esperar(t, 200, "").leer(t, &e)
		if e.Activo {
			t.Fatal("sigue activo")
		}
		env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/999", token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/x", token: admin}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "PATCH", ruta: "/vehiculos/999", token: admin, cuerpo: map[string]any{"activo": true}}).esperar(t, 404, "NO_ENCONTRADO")
		env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/vehiculos/%d", v.ID), token: admin, cuerpo: map[string]any{"capacidad": 0}}).esperar(t, 422, "VALIDACION")
	})
	t.Run("lista, filtros y paginación", func(t *testing.T) {
		for i := 0; i < 23; i++ {
			env.crearVehiculo(fmt.Sprintf("L-%02d", i), 5)
		}
		var p paginaR[vehiculoR]
		env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/?q=l-&porPagina=10&pagina=3", token: apro}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 23 || len(p.Elementos) != 3 || p.TotalPaginas != 3 || p.Elementos[0].Placa != "L-20" {
			t.Fatalf("página = %+v", p)
		}
		env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/?activo=false", token: admin}).esperar(t, 200, "").leer(t, &p)
		if p.Total != 1 || p.Elementos[0].ID != v.ID {
			t.Fatalf("inactivos = %+v", p)
		}
		for q, campo := range map[string]string{"activo=si": "activo", "pagina=0": "pagina", "porPagina=101": "porPagina", "activo=": "activo"} {
			r := env.hacer(peticion{metodo: "GET", ruta: "/vehiculos/?" + q, token: admin}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: %+v", q, r.errores)
			}
		}
	})
}

// TestMatrizRoles recorre rol × endpoint de §5, §6, §7.4 y §8: lo permitido no es
// 401/403 y lo demás es 403 PERMISOS_INSUFICIENTES; sin token, 401.
func TestMatrizRoles(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	tokens := map[models.Rol]string{
		models.RolAdmin:       env.loginAdmin().AccessToken,
		models.RolAprobador:   env.loginComo("apro", models.RolAprobador).AccessToken,
		models.RolMotorista:   env.loginComo("moto", models.RolMotorista).AccessToken,
		models.RolSolicitante: env.loginComo("soli", models.RolSolicitante).AccessToken,
	}
	objetivo := env.crearUsuario("objetivo", models.RolSolicitante)
	vid := env.crearVehiculo("MAT-1", 8)
	todos := []models.Rol{models.RolAdmin, models.RolAprobador, models.RolMotorista, models.RolSolicitante}
	adminYApro := []models.Rol{models.RolAdmin, models.RolAprobador}
	soloAdmin := []models.Rol{models.RolAdmin}
	rutas := []struct {
		metodo, ruta string
		cuerpo       any
		permitidos   []models.Rol
	}{
		{"GET", "/solicitud/", nil, todos},
		{"POST", "/solicitud/", map[string]any{}, todos}, // 422: pasa la autorización
		{"GET", "/vehiculos/", nil, adminYApro},
		{"GET", fmt.Sprintf("/vehiculos/%d", vid), nil, adminYApro},
		{"GET", "/vehiculos/disponibles?desde=2026-05-01&hasta=2026-05-02", nil, adminYApro},
		{"POST", "/vehiculos/", map[string]any{}, soloAdmin},
		{"PATCH", fmt.Sprintf("/vehiculos/%d", vid), map[string]any{}, soloAdmin},
		{"GET", fmt.Sprintf("/vehiculos/%d/mantenimientos", vid), nil, soloAdmin},
		{"POST", fmt.Sprintf("/vehiculos/%d/mantenimientos", vid), map[string]any{}, soloAdmin}, // 422
		{"DELETE", fmt.Sprintf("/vehiculos/%d/mantenimientos/999", vid), nil, soloAdmin},        // 404
		{"GET", "/usuarios/?licenciaVenceAntes=2027-01-01", nil, soloAdmin},
		{"GET", "/usuarios/", nil, soloAdmin},
		{"POST", "/usuarios/", map[string]any{}, soloAdmin},
		{"GET", fmt.Sprintf("/usuarios/%d", objetivo.ID), nil, soloAdmin},
		{"PATCH", fmt.Sprintf("/usuarios/%d", objetivo.ID), map[string]any{}, soloAdmin},
		{"POST", fmt.Sprintf("/usuarios/%d/desbloquear", objetivo.ID), nil, soloAdmin},
		{"POST", fmt.Sprintf("/usuarios/%d/sesiones/revocar", objetivo.ID), nil, soloAdmin},
		{"GET", "/auditoria", nil, soloAdmin},
		{"GET", "/reportes/resumen?desde=2026-03-01&hasta=2026-03-31", nil, adminYApro},
		{"GET", "/solicitud/exportar?formato=csv", nil, todos},
		{"GET", "/solicitud/exportar?formato=xlsx", nil, todos},
		{"GET", "/agenda?desde=2026-05-01&hasta=2026-05-02", nil, []models.Rol{models.RolAdmin, models.RolAprobador, models.RolMotorista}},
		{"POST", "/auth/calendario", nil, todos},
		{"DELETE", "/auth/calendario", nil, todos},
	}
	for _, ruta := range rutas {
		for _, rol := range todos {
			permitido := false
			for _, p := range ruta.permitidos {
				permitido = permitido || p == rol
			}
			r := env.hacer(peticion{metodo: ruta.metodo, ruta: ruta.ruta, token: tokens[rol], cuerpo: ruta.cuerpo})
			if permitido && (r.status == 401 || r.status == 403 || r.status >= 500) {
				t.Errorf("%s %s como %s: %d %s", ruta.metodo, ruta.ruta, rol, r.status, r.cuerpo)
			}
			if !permitido && (r.status != 403 || r.codigo != "PERMISOS_INSUFICIENTES") {
				t.Errorf("%s %s como %s: %d %s, want 403", ruta.metodo, ruta.ruta, rol, r.status, r.codigo)
			}
		}
		r := env.hacer(peticion{metodo: ruta.metodo, ruta: ruta.ruta, cuerpo: ruta.cuerpo})
		if r.status != 401 || r.codigo != "TOKEN_NO_PROPORCIONADO" {
			t.Errorf("%s %s sin token: %d %s", ruta.metodo, ruta.ruta, r.status, r.codigo)
		}
	}
}
