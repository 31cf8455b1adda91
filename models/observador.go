package models

// MotivoFallo clasifica un intento de autenticación fallido para las
// métricas: un conjunto cerrado y pequeño, sin datos de la cuenta.
type MotivoFallo string

const (
	// FalloCredenciales: usuario inexistente o contraseña equivocada
	// (LOGIN_FALLIDO que cuenta para el bloqueo).
	FalloCredenciales MotivoFallo = "credenciales"
	// FalloMFA: un código MFA que no vale, en el login o en otra operación
	// que lo pide (MFA_FALLIDO; también cuenta para el bloqueo).
	FalloMFA MotivoFallo = "mfa"
	// FalloBloqueada: un login rechazado sin comprobar la contraseña porque
	// la identidad está bloqueada o agotó su cupo de intentos en curso.
	FalloBloqueada MotivoFallo = "bloqueada"
	// FalloInactiva: la contraseña correcta de una cuenta desactivada.
	FalloInactiva MotivoFallo = "inactiva"
)

// MotivosFallo son todos los motivos, para inicializar las series en cero.
var MotivosFallo = []MotivoFallo{FalloCredenciales, FalloMFA, FalloBloqueada, FalloInactiva}

// Observador recibe los hechos de autenticación que miden las métricas. Auth
// (y MFA, a través de Auth) lo llama una vez por hecho y solo cuando ya es
// definitivo: un fallo o un bloqueo, cuando la transacción del almacén que
// lo guarda se confirmó. Nunca recibe usuarios, identificadores ni IP.
// Sus métodos deben ser rápidos y seguros para uso concurrente.
type Observador interface {
	// LoginFallido cuenta un intento fallido por motivo.
	LoginFallido(motivo MotivoFallo)
	// CuentaBloqueada cuenta una identidad que acaba de quedar bloqueada
	// (CUENTA_BLOQUEADA).
	CuentaBloqueada()
}

// observadorNulo es el Observador por defecto: no hace nada.
type observadorNulo struct{}

func (observadorNulo) LoginFallido(MotivoFallo) {}
func (observadorNulo) CuentaBloqueada()         {}
