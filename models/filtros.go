package models

// Filtros de las listas, ya validados: el borde HTTP los arma desde la query
// (handlers) y el store los traduce a SQL.

// FiltroSolicitudes es la consulta de GET /solicitud/ ya validada.
type FiltroSolicitudes struct {
	Estados []Estado
	Intervalo
	Texto string
	Orden string
	Pagina
}

// FiltroAuditoria es la consulta de GET /auditoria.
type FiltroAuditoria struct {
	UsuarioID *uint
	Eventos   []EventoAuditoria
	Intervalo
	Pagina
}

// FiltroUsuarios es la consulta de GET /usuarios/: rol, activo, q (en
// username o email) y la página.
type FiltroUsuarios struct {
	Rol    *Rol
	Activo *bool
	Texto  string
	// LicenciaVenceAntes (AAAA-MM-DD): solo motoristas cuya licencia
	// registrada vence antes de ese día.
	LicenciaVenceAntes *string
	Pagina
}

// CambiosUsuario es un PATCH de administración: los campos nil no cambian;
// Email "" borra el correo. Licencia registra o reemplaza la licencia (solo
// de un motorista); QuitarLicencia la borra (licencia: null).
type CambiosUsuario struct {
	Email          *string
	Rol            *string
	Activo         *bool
	Licencia       *Licencia
	QuitarLicencia bool
}

// FiltroVehiculos es la consulta de GET /vehiculos/: activo, q (en placa,
// marca o modelo) y la página.
type FiltroVehiculos struct {
	Activo *bool
	Texto  string
	Pagina
}
