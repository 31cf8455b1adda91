// Package middleware tiene el middleware de Echo del servicio. Nunca escribe
// cuerpos: devuelve errores y el manejador central los presenta.
//
// Importa echo y models (el actor, los códigos de error, Auth); no conoce el
// store ni los manejadores.
package middleware
