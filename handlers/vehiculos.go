package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"solicitud-transporte/middleware"
	"solicitud-transporte/models"
)

// registrarVehiculos monta §8: todo para admin; consultar, también aprobador.
func (a *API) registrarVehiculos(e *echo.Echo, auth echo.MiddlewareFunc) {
	g := e.Group("/vehiculos")
	lectores := middleware.RequiereRol(models.RolAdmin, models.RolAprobador)
	admin := middleware.RequiereRol(models.RolAdmin)
	g.GET("/", a.listarVehiculos, auth, lectores)
	g.POST("/", a.crearVehiculo, auth, admin)
	g.GET("/disponibles", a.vehiculosDisponibles, auth, lectores)
	g.GET("/:id", a.verVehiculo, auth, lectores)
	g.PATCH("/:id", a.editarVehiculo, auth, admin)
	a.registrarMantenimientos(g, auth, admin)
}

// vehiculoDTO es la forma de un vehículo en §8.
type vehiculoDTO struct {
	ID        uint   `json:"id"`
	Placa     string `json:"placa"`
	Marca     string `json:"marca"`
	Modelo    string `json:"modelo"`
	Capacidad int    `json:"capacidad"`
	Activo    bool   `json:"activo"`
	// Kilometraje es la última lectura conocida del odómetro (§7.2).
	Kilometraje int `json:"kilometraje"`
}

func aVehiculoDTO(v *models.Vehiculo) vehiculoDTO {
	return vehiculoDTO{ID: v.ID, Placa: v.Placa, Marca: v.Marca, Modelo: v.Modelo, Capacidad: v.Capacidad, Activo: v.Activo,
		Kilometraje: v.Kilometraje}
}

// datosVehiculoDTO es el cuerpo de POST.
type datosVehiculoDTO struct {
	Placa     *string `json:"placa"`
	Marca     *string `json:"marca"`
	Modelo    *string `json:"modelo"`
	Capacidad *int    `json:"capacidad"`
	Activo    *bool   `json:"activo"`
	// Kilometraje es opcional: ausente es 0.
	Kilometraje *int `json:"kilometraje"`
}

// crearVehiculo es POST /vehiculos/.
func (a *API) crearVehiculo(c echo.Context) error {
	var in datosVehiculoDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	v, err := a.store.CrearVehiculo(c.Request().Context(), models.DatosVehiculo{
		Placa: in.Placa, Marca: in.Marca, Modelo: in.Modelo, Capacidad: in.Capacidad, Activo: in.Activo,
		Kilometraje: in.Kilometraje})
	if err != nil {
		return err
	}
	return responder(c, http.StatusCreated, "Vehículo creado exitosamente", aVehiculoDTO(v))
}

// listarVehiculos es GET /vehiculos/ (filtros activo y q).
func (a *API) listarVehiculos(c echo.Context) error {
	f, err := parseFiltroVehiculos(c.QueryParams())
	if err != nil {
		return err
	}
	r, err := a.store.ListarVehiculos(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Vehículos obtenidos", aPaginaDTO(r, aVehiculoDTO))
}

// verVehiculo es GET /vehiculos/{id}.
func (a *API) verVehiculo(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	v, err := a.store.Vehiculo(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Vehículo obtenido", aVehiculoDTO(v))
}

// cambioVehiculoDTO es el cuerpo de PATCH: lo ausente no cambia; null es
// VALIDACION (todos los campos son obligatorios).
type cambioVehiculoDTO struct {
	Placa     opcional[string] `json:"placa"`
	Marca     opcional[string] `json:"marca"`
	Modelo    opcional[string] `json:"modelo"`
	Capacidad opcional[int]    `json:"capacidad"`
	Activo    opcional[bool]   `json:"activo"`
	// Kilometraje corrige la lectura del odómetro (también a la baja).
	Kilometraje opcional[int] `json:"kilometraje"`
}

func (in cambioVehiculoDTO) aModelo() models.DatosVehiculo {
	var d models.DatosVehiculo
	d.Placa = valorPatch(in.Placa, "placa", &d.Nulos)
	d.Marca = valorPatch(in.Marca, "marca", &d.Nulos)
	d.Modelo = valorPatch(in.Modelo, "modelo", &d.Nulos)
	d.Capacidad = valorPatch(in.Capacidad, "capacidad", &d.Nulos)
	d.Activo = valorPatch(in.Activo, "activo", &d.Nulos)
	d.Kilometraje = valorPatch(in.Kilometraje, "kilometraje", &d.Nulos)
	return d
}

// editarVehiculo es PATCH /vehiculos/{id}.
func (a *API) editarVehiculo(c echo.Context) error {
	id, err := idDe(c)
	if err != nil {
		return err
	}
	var in cambioVehiculoDTO
	if err := leerJSON(c, &in); err != nil {
		return err
	}
	v, err := a.store.EditarVehiculo(c.Request().Context(), id, in.aModelo())
	if err != nil {
		return err
	}
	return responder(c, http.StatusOK, "Vehículo actualizado", aVehiculoDTO(v))
}

// vehiculosDisponibles es GET /vehiculos/disponibles?desde=…&hasta=…: los
// vehículos activos libres en esa ventana (sin paginar).
func (a *API) vehiculosDisponibles(c echo.Context) error {
	i, err := parseVentana(c.QueryParams(), a.loc)
	if err != nil {
		return err
	}
	vs, err := a.store.VehiculosDisponibles(c.Request().Context(), i)
	if err != nil {
		return err
	}
	out := make([]vehiculoDTO, len(vs))
	for i := range vs {
		out[i] = aVehiculoDTO(&vs[i])
	}
	return responder(c, http.StatusOK, "Vehículos disponibles", out)
}
