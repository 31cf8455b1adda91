// Package config carga y valida la configuración del proceso desde el
// entorno (API.md §3). Un archivo .env del directorio de trabajo se lee
// primero; las variables reales del entorno tienen prioridad.
//
// Es una hoja: importa solo la biblioteca estándar, envconfig y godotenv,
// nunca otro paquete del proyecto ni echo.
package config
