package tests

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"solicitud-transporte/models"
)

// TestPasswordActualIncorrectaCuentaParaElBloqueo (API.md §12): una
// passwordActual equivocada en PUT /auth/password cuenta para el bloqueo de
// la cuenta y se audita como LOGIN_FALLIDO de un cambio de contraseña.
func TestPasswordActualIncorrectaCuentaParaElBloqueo(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginComo("cambia.clave", models.RolSolicitante)
	cambiar := func(actual string) *respuesta {
		return env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: s.AccessToken,
			cuerpo: map[string]string{"passwordActual": actual, "passwordNueva": "una-contraseña-nueva-larga"}})
	}
	for i := range env.cfg.LoginMaxFailed {
		r := cambiar(fmt.Sprintf("equivocada-%d", i)).esperar(t, 422, "CREDENCIALES_INVALIDAS")
		if !strings.Contains(r.detalle, "contraseña actual") {
			t.Fatalf("detalle = %q", r.detalle)
		}
	}
	// Bloqueada: ni el cambio (aun con la correcta) ni el login pasan.
	cambiar(passPrueba).esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "cambia.clave", "password": passPrueba}}).
		esperar(t, 429, "DEMASIADAS_SOLICITUDES")

	fallidos := env.auditoriaDe(s.User.ID, models.EventoLoginFallido)
	n := 0
	for _, e := range fallidos {
		if strings.Contains(e.Detalle, "cambio de contraseña") {
			n++
		}
	}
	if n != env.cfg.LoginMaxFailed {
		t.Fatalf("LOGIN_FALLIDO de cambio de contraseña = %d, want %d (%+v)", n, env.cfg.LoginMaxFailed, fallidos)
	}
	if len(env.auditoriaDe(s.User.ID, models.EventoCuentaBloqueada)) != 1 {
		t.Fatal("falta CUENTA_BLOQUEADA")
	}
}

// TestPasswordActualCorrectaLimpiaLosFallos: un cambio con la contraseña
// correcta no deja intentos contados.
func TestPasswordActualCorrectaLimpiaLosFallos(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	s := env.loginComo("limpia.fallos", models.RolSolicitante)
	for range env.cfg.LoginMaxFailed - 1 {
		env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "limpia.fallos", "password": "no-es-la-clave"}}).
			esperar(t, 422, "CREDENCIALES_INVALIDAS")
	}
	env.hacer(peticion{metodo: "PUT", ruta: "/auth/password", token: s.AccessToken,
		cuerpo: map[string]string{"passwordActual": passPrueba, "passwordNueva": "una-contraseña-nueva-larga"}}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "limpia.fallos", "password": "otra-equivocada"}}).
		esperar(t, 422, "CREDENCIALES_INVALIDAS")
	env.login("limpia.fallos", "una-contraseña-nueva-larga")
}

// sqlCrudo ejecuta q directamente en la base del entorno, fuera de la API:
// para preparar estados que la API ya no deja crear.
func (env *entorno) sqlCrudo(q string) {
	env.t.Helper()
	driver := "sqlite3"
	if env.cfg.DBDriver == "postgres" {
		driver = "pgx"
	}
	db, err := sql.Open(driver, env.cfg.DBDSN)
	if err != nil {
		env.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		env.t.Fatalf("%s: %v", q, err)
	}
}

// adminsActivos cuenta las cuentas admin activas, con el store.
func (env *entorno) adminsActivos() []string {
	env.t.Helper()
	rol, activo := models.RolAdmin, true
	r, err := env.store.ListarUsuarios(context.Background(), models.FiltroUsuarios{Rol: &rol, Activo: &activo,
		Pagina: models.Pagina{Pagina: 1, PorPagina: models.PorPaginaMaximo}})
	if err != nil {
		env.t.Fatal(err)
	}
	var nombres []string
	for _, u := range r.Elementos {
		nombres = append(nombres, u.Username)
	}
	return nombres
}

