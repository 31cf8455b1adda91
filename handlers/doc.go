// Package handlers es el borde HTTP: rutas, sobre de respuesta, DTO y el
// manejador central de errores. Los manejadores leen, llaman a models o al
// store una vez y responden.
//
// Importa echo, middleware, handlers/metricas, models, models/eventos (la
// central que alimenta GET /eventos), models/store y config. Nunca gorm:
// los datos le llegan como entidades de models y los errores como
// *models.Error.
package handlers
