package models

import "time"

// Crear valida n con ahora como referencia de "futuro" y devuelve la
// solicitud pendiente del solicitante, todavía sin código ni id (el almacén
// asigna el siguiente ST-YYYY-NNNNNN). loc es TIMEZONE, que fija el fin de la
// ventana de una solicitud sin regreso. Error: VALIDACION.
func (n NuevaSolicitud) Crear(solicitanteID uint, ahora time.Time, loc *time.Location) (*Solicitud, error) {
	ahora = AlSegundo(ahora)
	d, err := n.validar(ahora, true)
	if err != nil {
		return nil, err
	}
	return &Solicitud{
		Estado: EstadoPendiente, Origen: d.origen, Destino: d.destino, FechaSalida: d.salida,
		FechaRegreso: d.regreso, FinVentana: finVentana(d.salida, d.regreso, loc), Motivo: d.motivo,
		Pasajeros: d.pasajeros, Observaciones: d.observaciones, SolicitanteID: solicitanteID,
		Busqueda: textoBusqueda(d.origen, d.destino, d.motivo),
		Version:  1, CreadoEn: ahora, ActualizadoEn: ahora,
	}, nil
}

// Editar aplica e a sol (la solicitud tal como el actor la leyó) si el actor
// puede editarla, con las mismas reglas que la creación; el almacén guarda el
// resultado solo si la fila sigue en la versión leída. Devuelve false si la
// edición no cambia nada (sol queda igual y no hay nada que guardar: ni
// version ni actualizadoEn cambian). Una fechaSalida que no cambia no se
// vuelve a juzgar contra ahora. Errores: PERMISOS_INSUFICIENTES (no es el
// dueño), TRANSICION_INVALIDA (ya no está pendiente), VALIDACION, CONFLICTO
// (version distinta de la actual).
func (e EdicionSolicitud) Editar(sol *Solicitud, actor *Actor, ahora time.Time, loc *time.Location) (bool, error) {
	if _, err := Transicion(sol.Estado, AccionEditar, actor.Rol, sol.Relacion(actor)); err != nil {
		return false, err
	}
	if e.Version == nil {
		return false, ErrCampo("version", "es obligatoria")
	}
	if *e.Version != sol.Version {
		return false, ErrVersion(sol.Version)
	}
	ahora = AlSegundo(ahora)
	d, err := e.fusionar(sol).validar(ahora, e.cambiaSalida(sol))
	if err != nil {
		return false, err
	}
	if d.igual(sol) {
		return false, nil
	}
	sol.Origen, sol.Destino, sol.Motivo, sol.Observaciones = d.origen, d.destino, d.motivo, d.observaciones
	sol.Pasajeros, sol.FechaSalida, sol.FechaRegreso = d.pasajeros, d.salida, d.regreso
	sol.FinVentana = finVentana(d.salida, d.regreso, loc)
	sol.Busqueda = textoBusqueda(d.origen, d.destino, d.motivo)
	sol.ActualizadoEn = ahora
	return true, nil
}

// ErrVersion es el CONFLICTO de una edición sobre una versión vieja.
func ErrVersion(actual int) error {
	return Errorf(CodigoConflicto,
		"La solicitud fue modificada por otra persona (versión actual %d). Vuelva a consultarla antes de editar.", actual)
}

// Indexar calcula las columnas derivadas de s (Busqueda y, si falta,
// FinVentana) para una solicitud que no nace de Crear (una importación).
func (s *Solicitud) Indexar(loc *time.Location) {
	s.Busqueda = textoBusqueda(s.Origen, s.Destino, s.Motivo)
	if s.FinVentana.IsZero() {
		s.FinVentana = finVentana(s.FechaSalida, s.FechaRegreso, loc)
	}
}
