package tests

import (
	"fmt"
	"strings"
	"testing"
)

// viajeR es la bitácora de una solicitud (§7.2).
type viajeR struct {
	InicioReal        *string  `json:"inicioReal"`
	FinReal           *string  `json:"finReal"`
	KmInicial         *int     `json:"kmInicial"`
	KmFinal           *int     `json:"kmFinal"`
	KmRecorridos      *int     `json:"kmRecorridos"`
	CombustibleLitros *float64 `json:"combustibleLitros"`
	Observaciones     *string  `json:"observaciones"`
}

// conViaje es una solicitud con su bitácora.
type conViaje struct {
	Estado string  `json:"estado"`
	Viaje  *viajeR `json:"viaje"`
}

func (env *entorno) kilometraje(t *testing.T, token string, id uint) int {
	t.Helper()
	var v struct {
		Kilometraje int `json:"kilometraje"`
	}
	env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/vehiculos/%d", id), token: token}).esperar(t, 200, "").leer(t, &v)
	return v.Kilometraje
}

// TestBitacora: iniciar y finalizar con y sin cuerpo, lo que la solicitud
// muestra en viaje (vista, lista y acción) y el kilometraje del vehículo.
func TestBitacora(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("bt")
	mot := f.motorista.AccessToken
	// el admin fija el odómetro del vehículo
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/vehiculos/%d", f.vehiculo), token: f.admin,
		cuerpo: map[string]any{"kilometraje": 1000}}).esperar(t, 200, "")

	t.Run("viaje completo", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 1, "asignada")
		var r conViaje
		env.hacer(peticion{metodo: "GET", ruta: fmt.Sprintf("/solicitud/%d", s.ID), token: f.admin}).esperar(t, 200, "").leer(t, &r)
		if r.Viaje != nil {
			t.Fatalf("viaje antes de iniciar = %+v, want null", r.Viaje)
		}
		env.accion(mot, s.ID, "iniciar", map[string]any{"kmInicial": 1000}).esperar(t, 200, "").leer(t, &r)
		if r.Viaje == nil || r.Viaje.InicioReal == nil || r.Viaje.FinReal != nil || r.Viaje.KmInicial == nil || *r.Viaje.KmInicial != 1000 ||
			r.Viaje.KmFinal != nil || r.Viaje.KmRecorridos != nil || r.Viaje.CombustibleLitros != nil || r.Viaje.Observaciones != nil {
			t.Fatalf("viaje iniciado = %s", fmtJSON(r.Viaje))
		}
		r2 := env.accion(mot, s.ID, "finalizar", map[string]any{"kmFinal": 999}).esperar(t, 422, "VALIDACION")
		if len(r2.errores) != 1 || r2.errores[0].Campo != "kmFinal" {
			t.Fatalf("errores = %+v, want kmFinal", r2.errores)
		}
		env.accion(mot, s.ID, "finalizar", map[string]any{"kmFinal": 1141, "combustibleLitros": 35.25,
			"observaciones": " Tráfico lento "}).esperar(t, 200, "").leer(t, &r)
		v := r.Viaje
		if r.Estado != "finalizada" || v == nil || v.InicioReal == nil || v.FinReal == nil || *v.KmFinal != 1141 ||
			v.KmRecorridos == nil || *v.KmRecorridos != 141 || v.CombustibleLitros == nil || *v.CombustibleLitros != 35.25 ||
			v.Observaciones == nil || *v.Observaciones != "Tráfico lento" {
			t.Fatalf("viaje finalizado = %s", fmtJSON(v))
		}
		if km := env.kilometraje(t, f.admin, f.vehiculo); km != 1141 {
			t.Fatalf("kilometraje = %d, want 1141", km)
		}
		// también en la lista
		var p paginaR[conViaje]
		env.hacer(peticion{metodo: "GET", ruta: "/solicitud/?estado=finalizada", token: f.admin}).esperar(t, 200, "").leer(t, &p)
		if len(p.Elementos) != 1 || p.Elementos[0].Viaje == nil || *p.Elementos[0].Viaje.KmRecorridos != 141 {
			t.Fatalf("lista = %s", fmtJSON(p))
		}
	})
	t.Run("kmInicial menor que el kilometraje", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 2, "asignada")
		r := env.accion(mot, s.ID, "iniciar", map[string]any{"kmInicial": 1140}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != "kmInicial" || !strings.Contains(r.errores[0].Mensaje, "1141") {
			t.Fatalf("errores = %+v, want kmInicial", r.errores)
		}
	})
	t.Run("sin cuerpo: datos desconocidos en null", func(t *testing.T) {
		s := env.llevarA(t, f, f.solicitante, 3, "en_curso")
		var r conViaje
		env.accion(mot, s.ID, "finalizar", nil).esperar(t, 200, "").leer(t, &r)
		v := r.Viaje
		if v == nil || v.InicioReal == nil || v.FinReal == nil || v.KmInicial != nil || v.KmFinal != nil || v.KmRecorridos != nil ||
			v.CombustibleLitros != nil || v.Observaciones != nil {
			t.Fatalf("viaje = %s", fmtJSON(v))
		}
		if km := env.kilometraje(t, f.admin, f.vehiculo); km != 1141 {
			t.Fatalf("kilometraje = %d, want 1141", km)
		}
	})
	t.Run("un kmFinal menor no baja el kilometraje", func(t *testing.T) {
		// otro viaje del mismo vehículo, iniciado antes del de 1141, termina después
		s := env.llevarA(t, f, f.solicitante, 4, "en_curso")
		var r conViaje
		env.accion(mot, s.ID, "finalizar", map[string]any{"kmFinal": 1100}).esperar(t, 200, "").leer(t, &r)
		if r.Viaje.KmFinal == nil || *r.Viaje.KmFinal != 1100 || r.Viaje.KmRecorridos != nil {
			t.Fatalf("viaje = %s", fmtJSON(r.Viaje))
		}
		if km := env.kilometraje(t, f.admin, f.vehiculo); km != 1141 {
			t.Fatalf("kilometraje = %d, want 1141", km)
		}
	})
	t.Run("cuerpos inválidos", func(t *testing.T) {
		en := env.llevarA(t, f, f.solicitante, 5, "en_curso")
		asig := env.llevarA(t, f, f.solicitante, 6, "asignada")
		for _, c := range []struct {
			id     uint
			accion string
			cuerpo map[string]any
			campo  string
		}{
			{asig.ID, "iniciar", map[string]any{"kmInicial": -1}, "kmInicial"},
			{en.ID, "finalizar", map[string]any{"kmFinal": -5}, "kmFinal"},
			{en.ID, "finalizar", map[string]any{"combustibleLitros": -0.5}, "combustibleLitros"},
			{en.ID, "finalizar", map[string]any{"combustibleLitros": 12.345}, "combustibleLitros"},
			{en.ID, "finalizar", map[string]any{"observaciones": strings.Repeat("x", 1001)}, "observaciones"},
		} {
			r := env.accion(mot, c.id, c.accion, c.cuerpo).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != c.campo {
				t.Fatalf("%v: errores = %+v, want %s", c.cuerpo, r.errores, c.campo)
			}
		}
		env.accion(mot, asig.ID, "iniciar", map[string]any{"kmInicial": 1.5}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
		env.accion(mot, en.ID, "finalizar", map[string]any{"kmFinal": "mil"}).esperar(t, 400, "SOLICITUD_MAL_FORMADA")
	})
}

