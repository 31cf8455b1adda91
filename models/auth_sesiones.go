package models

import (
	"context"
	"fmt"
)

// Alcance de un logout (API.md §4.3).
type Alcance string

// Alcances de logout.
const (
	AlcanceSesion Alcance = "sesion"
	AlcanceOtras  Alcance = "otras"
	AlcanceTodas  Alcance = "todas"
)

// Logout revoca la sesión del actor, las demás, o todas (API.md §4.3).
func (a *Auth) Logout(ctx context.Context, actor *Actor, alcance Alcance) error {
	soloID, excepto := "", ""
	switch alcance {
	case "", AlcanceSesion:
		soloID = actor.SesionID
	case AlcanceOtras:
		excepto = actor.SesionID
	case AlcanceTodas:
	default:
		return ErrCampo("alcance", "debe ser sesion, otras o todas")
	}
	if alcance == "" {
		alcance = AlcanceSesion
	}
	return a.s.CerrarSesiones(ctx, actor, soloID, excepto, func(n int) (string, error) {
		return fmt.Sprintf("alcance %s; %d sesión(es) cerrada(s)", alcance, n), nil
	})
}

// Sesiones lista las sesiones vivas del actor, la más reciente primero.
func (a *Auth) Sesiones(ctx context.Context, actor *Actor) ([]Sesion, error) {
	return a.s.Sesiones(ctx, actor.ID)
}

// CerrarSesion termina una sesión viva del actor. NO_ENCONTRADO si no existe,
// ya terminó o es de otro usuario.
func (a *Auth) CerrarSesion(ctx context.Context, actor *Actor, id string) error {
	return a.s.CerrarSesiones(ctx, actor, id, "", func(n int) (string, error) {
		if n == 0 || id == "" {
			return "", Errorf(CodigoNoEncontrado, "La sesión no existe o ya terminó.")
		}
		return "sesión cerrada desde la lista de sesiones", nil
	})
}

// CambiarPassword cambia la contraseña del actor y revoca sus otras sesiones.
// bcrypt corre fuera de la transacción.
//
// Comprobar passwordActual es un intento de login más (API.md §12): reserva
// un intento del cupo de la cuenta antes de bcrypt; una contraseña
// equivocada cuenta como fallo (LOGIN_FALLIDO, «cambio de contraseña») y
// puede bloquear la cuenta; el cambio hecho borra los fallos, como un login.
// Errores: CREDENCIALES_INVALIDAS si passwordActual no es la suya,
// DEMASIADAS_SOLICITUDES (cuenta bloqueada), VALIDACION.
func (a *Auth) CambiarPassword(ctx context.Context, actor *Actor, actual, nueva string) error {
	u, err := a.s.Usuario(ctx, actor.ID)
	if err != nil {
		return err
	}
	var v Validacion
	if actual == "" {
		v.Agregar("passwordActual", "es obligatoria")
	}
	ValidarPassword(&v, "passwordNueva", nueva, u.Username)
	if err := v.Err(); err != nil {
		return err
	}
	clave := ClaveBloqueoUsuario(u.ID)
	if err := a.reservarIntento(ctx, clave); err != nil {
		return err
	}
	// Reservado el intento, el resto ocurre aunque el cliente se vaya (ver Login).
	ctx = context.WithoutCancel(ctx)
	if !PasswordCorrecta(u.PasswordHash, actual) {
		err := a.RegistrarFallo(ctx, clave, &u.ID, EventoLoginFallido, "cambio de contraseña: contraseña actual incorrecta")
		if CodigoDe(err) == CodigoCredencialesInvalidas {
			return Errorf(CodigoCredencialesInvalidas, "La contraseña actual es incorrecta.")
		}
		return err
	}
	hash, err := HashPassword(nueva, a.cfg.CostoHash)
	if err == nil {
		err = a.s.CambiarPassword(ctx, actor, hash)
	} else {
		err = ErrorInterno(err)
	}
	if err != nil {
		// La contraseña era correcta: el intento no fue un fallo.
		_ = a.liberarIntento(ctx, clave)
	}
	return err
}
