package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

// CrearUsuario crea una cuenta activa y audita USUARIO_CREADO. actorID es
// quien la crea (nil al arrancar). Errores: VALIDACION, CONFLICTO si el
// username o el email ya existen (sin distinguir mayúsculas, y tampoco como
// email o username de otra cuenta, para que el login no sea ambiguo).
func (s *Store) CrearUsuario(ctx context.Context, actorID *uint, n models.NuevoUsuario) (*models.Usuario, error) {
	if err := n.Validar(); err != nil {
		return nil, err
	}
	hash, err := models.HashPassword(n.Password, s.costo)
	if err != nil {
		return nil, models.ErrorInterno(err)
	}
	ahora := s.now()
	email, emailNorm := models.NormalizarEmail(n.Email)
	u := &models.Usuario{
		Username: n.Username, UsernameNorm: models.Normalizar(n.Username), Email: email, EmailNorm: emailNorm,
		PasswordHash: hash, Rol: n.Rol, Activo: true, CreadoEn: ahora, ActualizadoEn: ahora,
	}
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		u.ID = 0 // el de un intento deshecho (ver escribir)
		if err := identificadorLibre(tx, 0, u.UsernameNorm, u.EmailNorm); err != nil {
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return models.Errorf(models.CodigoConflicto, "El nombre de usuario o el correo ya están registrados.")
			}
			return err
		}
		return s.auditar(ctx, tx, models.EventoUsuarioCreado, &u.ID, actorID, "rol "+string(u.Rol))
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
	err := tx.Model(&models.Usuario{}).Where("id <> ? AND (username_norm IN ? OR email_norm IN ?)", excepto, valores, valores).Count(&n).Error
	if err != nil {
		return err
	}
	if n > 0 {
		return models.Errorf(models.CodigoConflicto, "El nombre de usuario o el correo ya están registrados.")
	}
	return nil
}

// ListarUsuarios devuelve una página de usuarios ordenados por id; con
// LicenciaVenceAntes, solo los motoristas con una licencia registrada que
// vence antes de ese día.
func (s *Store) ListarUsuarios(ctx context.Context, f models.FiltroUsuarios) (*models.Resultado[models.Usuario], error) {
	db, fin := s.leer(ctx)
	defer fin()
	q := db.Model(&models.Usuario{})
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
	if f.LicenciaVenceAntes != nil {
		// Texto AAAA-MM-DD: ordena como la fecha.
		q = q.Where("rol = ? AND licencia_vence < ?", models.RolMotorista, *f.LicenciaVenceAntes)
	}
	return paginar[models.Usuario](q, f.Pagina, "id", nil)
}

func errUsuarioNoEncontrado() error {
	return models.Errorf(models.CodigoNoEncontrado, "El usuario no existe.")
}

// usuarioParaCambio carga el usuario id dentro de tx.
func usuarioParaCambio(tx *gorm.DB, id uint) (*models.Usuario, error) {
	var u models.Usuario
	if err := tx.Take(&u, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, errUsuarioNoEncontrado()
		}
		return nil, err
	}
	return &u, nil
}

