// Package models es el núcleo del servicio: entidades, errores y sus
// códigos, estados y transiciones, visibilidad y validación, tokens, TOTP,
// bcrypt y cifrado de secretos MFA, y los servicios Auth y MFA, que aplican
// esas reglas y persisten a través de AlmacenAuth/AlmacenMFA (los implementa
// models/store). No conoce HTTP, la base de datos ni la configuración del
// proceso: recibe lo que necesita por constructor.
//
// Importa solo la biblioteca estándar, jwt, otp y x/crypto: nunca gorm, echo,
// config ni models/store. Las entidades llevan etiquetas gorm y TableName,
// que son texto y no importan gorm.
//
// Glosario (una palabra por concepto):
//   - usuario: cuenta que inicia sesión; rol: admin, aprobador, motorista, solicitante.
//   - sesion: un inicio de sesión y todos los tokens refrescados desde él (claim sid).
//   - token revocado: fila de la lista negra, por jti o por sesión, con su expiración.
//   - solicitud: pedido de transporte; estado: su etapa en el flujo de aprobación.
//   - vehiculo, motorista: lo que se asigna a una solicitud aprobada.
//   - auditoria: registro de eventos de seguridad (EventoAuditoria).
//   - evento (Evento, TipoEvento): un hecho sobre una solicitud (creada,
//     aprobada…) escrito en la bandeja de salida (outbox) en la misma
//     transacción que el cambio; anunciar es escribirlo. Lo reciben los
//     suscriptores de GET /eventos y los webhooks; entrega: un intento de
//     enviarlo a un webhook.
//   - central (eventos.Central): la que reparte los eventos a los flujos de
//     GET /eventos de una instancia; suscripcion: uno de esos flujos; anillo:
//     los eventos recientes que la central guarda en memoria; latido: el
//     comentario que mantiene vivo un flujo sin eventos; reinicio: el aviso de
//     que lo pedido con Last-Event-ID ya no se puede repetir.
//   - bloqueo: fallos de login contados por identidad (clave); reservar un
//     intento lo gasta antes de comprobar la contraseña o el código.
//   - observador (Observador): quien cuenta los fallos de autenticación y
//     los bloqueos ya guardados (las métricas); models no sabe de Prometheus.
//   - almacen: la persistencia vista desde models (AlmacenAuth, AlmacenMFA);
//     store: su implementación con GORM.
//   - mfa: segundo factor TOTP; paso: ventana de 30 s de un código TOTP;
//     codigo de recuperacion (CodigoRecuperacion): código de un solo uso para
//     entrar sin la app; codigo MFA (CodigoMFA): un código TOTP o de
//     recuperación presentado por el usuario; CompletarLogin: el segundo paso
//     del login con MFA.
//   - "código" a secas no se usa: CodigoError es el código estable de un
//     error (el campo codigo del sobre); Solicitud.Codigo es la referencia
//     ST-AAAA-NNNNNN de una solicitud, numerada por ContadorSolicitudes.
//   - verificar: solo Tokens.Verificar (firma y claims de un JWT).
//   - fusionar: un PATCH sobre lo guardado (EdicionSolicitud); Rellenar: los
//     datos de un vehículo sobre el vehículo. Aplicar: solo las migraciones.
package models
