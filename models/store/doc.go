// Package store es el adaptador de base de datos (GORM sobre SQLite o
// PostgreSQL): abre y migra la base y hace cada operación en una
// transacción; en SQLite serializa las escrituras en una sola conexión
// (conEscritor), en PostgreSQL usa el pool con reintentos (escribirPool).
// Lo que cambia de un motor a otro está en dialecto.go y postgres.go. Un
// archivo por recurso.
//
// Implementa models.AlmacenAuth y models.AlmacenMFA para los servicios Auth
// y MFA: recibe de ellos valores ya calculados (hashes bcrypt, sesiones
// descritas, códigos comprobados) y las reglas que deben correr dentro de la
// transacción (models.PoliticaBloqueo, models.ReglasSesion).
//
// Es el único paquete que importa gorm.io/... y los drivers de las bases:
// *gorm.DB y los errores de la base no salen de aquí; traducir los convierte
// en *models.Error en el borde. Importa models, nunca al revés.
package store