// TestKilometrajeVehiculo: el admin fija el kilometraje al crear y lo
// corrige con PATCH; negativo es VALIDACION; ausente al crear es 0.
func TestKilometrajeVehiculo(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin().AccessToken
	var v struct {
		ID          uint `json:"id"`
		Kilometraje int  `json:"kilometraje"`
	}
	crear := map[string]any{"placa": "K-1", "marca": "Nissan", "modelo": "Urvan", "capacidad": 12}
	env.hacer(peticion{metodo: "POST", ruta: "/vehiculos/", token: admin, cuerpo: crear}).esperar(t, 201, "").leer(t, &v)
	if v.Kilometraje != 0 {
		t.Fatalf("kilometraje = %d, want 0", v.Kilometraje)
	}
	crear["placa"], crear["kilometraje"] = "K-2", 52000
	env.hacer(peticion{metodo: "POST", ruta: "/vehiculos/", token: admin, cuerpo: crear}).esperar(t, 201, "").leer(t, &v)
	if v.Kilometraje != 52000 {
		t.Fatalf("kilometraje = %d, want 52000", v.Kilometraje)
	}
	ruta := fmt.Sprintf("/vehiculos/%d", v.ID)
	env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: admin, cuerpo: map[string]any{"kilometraje": 100}}).esperar(t, 200, "").leer(t, &v)
	if v.Kilometraje != 100 {
		t.Fatalf("kilometraje = %d, want 100", v.Kilometraje)
	}
	for _, cuerpo := range []map[string]any{{"kilometraje": -1}, {"kilometraje": nil}} {
		r := env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: admin, cuerpo: cuerpo}).esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != "kilometraje" {
			t.Fatalf("errores = %+v", r.errores)
		}
	}
}
