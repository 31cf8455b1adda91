package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// NuevoUsuario son los datos para crear una cuenta.
type NuevoUsuario struct {
	Username string
	Email    string
	Password string
	Rol      Rol
}

// Validar aplica las reglas de cada campo (nombres como en el JSON).
func (n NuevoUsuario) Validar() error {
	var v Validacion
	ValidarUsername(&v, "username", n.Username)
	ValidarEmail(&v, "email", n.Email)
	ValidarPassword(&v, "password", n.Password, n.Username)
	if _, err := ParseRol(string(n.Rol)); err != nil {
		v.Agregar("rol", "debe ser admin, aprobador, motorista o solicitante")
	}
	return v.Err()
}

// CrearUsuario crea una cuenta activa y audita USUARIO_CREADO. actorID es
// quien la crea (nil al arrancar). Errores: VALIDACION, CONFLICTO si el
// username o el email ya existen (sin distinguir mayúsculas, y tampoco como
// email o username de otra cuenta, para que el login no sea ambiguo).
func (s *Store) CrearUsuario(ctx context.Context, actorID *uint, n NuevoUsuario) (*Usuario, error) {
	if err := n.Validar(); err != nil {
		return nil, err
	}
	hash, err := hashPassword(n.Password, s.costo)
	if err != nil {
		return nil, ErrorInterno(err)
	}
	ahora := s.now()
	email, emailNorm := ptrNorm(n.Email)
	u := &Usuario{
		Username: n.Username, UsernameNorm: normalizar(n.Username), Email: email, EmailNorm: emailNorm,
		PasswordHash: hash, Rol: n.Rol, Activo: true, CreadoEn: ahora, ActualizadoEn: ahora,
	}
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		if err := identificadorLibre(tx, 0, u.UsernameNorm, u.EmailNorm); err != nil {
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return Errorf(CodigoConflicto, "El nombre de usuario o el correo ya están registrados.")
			}
			return err
		}
		return s.auditar(ctx, tx, EventoUsuarioCreado, &u.ID, actorID, "rol "+string(u.Rol))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// identificadorLibre comprueba que ni el username ni el email (normalizados)
// coincidan con el username o el email de otra cuenta distinta de excepto.
func identificadorLibre(tx *gorm.DB, excepto uint, usernameNorm string, emailNorm *string) error {
	valores := []string{}
	if usernameNorm != "" {
		valores = append(valores, usernameNorm)
	}
	if emailNorm != nil {
		valores = append(valores, *emailNorm)
	}
	if len(valores) == 0 {
		return nil
	}
	var n int64
	err := tx.Model(&Usuario{}).Where("id <> ? AND (username_norm IN ? OR email_norm IN ?)", excepto, valores, valores).Count(&n).Error
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(CodigoConflicto, "El nombre de usuario o el correo ya están registrados.")
	}
	return nil
}