// ActualizarUsuario cambia email, rol, activo o la licencia (solo de un
// motorista; VALIDACION si no) de una cuenta. El cambio vale
// desde la siguiente petición del usuario (el middleware lee rol y activo de
// la base); desactivar revoca además todas sus sesiones en la misma
// transacción. Audita USUARIO_ACTUALIZADO nombrando los campos cambiados. Un
// administrador no puede quitarse su propio rol ni desactivarse (VALIDACION),
// y nadie puede dejar el sistema sin un administrador activo (CONFLICTO, ver
// quedaOtroAdmin). Errores: NO_ENCONTRADO, VALIDACION, CONFLICTO (email de
// otra cuenta, último administrador activo).
func (s *Store) ActualizarUsuario(ctx context.Context, actor *models.Actor, id uint, c models.CambiosUsuario) (*models.Usuario, error) {
	var v models.Validacion
	var rol models.Rol
	if c.Rol != nil {
		r, err := models.ParseRol(*c.Rol)
		if err != nil {
			v.Agregar("rol", "debe ser admin, aprobador, motorista o solicitante")
		}
		rol = r
	}
	email := ""
	if c.Email != nil {
		email = models.FormaEmail(*c.Email)
		models.ValidarEmail(&v, "email", email)
	}
	if id == actor.ID {
		if c.Rol != nil && rol != "" && rol != actor.Rol {
			v.Agregar("rol", "no puede cambiar su propio rol")
		}
		if c.Activo != nil && !*c.Activo {
			v.Agregar("activo", "no puede desactivar su propia cuenta")
		}
	}
	var licencia models.Licencia
	if c.Licencia != nil {
		licencia = c.Licencia.Normalizada(&v)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *models.Usuario
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		u, err := usuarioParaCambio(tx, id)
		if err != nil {
			return err
		}
		rolFinal := u.Rol
		if c.Rol != nil {
			rolFinal = rol
		}
		if c.Licencia != nil && rolFinal != models.RolMotorista {
			return models.ErrCampo("licencia", "solo un motorista puede tener licencia registrada")
		}
		if err := quedaOtroAdmin(tx, u, c.Rol != nil && rol != models.RolAdmin, c.Activo != nil && !*c.Activo); err != nil {
			return err
		}
		cambios := map[string]any{}
		var nombres []string
		if c.Email != nil && email != u.EmailTexto() {
			mail, norm := models.NormalizarEmail(email)
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
		if desactivar {
			cambios["credenciales_version"] = gorm.Expr("credenciales_version + 1")
		}
		if c.Activo != nil && *c.Activo != u.Activo {
			cambios["activo"] = *c.Activo
			nombres = append(nombres, fmt.Sprintf("activo (%t → %t)", u.Activo, *c.Activo))
		}
		switch actual := u.Licencia(); {
		case c.Licencia != nil && (actual == nil || *actual != licencia):
			cambios["licencia_numero"], cambios["licencia_categoria"], cambios["licencia_vence"] = licencia.Numero, licencia.Categoria, licencia.Vence
			nombres = append(nombres, "licencia (vence "+licencia.Vence+")")
		case c.QuitarLicencia && actual != nil:
			cambios["licencia_numero"], cambios["licencia_categoria"], cambios["licencia_vence"] = nil, nil, nil
			nombres = append(nombres, "licencia (quitada)")
		}
		if len(cambios) > 0 {
			cambios["actualizado_en"] = s.now()
			if err := tx.Model(&models.Usuario{}).Where("id = ?", u.ID).Updates(cambios).Error; err != nil {
				if errors.Is(err, gorm.ErrDuplicatedKey) {
					return models.Errorf(models.CodigoConflicto, "El correo ya está registrado en otra cuenta.")
				}
				return err
			}
			// Después del UPDATE, que bloquea la fila del motorista: una
			// asignación concurrente (que la lee FOR UPDATE) o ya confirmó
			// y su viaje se ve aquí, o espera y lo verá inactivo o sin rol.
			if u.Rol == models.RolMotorista && (desactivar || (c.Rol != nil && rol != models.RolMotorista)) {
				if err := motoristaSinViajes(tx, u); err != nil {
					return err
				}
			}
			detalle := "campos: " + strings.Join(nombres, ", ")
			if desactivar {
				n, err := s.revocarSesiones(tx, u.ID, "", "")
				if err != nil {
					return err
				}
				detalle += fmt.Sprintf("; %d sesión(es) revocada(s)", n)
				revocado, err := s.revocarCalendario(ctx, tx, u.ID, actor.ID, "revocado al desactivar la cuenta")
				if err != nil {
					return err
				}
				if revocado {
					detalle += "; feed de calendario revocado"
				}
			}
			if err := s.auditar(ctx, tx, models.EventoUsuarioActualizado, &u.ID, &actor.ID, detalle); err != nil {
				return err
			}
		}
		out, err = usuarioParaCambio(tx, id)
		return err
	})
	return out, err
}

// quedaOtroAdmin comprueba, dentro de tx, que quitar a u el rol de
// administrador (quitaRol) o desactivarlo (desactiva) deja otro
// administrador activo (API.md §12). La decide la base: bloquea las filas de
// todos los administradores activos (FOR UPDATE, en orden de id) antes de
// contarlas, así de dos administradores que se quitan el rol a la vez el
// segundo espera al primero y ya no lo cuenta (en el READ COMMITTED de
// PostgreSQL, sin el bloqueo, los dos verían al otro todavía activo); en
// SQLite ya serializa el único escritor. Error: CONFLICTO.
func quedaOtroAdmin(tx *gorm.DB, u *models.Usuario, quitaRol, desactiva bool) error {
	if u.Rol != models.RolAdmin || !u.Activo || (!quitaRol && !desactiva) {
		return nil
	}
	var ids []uint
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Model(&models.Usuario{}).
		Where("rol = ? AND activo = ?", models.RolAdmin, true).Order("id").Pluck("id", &ids).Error
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id != u.ID {
			return nil
		}
	}
	return models.Errorf(models.CodigoConflicto,
		"%s es el único administrador activo: no puede quitarle el rol ni desactivarlo. Dé antes el rol de administrador a otra cuenta.", u.Username)
}

