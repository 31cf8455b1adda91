package models

import "fmt"

// Rol es el rol de un usuario (API.md §5).
type Rol string

// Roles válidos.
const (
	RolAdmin       Rol = "admin"
	RolAprobador   Rol = "aprobador"
	RolMotorista   Rol = "motorista"
	RolSolicitante Rol = "solicitante"
)

// Roles lista los roles válidos en orden estable.
var Roles = []Rol{RolAdmin, RolAprobador, RolMotorista, RolSolicitante}

// ParseRol convierte texto en Rol; devuelve error si no es uno de Roles.
func ParseRol(s string) (Rol, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("rol desconocido %q", s)
}

// Es indica si r es uno de roles.
func (r Rol) Es(roles ...Rol) bool {
	for _, x := range roles {
		if r == x {
			return true
		}
	}
	return false
}
