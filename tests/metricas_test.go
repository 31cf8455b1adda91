package tests

import (
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"solicitud-transporte/config"
	"solicitud-transporte/models"
)

// serie es una serie leída del registro: para los histogramas, valor es la
// cantidad de observaciones.
type serie struct {
	nombre    string
	etiquetas map[string]string
	valor     float64
}

// series lee el registro de métricas de env (las propias del servicio).
func (env *entorno) series() []serie {
	env.t.Helper()
	familias, err := env.metricas.Registro().Gather()
	if err != nil {
		env.t.Fatal(err)
	}
	var out []serie
	for _, f := range familias {
		if !strings.HasPrefix(f.GetName(), "solicitud_transporte_") {
			continue
		}
		for _, m := range f.GetMetric() {
			s := serie{nombre: f.GetName(), etiquetas: map[string]string{}}
			for _, par := range m.GetLabel() {
				s.etiquetas[par.GetName()] = par.GetValue()
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				s.valor = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				s.valor = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				s.valor = float64(m.GetHistogram().GetSampleCount())
			}
			out = append(out, s)
		}
	}
	return out
}

// valorDe busca la serie nombre con exactamente esas etiquetas; -1 si no está.
func valorDe(series []serie, nombre string, etiquetas ...string) float64 {
	for _, s := range series {
		if s.nombre != nombre || len(s.etiquetas) != len(etiquetas)/2 {
			continue
		}
		igual := true
		for i := 0; i < len(etiquetas); i += 2 {
			igual = igual && s.etiquetas[etiquetas[i]] == etiquetas[i+1]
		}
		if igual {
			return s.valor
		}
	}
	return -1
}

