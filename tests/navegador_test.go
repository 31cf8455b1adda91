package tests

import (
	"context"
	_ "embed"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// La sesión de navegador de API.md §4.9 y la página /docs, en un Chromium
// de verdad (sin interfaz) manejado por CDP. Sin Chromium instalado la
// prueba se salta, salvo con NAVEGADOR=1 (CI), que la exige.

//go:embed testdata/navegador.html
var paginaNavegador []byte

// rutaChromium es el ejecutable de Chromium: CHROMIUM si está definida, si no
// el de Debian (chromium) en el PATH. Vacía si no hay (o si CHROMIUM no
// existe: así se comprueba el salto en una máquina que sí lo tiene).
func rutaChromium() string {
	if r := os.Getenv("CHROMIUM"); r != "" {
		if _, err := exec.LookPath(r); err != nil {
			return ""
		}
		return r
	}
	for _, n := range []string{"chromium", "chromium-browser"} {
		if r, err := exec.LookPath(n); err == nil {
			return r
		}
	}
	return ""
}

// validandoContrato sirve h y valida cada respuesta contra el documento
// OpenAPI, como hacer() con las peticiones de las demás pruebas.
func validandoContrato(t *testing.T, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if msg := validarContrato(r, rec.Code, rec.Header(), rec.Body.Bytes()); msg != "" {
			t.Errorf("%s %s → %d no cumple el documento OpenAPI: %s", r.Method, r.URL.Path, rec.Code, msg)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
}

// resumenPaso es lo que devuelve cada paso de testdata/navegador.html.
type resumenPaso struct {
	Status        int    `json:"status"`
	Codigo        string `json:"codigo"`
	Detalle       string `json:"detalle"`
	TieneRefresh  bool   `json:"tieneRefresh"`
	Username      string `json:"username"`
	CookieVisible bool   `json:"cookieVisible"`
	Reintentos    int    `json:"reintentos"`
	TokenNuevo    bool   `json:"tokenNuevo"`
}

func TestNavegador(t *testing.T) {
	chromium := rutaChromium()
	if chromium == "" {
		if os.Getenv("NAVEGADOR") == "1" {
			t.Fatal("NAVEGADOR=1 pero no se encontró Chromium (instale el paquete chromium o defina CHROMIUM)")
		}
		t.Skip("sin Chromium: instale el paquete chromium (o defina CHROMIUM) para probar la sesión de navegador y /docs")
	}
	t.Parallel()

	// La página vive en otro origen (otro puerto de 127.0.0.1, el mismo
	// sitio): así el navegador aplica CORS con credenciales de verdad.
	pagina := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(paginaNavegador)
	}))
	t.Cleanup(pagina.Close)
	env := nuevoEntorno(t, func(c *configT) { c.CORSAllowedOrigins = []string{pagina.URL} })
	api := httptest.NewServer(validandoContrato(t, env.e))
	t.Cleanup(api.Close)

	opciones := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 2000))
	actx, cancelar := chromedp.NewExecAllocator(context.Background(), opciones...)
	defer cancelar()
	ctx, cancelar := chromedp.NewContext(actx)
	defer cancelar()
	// Plazos holgados: con -race y la máquina ocupada (CI corre la suite dos
	// veces), Swagger UI tarda en pintarse; solo cuentan si algo falla.
	ctx, cancelar = context.WithTimeout(ctx, 2*time.Minute)
	defer cancelar()

	paso := func(expr string) resumenPaso {
		t.Helper()
		var r resumenPaso
		if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &r, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		})); err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return r
	}
	cookie := func() *network.Cookie {
		t.Helper()
		var cs []*network.Cookie
		if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			cs, err = network.GetCookies().WithURLs([]string{api.URL + "/auth/refresh"}).Do(ctx)
			return err
		})); err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Name == "st_refresh" {
				return c
			}
		}
		return nil
	}

	if err := chromedp.Run(ctx, chromedp.Navigate(pagina.URL+"/?api="+url.QueryEscape(api.URL))); err != nil {
		t.Fatalf("abrir la página: %v", err)
	}

	// Login en modo cookie: sin refreshToken en datos, cookie HttpOnly que
	// el script no ve.
	r := paso(`pasos.login(` + jsTexto(adminUser) + `, ` + jsTexto(adminPass) + `)`)
	if r.Status != 200 || r.TieneRefresh || r.CookieVisible {
		t.Fatalf("login: %+v; want 200, sin refreshToken en datos y sin cookie visible para el script", r)
	}
	c0 := cookie()
	if c0 == nil || !c0.HTTPOnly || c0.SameSite != network.CookieSameSiteStrict || c0.Path != "/auth" || c0.Secure != env.cfg.CookieSegura() {
		t.Fatalf("cookie en el navegador: %+v", c0)
	}
	if r := paso(`pasos.me()`); r.Status != 200 || r.Username != adminUser {
		t.Fatalf("/auth/me: %+v", r)
	}

	// Refresh por la cookie: sin X-CSRF, 403; con ella, 200 y cookie rotada.
	if r := paso(`pasos.refrescarSinCSRF()`); r.Status != 403 || r.Codigo != "PERMISOS_INSUFICIENTES" || !strings.Contains(r.Detalle, "X-CSRF") {
		t.Fatalf("refresh sin X-CSRF: %+v", r)
	}
	if r := paso(`pasos.refrescar()`); r.Status != 200 || r.TieneRefresh || !r.TokenNuevo {
		t.Fatalf("refresh por la cookie: %+v", r)
	}
	if c1 := cookie(); c1 == nil || c1.Value == c0.Value {
		t.Fatal("el refresh debe rotar la cookie en el navegador")
	}

	// El token de acceso vence (el reloj del servidor avanza): la página
	// recibe 401 TOKEN_EXPIRADO, refresca por la cookie y repite.
	env.reloj.Avanzar(61 * time.Minute)
	if r := paso(`pasos.me()`); r.Status != 200 || r.Reintentos != 1 {
		t.Fatalf("/auth/me tras vencer el token: %+v; want 200 tras un reintento", r)
	}

	// Logout: revoca y borra la cookie.
	var viejo string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`pasos.token()`, &viejo)); err != nil {
		t.Fatal(err)
	}
	if r := paso(`pasos.logout()`); r.Status != 200 {
		t.Fatalf("logout: %+v", r)
	}
	if c := cookie(); c != nil {
		t.Fatalf("tras el logout la cookie sigue en el navegador: %+v", c)
	}
	if r := paso(`pasos.meConTokenViejo(` + jsTexto(viejo) + `)`); r.Status != 401 || r.Codigo != "TOKEN_REVOCADO" {
		t.Fatalf("token tras el logout: %+v", r)
	}
	if r := paso(`pasos.refrescar()`); r.Status != 422 {
		t.Fatalf("refresh sin cookie: %+v; want 422", r)
	}

	probarDocs(t, ctx, api.URL)
}

