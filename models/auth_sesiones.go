package models

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Alcance de un logout (API.md §4.3).
type Alcance string

// Alcances de logout.
const (
	AlcanceSesion Alcance = "sesion"
	AlcanceOtras  Alcance = "otras"
	AlcanceTodas  Alcance = "todas"
)

// revocarSesiones revoca, dentro de tx, las sesiones vivas de un usuario: solo
// la de id soloID si no está vacío, todas menos excepto si no está vacío, o
// todas. Cada sesión entra en la lista negra hasta su fin, así sus tokens
// quedan revocados también tras un reinicio. Devuelve cuántas revocó.
func (s *Store) revocarSesiones(tx *gorm.DB, usuarioID uint, soloID, excepto string) (int, error) {
	ahora := s.now()
	q := tx.Where("usuario_id = ? AND revocada_en IS NULL AND expira_en > ?", usuarioID, ahora)
	if soloID != "" {
		q = q.Where("id = ?", soloID)
	}
	if excepto != "" {
		q = q.Where("id <> ?", excepto)
	}
	var ses []Sesion
	if err := q.Find(&ses).Error; err != nil {
		return 0, err
	}
	if len(ses) == 0 {
		return 0, nil
	}
	ids := make([]string, len(ses))
	filas := make([]TokenRevocado, len(ses))
	for i, x := range ses {
		ids[i] = x.ID
		filas[i] = TokenRevocado{Clave: claveSesion(x.ID), ExpiraEn: x.ExpiraEn}
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&filas).Error; err != nil {
		return 0, err
	}
	if err := tx.Model(&Sesion{}).Where("id IN ?", ids).Update("revocada_en", ahora).Error; err != nil {
		return 0, err
	}
	return len(ses), nil
}

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
	return a.s.escribir(ctx, func(tx *gorm.DB) error {
		n, err := a.s.revocarSesiones(tx, actor.ID, soloID, excepto)
		if err != nil {
			return err
		}
		return a.s.auditar(ctx, tx, EventoLogout, &actor.ID, &actor.ID, fmt.Sprintf("alcance %s; %d sesión(es) cerrada(s)", alcance, n))
	})
}

// Sesiones lista las sesiones vivas del actor, la más reciente primero.
func (a *Auth) Sesiones(ctx context.Context, actor *Actor) ([]Sesion, error) {
	var ses []Sesion
	err := a.s.leer(ctx).
		Where("usuario_id = ? AND revocada_en IS NULL AND expira_en > ?", actor.ID, a.s.now()).
		Order("ultimo_uso DESC, id").Find(&ses).Error
	return ses, traducir(err)
}

// CerrarSesion termina una sesión viva del actor. NO_ENCONTRADO si no existe,
// ya terminó o es de otro usuario.
func (a *Auth) CerrarSesion(ctx context.Context, actor *Actor, id string) error {
	return a.s.escribir(ctx, func(tx *gorm.DB) error {
		n, err := a.s.revocarSesiones(tx, actor.ID, id, "")
		if err != nil {
			return err
		}
		if n == 0 || id == "" {
			return Errorf(CodigoNoEncontrado, "La sesión no existe o ya terminó.")
		}
		return a.s.auditar(ctx, tx, EventoLogout, &actor.ID, &actor.ID, "sesión cerrada desde la lista de sesiones")
	})
}

// CambiarPassword cambia la contraseña del actor y revoca sus otras sesiones.
// Errores: CREDENCIALES_INVALIDAS si passwordActual no es la suya, VALIDACION.
func (a *Auth) CambiarPassword(ctx context.Context, actor *Actor, actual, nueva string) error {
	u, err := a.Usuario(ctx, actor.ID)
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
	if !passwordCorrecta(u.PasswordHash, actual) {
		return Errorf(CodigoCredencialesInvalidas, "La contraseña actual es incorrecta.")
	}
	hash, err := hashPassword(nueva, a.s.costo)
	if err != nil {
		return ErrorInterno(err)
	}
	return a.s.escribir(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Usuario{}).Where("id = ?", u.ID).
			Updates(map[string]any{"password_hash": hash, "actualizado_en": a.s.now()}).Error; err != nil {
			return err
		}
		n, err := a.s.revocarSesiones(tx, u.ID, "", actor.SesionID)
		if err != nil {
			return err
		}
		return a.s.auditar(ctx, tx, EventoPasswordCambiado, &u.ID, &actor.ID, fmt.Sprintf("%d sesión(es) cerrada(s)", n))
	})
}

// Usuario devuelve un usuario por id; NO_ENCONTRADO si no existe.
func (a *Auth) Usuario(ctx context.Context, id uint) (*Usuario, error) {
	var u Usuario
	if err := a.s.leer(ctx).Take(&u, id).Error; err != nil {
		return nil, traducir(err)
	}
	return &u, nil
}
