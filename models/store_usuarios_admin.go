package models

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// FiltroUsuarios es la consulta de GET /usuarios/: rol, activo, q (en
// username o email) y la página.
type FiltroUsuarios struct {
	Rol    *Rol
	Activo *bool
	Texto  string
	Pagina
}

// ListarUsuarios devuelve una página de usuarios ordenados por id.
func (s *Store) ListarUsuarios(ctx context.Context, f FiltroUsuarios) (*Resultado[Usuario], error) {
	q := s.leer(ctx).Model(&Usuario{})
	if f.Rol != nil {
		q = q.Where("rol = ?", *f.Rol)
	}
	if f.Activo != nil {
		q = q.Where("activo = ?", *f.Activo)
	}
	if f.Texto != "" {
		p := patronLike(f.Texto)
		q = q.Where(`(username_norm LIKE ? ESCAPE '\' OR email_norm LIKE ? ESCAPE '\')`, p, p)
	}
	return paginar[Usuario](q, f.Pagina, "id", nil)
}

// CambiosUsuario es un PATCH de administración: los campos nil no cambian;
// Email "" borra el correo.
type CambiosUsuario struct {
	Email  *string
	Rol    *string
	Activo *bool
}

func errUsuarioNoEncontrado() error { return Errorf(CodigoNoEncontrado, "El usuario no existe.") }

// usuarioParaCambio carga el usuario id dentro de tx.
func usuarioParaCambio(tx *gorm.DB, id uint) (*Usuario, error) {
	var u Usuario
	if err := tx.Take(&u, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errUsuarioNoEncontrado()
		}
		return nil, err
	}
	return &u, nil
}

// ActualizarUsuario cambia email, rol o activo de una cuenta. El cambio vale
// desde la siguiente petición del usuario (el middleware lee rol y activo de
// la base); desactivar revoca además todas sus sesiones en la misma
// transacción. Audita USUARIO_ACTUALIZADO nombrando los campos cambiados. Un
// administrador no puede quitarse su propio rol ni desactivarse, para que el
// sistema no se quede sin administración. Errores: NO_ENCONTRADO, VALIDACION,
// CONFLICTO (email de otra cuenta).
func (s *Store) ActualizarUsuario(ctx context.Context, actor *Actor, id uint, c CambiosUsuario) (*Usuario, error) {
	var v Validacion
	var rol Rol
	if c.Rol != nil {
		r, err := ParseRol(*c.Rol)
		if err != nil {
			v.Agregar("rol", "debe ser admin, aprobador, motorista o solicitante")
		}
		rol = r
	}
	email := ""
	if c.Email != nil {
		email = strings.TrimSpace(*c.Email)
		ValidarEmail(&v, "email", email)
	}
	if id == actor.ID {
		if c.Rol != nil && rol != "" && rol != actor.Rol {
			v.Agregar("rol", "no puede cambiar su propio rol")
		}
		if c.Activo != nil && !*c.Activo {
			v.Agregar("activo", "no puede desactivar su propia cuenta")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Usuario
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		u, err := usuarioParaCambio(tx, id)
		if err != nil {
			return err
		}
		cambios := map[string]any{}
		var nombres []string
		if c.Email != nil && email != u.EmailTexto() {
			mail, norm := ptrNorm(email)
			if err := identificadorLibre(tx, u.ID, "", norm); err != nil {
				return err
			}
			cambios["email"], cambios["email_norm"] = mail, norm
			nombres = append(nombres, "email")
		}
		if c.Rol != nil && rol != u.Rol {
			cambios["rol"] = rol
			nombres = append(nombres, fmt.Sprintf("rol (%s → %s)", u.Rol, rol))
		}
		desactivar := c.Activo != nil && !*c.Activo && u.Activo
		if c.Activo != nil && *c.Activo != u.Activo {
			cambios["activo"] = *c.Activo
			nombres = append(nombres, fmt.Sprintf("activo (%t → %t)", u.Activo, *c.Activo))
		}
		if len(cambios) > 0 {
			cambios["actualizado_en"] = s.now()
			if err := tx.Model(&Usuario{}).Where("id = ?", u.ID).Updates(cambios).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return Errorf(CodigoConflicto, "El correo ya está registrado en otra cuenta.")
				}
				return err
			}
			detalle := "campos: " + strings.Join(nombres, ", ")
			if desactivar {
				n, err := s.revocarSesiones(tx, u.ID, "", "")
				if err != nil {
					return err
				}
				detalle += fmt.Sprintf("; %d sesión(es) revocada(s)", n)
			}
			if err := s.auditar(ctx, tx, EventoUsuarioActualizado, &u.ID, &actor.ID, detalle); err != nil {
				return err
			}
		}
		out, err = usuarioParaCambio(tx, id)
		return err
	})
	return out, err
}

// DesbloquearUsuario termina el bloqueo por intentos fallidos de una cuenta
// y audita CUENTA_DESBLOQUEADA. Devuelve si había un bloqueo o fallos
// contados. Errores: NO_ENCONTRADO.
func (s *Store) DesbloquearUsuario(ctx context.Context, actor *Actor, id uint) (bool, error) {
	var habia bool
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		if _, err := usuarioParaCambio(tx, id); err != nil {
			return err
		}
		res := tx.Where("clave = ?", ClaveBloqueoUsuario(id)).Delete(&BloqueoLogin{})
		if res.Error != nil {
			return res.Error
		}
		habia = res.RowsAffected > 0
		detalle := "no había bloqueo ni fallos registrados"
		if habia {
			detalle = "bloqueo y fallos registrados eliminados"
		}
		return s.auditar(ctx, tx, EventoCuentaDesbloqueada, &id, &actor.ID, detalle)
	})
	return habia, err
}

// RevocarSesionesUsuario cierra todas las sesiones vivas de una cuenta (sus
// tokens quedan revocados) y audita SESIONES_REVOCADAS. Devuelve cuántas.
// Errores: NO_ENCONTRADO.
func (s *Store) RevocarSesionesUsuario(ctx context.Context, actor *Actor, id uint) (int, error) {
	var n int
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		if _, err := usuarioParaCambio(tx, id); err != nil {
			return err
		}
		var err error
		if n, err = s.revocarSesiones(tx, id, "", ""); err != nil {
			return err
		}
		return s.auditar(ctx, tx, EventoSesionesRevocadas, &id, &actor.ID, fmt.Sprintf("%d sesión(es) revocada(s) por administración", n))
	})
	return n, err
}