// TestSiempreHayUnAdminActivo (API.md §12): dos administradores que se
// quitan el rol (o se desactivan) a la vez: uno gana, el otro recibe 409
// CONFLICTO, y siempre queda un administrador activo. Un administrador no
// cambia su propio rol ni su activo (422 nombrando el campo).
func TestSiempreHayUnAdminActivo(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	api := env.loginAdmin()
	for _, c := range []struct {
		cuerpo map[string]any
		campo  string
	}{{map[string]any{"rol": "aprobador"}, "rol"}, {map[string]any{"activo": false}, "activo"}} {
		r := env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", api.User.ID), token: api.AccessToken, cuerpo: c.cuerpo}).
			esperar(t, 422, "VALIDACION")
		if len(r.errores) != 1 || r.errores[0].Campo != c.campo {
			t.Fatalf("errores = %+v, want %s", r.errores, c.campo)
		}
	}

	// Una segunda administradora deja a api_user sin rol: queda ella sola.
	actual := env.loginComo("admin.0", models.RolAdmin)
	env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", api.User.ID), token: actual.AccessToken,
		cuerpo: map[string]any{"rol": "aprobador"}}).esperar(t, 200, "")

	cambios := []map[string]any{{"rol": "solicitante"}, {"activo": false}}
	// Al menos 12 rondas, y más (hasta 300) mientras ninguna haya llegado a
	// la base a la vez: en una máquina cargada la perdedora puede
	// autenticarse después de que la ganadora confirmó.
	conflictos := 0
	for ronda := 0; ronda < 12 || (conflictos == 0 && ronda < 300); ronda++ {
		nueva := env.loginComo(fmt.Sprintf("admin.%d", ronda+1), models.RolAdmin)
		par := []sesionTokens{actual, nueva}
		r := enParalelo(2, func(i int) *respuesta {
			otra := par[1-i]
			return env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", otra.User.ID), token: par[i].AccessToken,
				cuerpo: cambios[(ronda+i)%2]})
		})
		// La perdedora recibe 409 si su cambio llegó a la base; si la
		// ganadora ya confirmó cuando la perdedora se autentica, 401 (la
		// desactivaron) o 403 (ya no es admin).
		ganadora := -1
		for i, x := range r {
			switch {
			case x.status == 200 && ganadora < 0:
				ganadora = i
			case x.status == 409 && x.codigo == "CONFLICTO":
				conflictos++
				if !strings.Contains(x.detalle, "administrador activo") {
					t.Fatalf("detalle del 409 = %q", x.detalle)
				}
			case x.status == 401 && x.codigo == "TOKEN_REVOCADO", x.status == 403 && x.codigo == "PERMISOS_INSUFICIENTES":
			default:
				t.Fatalf("ronda %d: respuestas %d %s y %d %s, want un 200 y un 409 CONFLICTO", ronda, r[0].status, r[0].codigo, r[1].status, r[1].codigo)
			}
		}
		if ganadora < 0 {
			t.Fatalf("ronda %d: ninguna ganó: %s / %s", ronda, r[0].cuerpo, r[1].cuerpo)
		}
		if got := env.adminsActivos(); len(got) != 1 || got[0] != par[ganadora].User.Username {
			t.Fatalf("ronda %d: administradores activos = %v, want [%s]", ronda, got, par[ganadora].User.Username)
		}
		actual = par[ganadora]
	}
	if conflictos == 0 {
		t.Fatal("ninguna ronda llegó a la base a la vez (ningún 409): la carrera no se probó")
	}
}

