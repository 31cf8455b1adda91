package models

import (
	"net/url"
)

// FiltroUsuarios es la consulta de GET /usuarios/: rol, activo, q (en
// username o email) y la página.
type FiltroUsuarios struct {
	Rol    *Rol
	Activo *bool
	Texto  string
	Pagina
}

// ParseFiltroUsuarios lee los parámetros de la lista. Error: VALIDACION.
func ParseFiltroUsuarios(q url.Values) (FiltroUsuarios, error) {
	c := nuevaConsulta(q, nil)
	f := FiltroUsuarios{Pagina: c.pagina(), Activo: c.booleano("activo"), Texto: c.texto("q")}
	if s, ok := c.valor("rol"); ok {
		r, err := ParseRol(s)
		if err != nil {
			c.v.Agregar("rol", "debe ser admin, aprobador, motorista o solicitante")
		} else {
			f.Rol = &r
		}
	}
	return f, c.v.Err()
}

// CambiosUsuario es un PATCH de administración: los campos no enviados no
// cambian; Email presente con valor nil o "" borra el correo.
type CambiosUsuario struct {
	Email  Opcional[string]
	Rol    *string
	Activo *bool
}
