package tests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"solicitud-transporte/models"
)

type auditoriaR struct {
	ID      uint   `json:"id"`
	Evento  string `json:"evento"`
	Fecha   string `json:"fecha"`
	Usuario *struct {
		ID       uint   `json:"id"`
		Username string `json:"username"`
	} `json:"usuario"`
	Actor *struct {
		ID       uint   `json:"id"`
		Username string `json:"username"`
	} `json:"actor"`
	IP        string `json:"ip"`
	UserAgent string `json:"userAgent"`
	RequestID string `json:"requestId"`
	Detalle   string `json:"detalle"`
}

func TestAuditoria(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	admin := env.loginAdmin()
	listar := func(t *testing.T, q string) paginaR[auditoriaR] {
		t.Helper()
		var p paginaR[auditoriaR]
		env.hacer(peticion{metodo: "GET", ruta: "/auditoria?" + q, token: admin.AccessToken}).esperar(t, 200, "").leer(t, &p)
		return p
	}
	env.reloj.Avanzar(24 * time.Hour) // 2026-03-03 09:00 en El Salvador
	admin = env.loginAdmin()
	ivan := env.loginComo("ivan", models.RolSolicitante)
	env.reloj.Avanzar(30 * time.Minute)
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", ivan.User.ID), token: admin.AccessToken,
		cuerpo:  map[string]any{"rol": "motorista", "activo": false},
		headers: map[string]string{"User-Agent": "prueba/1.0", "X-Request-ID": "req-123"}, ip: "203.0.113.9:5555"}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/usuarios/%d/desbloquear", ivan.User.ID), token: admin.AccessToken}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/usuarios/%d/sesiones/revocar", ivan.User.ID), token: admin.AccessToken}).esperar(t, 200, "")

	t.Run("más reciente primero, con la forma de §6", func(t *testing.T) {
		p := listar(t, "")
		if p.Total < 6 || p.Elementos[0].Evento != "SESIONES_REVOCADAS" || p.Elementos[1].Evento != "CUENTA_DESBLOQUEADA" {
			t.Fatalf("eventos = %s", fmtJSON(p.Elementos))
		}
		var act *auditoriaR
		for i := range p.Elementos {
			if p.Elementos[i].Evento == "USUARIO_ACTUALIZADO" {
				act = &p.Elementos[i]
			}
		}
		if act == nil || act.Usuario == nil || act.Usuario.Username != "ivan" || act.Actor == nil || act.Actor.ID != admin.User.ID ||
			act.IP != "203.0.113.9" || act.UserAgent != "prueba/1.0" || act.RequestID != "req-123" ||
			!strings.Contains(act.Detalle, "rol") || !strings.Contains(act.Detalle, "activo") || strings.Contains(act.Detalle, "email") ||
			act.Fecha != "2026-03-03T09:30:00-06:00" {
			t.Fatalf("USUARIO_ACTUALIZADO = %s", fmtJSON(act))
		}
		// la cuenta creada al arrancar no tiene actor: null
		creado := listar(t, fmt.Sprintf("evento=USUARIO_CREADO&usuarioId=%d", admin.User.ID))
		if creado.Total != 1 || creado.Elementos[0].Actor != nil || !strings.Contains(string(env.hacer(peticion{metodo: "GET",
			ruta: "/auditoria?evento=USUARIO_CREADO", token: admin.AccessToken}).cuerpo), `"actor":null`) {
			t.Fatalf("creado = %s", fmtJSON(creado))
		}
	})
	t.Run("filtros", func(t *testing.T) {
		p := listar(t, fmt.Sprintf("usuarioId=%d", ivan.User.ID))
		for _, e := range p.Elementos {
			if e.Usuario == nil || e.Usuario.ID != ivan.User.ID {
				t.Fatalf("entrada de otro usuario: %s", fmtJSON(e))
			}
		}
		if p.Total != 5 { // creado, login, actualizado, desbloqueada, revocadas
			t.Fatalf("total de ivan = %d: %s", p.Total, fmtJSON(p.Elementos))
		}
		if p := listar(t, "evento=LOGIN_EXITOSO"); p.Total != 3 {
			t.Fatalf("LOGIN_EXITOSO = %d", p.Total)
		}
		if p := listar(t, "evento=LOGIN_EXITOSO,USUARIO_CREADO"); p.Total != 5 {
			t.Fatalf("dos eventos = %d", p.Total)
		}
		if p := listar(t, "desde=2026-03-03"); p.Total != 6 {
			t.Fatalf("desde = %d", p.Total)
		}
		if p := listar(t, "hasta=2026-03-02"); p.Total != 2 { // admin creado y su login
			t.Fatalf("hasta = %d", p.Total)
		}
		if p := listar(t, "desde=2026-03-03T09:30:00-06:00&hasta=2026-03-03T09:30:00-06:00"); p.Total != 3 {
			t.Fatalf("instante = %d", p.Total)
		}
		if p := listar(t, "porPagina=2&pagina=5"); len(p.Elementos) != 0 || p.TotalPaginas != 4 || p.Total != 8 {
			t.Fatalf("paginación = %+v", p)
		}
	})
	t.Run("validación", func(t *testing.T) {
		for q, campo := range map[string]string{
			"usuarioId=abc": "usuarioId", "usuarioId=0": "usuarioId", "evento=LOGIN": "evento", "evento=login_exitoso": "evento",
			"desde=2026-02-31": "desde", "hasta=x": "hasta", "desde=2026-03-04&hasta=2026-03-03": "hasta", "pagina=0": "pagina",
		} {
			r := env.hacer(peticion{metodo: "GET", ruta: "/auditoria/?" + q, token: admin.AccessToken}).esperar(t, 422, "VALIDACION")
			if len(r.errores) != 1 || r.errores[0].Campo != campo {
				t.Fatalf("%s: %+v", q, r.errores)
			}
		}
	})
}