// TestSinAdminActivoAlArrancarAPIUserVuelveASerlo: si al arrancar no hay
// ningún administrador activo, API_USER vuelve a ser admin activo; queda en
// el log y en la auditoría.
func TestSinAdminActivoAlArrancarAPIUserVuelveASerlo(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	api := env.loginAdmin()
	env.sqlCrudo("UPDATE usuarios SET rol = 'solicitante', activo = (1 = 0)")
	env.reiniciar()
	if got := env.adminsActivos(); len(got) != 1 || got[0] != adminUser {
		t.Fatalf("administradores activos = %v, want [%s]", got, adminUser)
	}
	env.loginAdmin()
	var restaurada bool
	for _, e := range env.auditoriaDe(api.User.ID, models.EventoUsuarioActualizado) {
		restaurada = restaurada || strings.Contains(e.Detalle, "ningún administrador activo")
	}
	if !restaurada {
		t.Fatalf("falta la auditoría de la restauración: %+v", env.auditoriaDe(api.User.ID))
	}
	if !strings.Contains(env.logsTexto(), "ningún administrador activo") {
		t.Fatalf("falta el aviso en el log:\n%s", env.logsTexto())
	}
	// Con otro administrador activo, un API_USER desactivado sigue así.
	env.sqlCrudo("UPDATE usuarios SET activo = (1 = 0) WHERE username = '" + adminUser + "'")
	env.crearUsuario("otra.admin", models.RolAdmin)
	env.reiniciar()
	if got := env.adminsActivos(); len(got) != 1 || got[0] != "otra.admin" {
		t.Fatalf("administradores activos = %v, want [otra.admin]", got)
	}
}

// TestMotoristaConViajesNoSeDegradaNiDesactiva (API.md §12): quitar el rol o
// desactivar a un motorista con viajes asignados o en curso es 409
// CONFLICTO con sus códigos en el detalle; sin ellos, se puede.
func TestMotoristaConViajesNoSeDegradaNiDesactiva(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("ocupado")
	sol := env.loginComo("pide.viajes", models.RolSolicitante)
	asignada := env.llevarA(t, f, sol.AccessToken, 1, "asignada")
	enCurso := env.llevarA(t, f, sol.AccessToken, 2, "en_curso")
	env.llevarA(t, f, sol.AccessToken, 3, "finalizada")
	ruta := fmt.Sprintf("/usuarios/%d", f.motoristaID)
	for _, cuerpo := range []map[string]any{{"rol": "solicitante"}, {"activo": false}, {"rol": "aprobador", "activo": false}} {
		r := env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: f.admin, cuerpo: cuerpo}).esperar(t, 409, "CONFLICTO")
		if !strings.Contains(r.detalle, asignada.Codigo) || !strings.Contains(r.detalle, enCurso.Codigo) || !strings.Contains(r.detalle, "easigne") {
			t.Fatalf("detalle = %q, want los códigos %s y %s y «reasigne»", r.detalle, asignada.Codigo, enCurso.Codigo)
		}
	}
	// El email sí se puede cambiar, y el rol sigue siendo motorista.
	env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: f.admin, cuerpo: map[string]any{"email": "otro.correo@ejemplo.org"}}).esperar(t, 200, "")
	env.accion(f.admin, asignada.ID, "cancelar", map[string]any{"motivo": "Ya no hace falta"}).esperar(t, 200, "")
	env.accion(f.motorista.AccessToken, enCurso.ID, "finalizar", nil).esperar(t, 200, "")
	env.hacer(peticion{metodo: "PATCH", ruta: ruta, token: f.admin, cuerpo: map[string]any{"activo": false}}).esperar(t, 200, "")

	// Asignar y desactivar a la vez: nunca ganan los dos.
	for ronda := range 4 {
		g := env.nuevaFlota(fmt.Sprintf("carrera%d", ronda))
		s := env.llevarA(t, g, sol.AccessToken, 10+ronda, "aprobada")
		r := enParalelo(2, func(i int) *respuesta {
			if i == 0 {
				return env.accion(g.admin, s.ID, "asignar", cuerpoAccion("asignar", g))
			}
			return env.hacer(peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", g.motoristaID), token: g.admin, cuerpo: map[string]any{"activo": false}})
		})
		switch {
		case r[0].status == 200 && r[1].status == 409 && r[1].codigo == "CONFLICTO":
		case r[1].status == 200 && r[0].status == 422 && r[0].codigo == "VALIDACION":
		default:
			t.Fatalf("ronda %d: asignar %d %s, desactivar %d %s", ronda, r[0].status, r[0].codigo, r[1].status, r[1].codigo)
		}
	}
}
