package handlers

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5/static"
	"github.com/swaggest/swgui/v5emb"
)

// OpenAPI es el documento OpenAPI 3.1 de la API (API.md §9), en español. Las
// pruebas de tests/ validan cada respuesta contra él y comprueban que cubre
// exactamente las rutas de NewServer.
//
//go:embed openapi.json
var OpenAPI []byte

// RutasDocs son las rutas que sirven la documentación misma y por eso no
// figuran en el documento.
var RutasDocs = []string{"/openapi.json", "/docs*"}

// registrarDocs sirve el documento en GET /openapi.json y, en GET /docs, una
// página Swagger UI cuyos archivos van embebidos en el binario (funciona sin
// red). Su botón «Authorize» usa el flujo password de OAuth2 contra
// POST /auth/token, tal como lo declara el documento.
func registrarDocs(e *echo.Echo) {
	e.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, OpenAPI)
	})
	ui := v5emb.NewHandlerWithConfig(swgui.Config{
		Title:       "API de Solicitudes de Transporte",
		SwaggerJSON: "/openapi.json",
		BasePath:    "/docs/",
		SettingsUI: map[string]string{
			"persistAuthorization":     "true",
			"defaultModelsExpandDepth": "1",
			"tryItOutEnabled":          "true",
		},
	})
	pagina := echo.WrapHandler(ui)
	csp := politicaDocs(ui)
	// Una sola ruta para la página (/docs, /docs/) y sus archivos (/docs/…).
	e.GET("/docs*", func(c echo.Context) error {
		c.Response().Header().Set("Content-Security-Policy", csp)
		switch resto := c.Param("*"); {
		case resto == "" || resto == "/":
			return pagina(c)
		case strings.HasPrefix(resto, "/") && existeRecursoDocs(resto[1:]):
			return pagina(c)
		}
		return echo.ErrNotFound
	})
}

// existeRecursoDocs dice si nombre es uno de los archivos embebidos de
// Swagger UI (guardados comprimidos como nombre.gz). Así una ruta
// desconocida bajo /docs/ recibe el 404 con el sobre de la API.
func existeRecursoDocs(nombre string) bool {
	if strings.Contains(nombre, "/") {
		return false
	}
	for _, n := range []string{nombre, nombre + ".gz"} {
		if _, err := fs.Stat(static.FS, n); err == nil {
			return true
		}
	}
	return false
}

// politicaDocs es la Content-Security-Policy de /docs (API.md §12). Swagger
// UI sirve su JS y su CSS desde este mismo origen; la página tiene dos
// <script> en línea, fijos (la configuración no cambia tras arrancar), que se
// permiten por su hash SHA-256, calculado aquí sobre la página misma, así
// que una actualización de swgui no rompe la política en silencio. Los
// estilos en línea (un <style> y los atributos style que pone React) piden
// 'unsafe-inline' en style-src; los íconos son data: (img-src). connect-src
// 'self' basta para leer /openapi.json y para «Try it out» y «Authorize».
func politicaDocs(pagina http.Handler) string {
	w := &bufferHTML{cabeceras: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, "/docs/", nil)
	pagina.ServeHTTP(w, req)
	hashes := []string{"'self'"}
	for _, m := range scriptEnLinea.FindAllSubmatch(w.cuerpo.Bytes(), -1) {
		suma := sha256.Sum256(m[1])
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(suma[:])+"'")
	}
	return "default-src 'self'; script-src " + strings.Join(hashes, " ") +
		"; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'" +
		"; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

// scriptEnLinea encuentra los <script> sin atributos (en línea).
var scriptEnLinea = regexp.MustCompile(`(?s)<script>(.*?)</script>`)

// bufferHTML guarda la página de Swagger UI para calcular sus hashes.
type bufferHTML struct {
	cabeceras http.Header
	cuerpo    bytes.Buffer
}

func (b *bufferHTML) Header() http.Header         { return b.cabeceras }
func (b *bufferHTML) Write(p []byte) (int, error) { return b.cuerpo.Write(p) }
func (b *bufferHTML) WriteHeader(int)             {}
