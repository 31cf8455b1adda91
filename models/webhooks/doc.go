// Package webhooks entrega los eventos de la bandeja de salida a los
// webhooks registrados (API.md §11.2): valida las URL (también contra SSRF),
// firma cada mensaje como Standard Webhooks, reintenta con esperas
// crecientes durante 24 h y anota cada intento.
//
// Nada se pierde: un evento se convierte en envíos en la misma transacción
// que adelanta el cursor del webhook, y un envío sale de la cola solo al
// anotarse su resultado. Un intento interrumpido (kill -9) se repite al
// vencer su arriendo: al menos una vez; el receptor desduplica por
// webhook-id. Con varias instancias, cada intento lo reclama una sola.
//
// Ningún intento ocupa la base mientras espera al receptor (el POST va
// fuera de toda transacción) ni una petición de la API: los hacen
// Trabajadores gorutinas de fondo, cada uno acotado por Plazo.
//
// Importa solo la biblioteca estándar y models; la persistencia llega por
// la interfaz Almacen (la implementa *store.Store).
package webhooks
