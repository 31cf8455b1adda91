// Package eventos es la central de eventos de una instancia: lee la bandeja
// de salida (models.Evento) y la reparte a los suscriptores de GET /eventos
// (API.md §11.1).
//
// Una sola goroutine por instancia sondea la tabla (así llegan los eventos
// confirmados por otras instancias) y se despierta al momento con cada
// confirmación local (Despertar). Los eventos recientes quedan en un anillo
// acotado en memoria; un suscriptor que se quedó atrás del anillo lee del
// store. Avisar a los suscriptores es cerrar un canal y poner otro: 500
// suscriptores despiertan sin 500 envíos.
//
// La visibilidad se decide por evento y por suscriptor al entregar: antes de
// repartir, y cada segundo aunque no haya eventos, la central relee en lote
// el rol y si está activo cada usuario suscrito y si su token o su sesión
// están en la lista negra; a quien ya no puede seguir le cierra la
// suscripción.
//
// Importa solo la biblioteca estándar y models; habla con el store por la
// interfaz Fuente.
package eventos