// probarDocs abre /docs, autoriza con el formulario OAuth2 (password, contra
// /auth/token) y ejecuta GET /auth/me desde la página.
func probarDocs(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	// La operación GET /auth/me (etiqueta y operationId en su id).
	const operacion = `.opblock[id$="-me"]`
	var estado, cuerpo string
	pasos := []struct {
		nombre string
		accion chromedp.Action
	}{
		{"abrir /docs", chromedp.Navigate(base + "/docs")},
		{"botón Authorize", chromedp.Click(`.swagger-ui .auth-wrapper .btn.authorize`, chromedp.NodeVisible)},
		{"usuario", chromedp.SendKeys(`#oauth_username`, adminUser, chromedp.NodeVisible)},
		{"contraseña", chromedp.SendKeys(`#oauth_password`, adminPass, chromedp.NodeVisible)},
		{"autorizar", chromedp.Click(`button[aria-label="Apply given OAuth2 credentials"]`, chromedp.NodeVisible, chromedp.ByQuery)},
		// Autorizado: el formulario da paso a «Logout».
		{"esperar la autorización", chromedp.WaitNotPresent(`#oauth_username`)},
		{"cerrar el diálogo", chromedp.Click(`.modal-ux .btn-done`, chromedp.NodeVisible)},
		{"abrir GET /auth/me", chromedp.Click(operacion+` .opblock-summary-control`, chromedp.NodeVisible)},
		{"Execute", chromedp.Click(operacion+` .btn.execute`, chromedp.NodeVisible)},
		{"estado", chromedp.Text(operacion+` .live-responses-table tbody .response-col_status`, &estado, chromedp.NodeVisible)},
		{"cuerpo", chromedp.Text(operacion+` .live-responses-table tbody .response-col_description`, &cuerpo, chromedp.NodeVisible)},
	}
	for _, p := range pasos {
		pctx, cancelar := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Run(pctx, p.accion)
		cancelar()
		if err != nil {
			var html string
			hctx, cancelar := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			chromedp.Run(hctx, chromedp.OuterHTML(`.modal-ux`, &html, chromedp.ByQuery))
			cancelar()
			t.Fatalf("/docs, paso %q: %v\nHTML: %.4000s", p.nombre, err, html)
		}
	}
	if strings.TrimSpace(estado) != "200" || !strings.Contains(cuerpo, `"username": "`+adminUser+`"`) {
		t.Fatalf("/docs: GET /auth/me respondió %q: %.500s", estado, cuerpo)
	}
}

// jsTexto es s como literal de cadena de JavaScript.
func jsTexto(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
