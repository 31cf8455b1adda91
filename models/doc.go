// Package models es el núcleo del servicio: entidades, reglas, tokens y el
// acceso a la base de datos. No conoce HTTP ni la configuración del proceso:
// recibe lo que necesita por constructor.
//
// Glosario (una palabra por concepto):
//   - usuario: cuenta que inicia sesión; rol: admin, aprobador, motorista, solicitante.
//   - sesion: un inicio de sesión y todos los tokens refrescados desde él (claim sid).
//   - token revocado: fila de la lista negra, por jti o por sesión, con su expiración.
//   - solicitud: pedido de transporte; estado: su etapa en el flujo de aprobación.
//   - vehiculo, motorista: lo que se asigna a una solicitud aprobada.
//   - auditoria: registro de eventos de seguridad.
//   - mfa: segundo factor TOTP; paso: ventana de 30 s de un código TOTP;
//     codigo de recuperacion: código de un solo uso para entrar sin la app.
package models