// motoristaSinViajes comprueba, dentro de tx, que el motorista u no tenga
// solicitudes asignadas o en curso, antes de quitarle el rol o desactivarlo
// (API.md §12). Error: CONFLICTO con los códigos (los primeros 20).
func motoristaSinViajes(tx *gorm.DB, u *models.Usuario) error {
	const maximo = 20
	var codigos []string
	err := tx.Model(&models.Solicitud{}).Where("motorista_id = ? AND estado IN ?", u.ID, models.EstadosOcupados).
		Order("fecha_salida, id").Limit(maximo+1).Pluck("codigo", &codigos).Error
	if err != nil || len(codigos) == 0 {
		return err
	}
	lista := strings.Join(codigos[:min(len(codigos), maximo)], ", ")
	if len(codigos) > maximo {
		lista += " y otras"
	}
	return models.Errorf(models.CodigoConflicto,
		"El motorista %s tiene viajes asignados o en curso (%s): reasigne primero esas solicitudes a otro motorista.", u.Username, lista)
}

// RestaurarAdmin devuelve el rol de administrador, activo, a la cuenta id
// (API_USER) si no queda ningún administrador activo, y lo audita como
// USUARIO_ACTUALIZADO. Una sola sentencia condicional decide; dice si lo
// hizo.
func (s *Store) RestaurarAdmin(ctx context.Context, id uint) (bool, error) {
	var hecho bool
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		hecho = false // la transacción puede repetirse
		res := tx.Model(&models.Usuario{}).
			Where("id = ? AND NOT EXISTS (SELECT 1 FROM usuarios a WHERE a.rol = ? AND a.activo = ?)", id, models.RolAdmin, true).
			Updates(map[string]any{"rol": models.RolAdmin, "activo": true, "actualizado_en": s.now()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		hecho = true
		return s.auditar(ctx, tx, models.EventoUsuarioActualizado, &id, nil,
			"no quedaba ningún administrador activo: API_USER vuelve a ser administrador activo al iniciar (campos: rol, activo)")
	})
	return hecho, err
}

// DesbloquearUsuario termina el bloqueo por intentos fallidos de una cuenta
// y audita CUENTA_DESBLOQUEADA. Devuelve si había un bloqueo o fallos
// contados. Errores: NO_ENCONTRADO.
func (s *Store) DesbloquearUsuario(ctx context.Context, actor *models.Actor, id uint) (bool, error) {
	var habia bool
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		if _, err := usuarioParaCambio(tx, id); err != nil {
			return err
		}
		res := tx.Where("clave = ?", models.ClaveBloqueoUsuario(id)).Delete(&models.BloqueoLogin{})
		if res.Error != nil {
			return res.Error
		}
		habia = res.RowsAffected > 0
		detalle := "no había bloqueo ni fallos registrados"
		if habia {
			detalle = "bloqueo y fallos registrados eliminados"
		}
		return s.auditar(ctx, tx, models.EventoCuentaDesbloqueada, &id, &actor.ID, detalle)
	})
	return habia, err
}

// Usuario devuelve una cuenta por id. Errores: NO_ENCONTRADO.
func (s *Store) Usuario(ctx context.Context, id uint) (*models.Usuario, error) {
	db, fin := s.leer(ctx)
	defer fin()
	var u models.Usuario
	if err := db.Take(&u, id).Error; err != nil {
		return nil, traducir(err)
	}
	return &u, nil
}

// UsuarioPorIdentificador busca por username y luego por email, sin
// distinguir mayúsculas; nil si no existe ninguno.
func (s *Store) UsuarioPorIdentificador(ctx context.Context, identificador string) (*models.Usuario, error) {
	db, fin := s.leer(ctx)
	defer fin()
	for _, c := range []struct{ col, valor string }{
		{"username_norm", models.Normalizar(identificador)},
		{"email_norm", models.ClaveEmail(identificador)},
	} {
		var u models.Usuario
		err := db.Where(c.col+" = ?", c.valor).Take(&u).Error
		if err == nil {
			return &u, nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, traducir(err)
		}
	}
	return nil, nil
}
