package handlers

import (
	_ "embed"
	"io/fs"
	"net/http"
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
	// Una sola ruta para la página (/docs, /docs/) y sus archivos (/docs/…).
	e.GET("/docs*", func(c echo.Context) error {
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