// TestMetricas (API.md §10, METRICS_ADDR): tras un 200, dos 404 (ruta
// desconocida y recurso inexistente), fallos de login, un bloqueo, un código
// MFA equivocado y una cuenta desactivada, el registro muestra las series
// exactas, por plantilla de ruta y nunca con ids, usuarios, IP ni secretos.
func TestMetricas(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t, func(c *config.Config) { c.MetricsAddr = "127.0.0.1:9090" })
	if env.metricas == nil {
		t.Fatal("con METRICS_ADDR la aplicación no tiene métricas")
	}
	admin := env.loginAdmin()
	env.hacer(peticion{metodo: "GET", ruta: "/salud"}).esperar(t, 200, "")
	env.hacer(peticion{metodo: "GET", ruta: "/no/existe/424242"}).esperar(t, 404, "NO_ENCONTRADO")
	env.hacer(peticion{metodo: "GET", ruta: "/solicitud/987654", token: admin.AccessToken}).esperar(t, 404, "NO_ENCONTRADO")
	env.hacer(peticion{metodo: "BREW", ruta: "/salud"})

	// Cinco contraseñas equivocadas bloquean a rosa (el quinto fallo todavía
	// es 422); el sexto intento es rechazado por el bloqueo.
	env.crearUsuario("rosa", models.RolSolicitante)
	const malas = "contraseña-equivocada-secreta"
	for range 5 {
		env.hacer(peticion{metodo: "POST", ruta: "/auth/login", ip: "192.0.2.77:4000", cuerpo: map[string]string{"username": "rosa", "password": malas}}).
			esperar(t, 422, "CREDENCIALES_INVALIDAS")
	}
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", ip: "192.0.2.77:4000", cuerpo: map[string]string{"username": "rosa", "password": passPrueba}}).
		esperar(t, 429, "DEMASIADAS_SOLICITUDES")
	// Un código MFA equivocado y la contraseña correcta de una cuenta
	// desactivada.
	cu := env.conMFA("marta")
	env.verificar(env.mfaToken(cu.username), "ZZZZZ-ZZZZZ").esperar(t, 422, "CODIGO_MFA_INVALIDO")
	inactivo := env.crearUsuario("tomas", models.RolSolicitante)
	env.desactivar(inactivo.ID)
	env.hacer(peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "tomas", "password": passPrueba}}).
		esperar(t, 403, "USUARIO_INACTIVO")

	series := env.series()
	const peticiones, duracion = "solicitud_transporte_http_peticiones_total", "solicitud_transporte_http_duracion_segundos"
	for _, c := range []struct {
		ruta, metodo, estado string
		n                    float64
	}{
		{"/salud", "GET", "200", 1},
		{"desconocida", "GET", "404", 1},
		{"/solicitud/:id", "GET", "404", 1},
		{"/salud", "OTRO", "405", 1},
		{"/auth/login", "POST", "422", 5},
		{"/auth/login", "POST", "429", 1},
		{"/auth/login", "POST", "403", 1},
		{"/auth/mfa/verificar", "POST", "422", 1},
	} {
		if v := valorDe(series, peticiones, "ruta", c.ruta, "metodo", c.metodo, "estado", c.estado); v != c.n {
			t.Errorf("%s{ruta=%q,metodo=%q,estado=%q} = %v, want %v", peticiones, c.ruta, c.metodo, c.estado, v, c.n)
		}
		if v := valorDe(series, duracion, "ruta", c.ruta, "metodo", c.metodo, "estado", c.estado); v != c.n {
			t.Errorf("%s_count{ruta=%q,metodo=%q,estado=%q} = %v, want %v", duracion, c.ruta, c.metodo, c.estado, v, c.n)
		}
	}
	for motivo, n := range map[string]float64{"credenciales": 5, "bloqueada": 1, "mfa": 1, "inactiva": 1} {
		if v := valorDe(series, "solicitud_transporte_login_fallos_total", "motivo", motivo); v != n {
			t.Errorf("login_fallos_total{motivo=%q} = %v, want %v", motivo, v, n)
		}
	}
	if v := valorDe(series, "solicitud_transporte_login_bloqueos_total"); v != 1 {
		t.Errorf("login_bloqueos_total = %v, want 1", v)
	}
	// Los pools de la base: SQLite escribe por una sola conexión y lee por
	// un pool; PostgreSQL usa un solo pool de DB_MAX_CONNS.
	pools, principal, maximo := []string{"escritura", "lectura"}, "escritura", 1.0
	if env.cfg.DBDriver == "postgres" {
		pools, principal, maximo = []string{"principal"}, "principal", float64(env.cfg.DBMaxConns)
	}
	if v := valorDe(series, "solicitud_transporte_db_conexiones_maximas", "pool", principal); v != maximo {
		t.Errorf("db_conexiones_maximas{pool=%s} = %v, want %v", principal, v, maximo)
	}
	for _, nombre := range []string{"conexiones_en_uso", "conexiones_libres", "esperas_total", "espera_segundos_total"} {
		for _, pool := range pools {
			if v := valorDe(series, "solicitud_transporte_db_"+nombre, "pool", pool); v < 0 {
				t.Errorf("falta db_%s{pool=%q}", nombre, pool)
			}
		}
	}
	if v := valorDe(series, "solicitud_transporte_db_escritores_descartados_total"); v != 0 {
		t.Errorf("db_escritores_descartados_total = %v, want 0", v)
	}

	// Cada etiqueta es de un conjunto cerrado: plantillas registradas,
	// métodos, estados, motivos y pools.
	permitidas := map[string]bool{"desconocida": true}
	for _, r := range env.e.Routes() {
		permitidas[r.Path] = true
	}
	numero := regexp.MustCompile(`^[1-5][0-9][0-9]$`)
	for _, s := range series {
		for k, v := range s.etiquetas {
			ok := false
			switch k {
			case "ruta":
				ok = permitidas[v]
			case "metodo":
				ok = v == "OTRO" || v == strings.ToUpper(v) && len(v) <= 7
			case "estado":
				ok = numero.MatchString(v)
			case "motivo":
				ok = strings.Contains("credenciales mfa bloqueada inactiva", v)
			case "pool":
				ok = v == "escritura" || v == "lectura" || v == "principal"
			case "resultado":
				ok = v == "entregada" || v == "reintento" || v == "fallida"
			}
			if !ok {
				t.Errorf("%s: etiqueta %s=%q fuera de su conjunto", s.nombre, k, v)
			}
		}
	}

	// Lo que se sirve en /metrics (todo el registro, con Go y proceso) no
	// lleva ningún dato de las peticiones. Los ids numéricos no se buscan
	// en el texto (3 aparece en cualquier parte): los excluye la revisión
	// de etiquetas de arriba.
	rec := httptest.NewRecorder()
	env.metricas.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	cuerpo, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 || !strings.Contains(string(cuerpo), "go_goroutines") || !strings.Contains(string(cuerpo), peticiones) {
		t.Fatalf("GET /metrics = %d: %.300s", rec.Code, cuerpo)
	}
	for _, prohibido := range []string{"rosa", "marta", "tomas", adminUser, malas, passPrueba, adminPass, "424242", "987654",
		"192.0.2.77", "ZZZZZ", admin.AccessToken} {
		if strings.Contains(string(cuerpo), prohibido) {
			t.Errorf("/metrics contiene %q", prohibido)
		}
	}
}

// TestSinMetricas: sin METRICS_ADDR no se arma ningún registro.
func TestSinMetricas(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	if env.metricas != nil {
		t.Fatal("sin METRICS_ADDR la aplicación tiene métricas")
	}
	env.hacer(peticion{metodo: "GET", ruta: "/salud"}).esperar(t, 200, "")
}
