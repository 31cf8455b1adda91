package models

import ()

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
