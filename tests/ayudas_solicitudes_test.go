package tests

import (
	"context"
	"fmt"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// solicitudR es una solicitud tal como la devuelve la API (§7).
type solicitudR struct {
	ID            uint    `json:"id"`
	Codigo        string  `json:"codigo"`
	Estado        string  `json:"estado"`
	Origen        string  `json:"origen"`
	Destino       string  `json:"destino"`
	FechaSalida   string  `json:"fechaSalida"`
	FechaRegreso  *string `json:"fechaRegreso"`
	Motivo        string  `json:"motivo"`
	Pasajeros     int     `json:"pasajeros"`
	Observaciones *string `json:"observaciones"`
	Solicitante   struct {
		ID       uint   `json:"id"`
		Username string `json:"username"`
	} `json:"solicitante"`
	Vehiculo *struct {
		ID    uint   `json:"id"`
		Placa string `json:"placa"`
	} `json:"vehiculo"`
	Motorista *struct {
		ID       uint   `json:"id"`
		Username string `json:"username"`
	} `json:"motorista"`
	MotivoRechazo     *string `json:"motivoRechazo"`
	MotivoCancelacion *string `json:"motivoCancelacion"`
	Version           int     `json:"version"`
	CreadoEn          string  `json:"creadoEn"`
	ActualizadoEn     string  `json:"actualizadoEn"`
}

// paginaR es la forma común de las listas.
type paginaR[T any] struct {
	Elementos    []T   `json:"elementos"`
	Total        int64 `json:"total"`
	Pagina       int   `json:"pagina"`
	PorPagina    int   `json:"porPagina"`
	TotalPaginas int   `json:"totalPaginas"`
}

// dia devuelve un instante RFC 3339 n días después del reloj (a las 15:00
// UTC, 09:00 en El Salvador), para ventanas que no se solapan entre días.
func (env *entorno) dia(n int) string {
	return env.reloj.Now().Add(time.Duration(n) * 24 * time.Hour).Format(time.RFC3339)
}

// cuerpoSolicitud es un cuerpo de creación válido que sale en el día n.
func (env *entorno) cuerpoSolicitud(n int) map[string]any {
	return map[string]any{
		"origen": "Oficina central", "destino": "Juzgado de Santa Ana", "fechaSalida": env.dia(n),
		"motivo": "Audiencia programada", "pasajeros": 3,
	}
}

// crearSolicitud crea una solicitud con token y cuerpo y la devuelve.
func (env *entorno) crearSolicitud(t testing.TB, token string, cuerpo map[string]any) solicitudR {
	t.Helper()
	var s solicitudR
	env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: token, cuerpo: cuerpo}).esperar(t, 201, "").leer(t, &s)
	return s
}

// accion aplica una acción y devuelve la respuesta sin comprobarla.
func (env *entorno) accion(token string, id uint, accion string, cuerpo any) *respuesta {
	env.t.Helper()
	return env.hacer(peticion{metodo: "POST", ruta: fmt.Sprintf("/solicitud/%d/%s", id, accion), token: token, cuerpo: cuerpo})
}

// crearVehiculo registra un vehículo activo directamente en el store.
func (env *entorno) crearVehiculo(placa string, capacidad int) uint {
	env.t.Helper()
	v, err := env.store.CrearVehiculo(context.Background(), models.DatosVehiculo{
		Placa: &placa, Marca: ptrDe("Toyota"), Modelo: ptrDe("Hiace"), Capacidad: &capacidad,
	})
	if err != nil {
		env.t.Fatalf("crear vehículo %s: %v", placa, err)
	}
	return v.ID
}

func ptrDe[T any](v T) *T { return &v }

// flota es lo que hace falta para llevar solicitudes por todo el flujo.
type flota struct {
	admin string
	// solicitante crea las solicitudes que el admin mueve: nadie aprueba ni
	// asigna las suyas (§7.1).
	solicitante string
	vehiculo    uint
	// otroVehiculo es el destino de reasignar en cuerpoAccion.
	otroVehiculo uint
	motorista    sesionTokens
	motoristaID  uint
}

func (env *entorno) nuevaFlota(sufijo string) flota {
	env.t.Helper()
	m := env.loginComo("motorista_"+sufijo, models.RolMotorista)
	return flota{admin: env.loginAdmin().AccessToken,
		solicitante: env.loginComo("solicitante_"+sufijo, models.RolSolicitante).AccessToken, vehiculo: env.crearVehiculo("P-"+sufijo, 10),
		otroVehiculo: env.crearVehiculo("R-"+sufijo, 10), motorista: m, motoristaID: m.User.ID}
}

// llevarA crea con token una solicitud en el día n y la lleva al estado
// pedido con el admin (token no puede ser el del admin: no aprueba lo suyo). cancelada pasa por asignada; finalizada por en_curso.
func (env *entorno) llevarA(t testing.TB, f flota, token string, n int, estado string) solicitudR {
	t.Helper()
	s := env.crearSolicitud(t, token, env.cuerpoSolicitud(n))
	pasos := map[string][]string{
		"pendiente": {}, "aprobada": {"aprobar"}, "rechazada": {"rechazar"},
		"asignada": {"aprobar", "asignar"}, "en_curso": {"aprobar", "asignar", "iniciar"},
		"finalizada": {"aprobar", "asignar", "iniciar", "finalizar"},
		"cancelada":  {"aprobar", "asignar", "cancelar"},
	}[estado]
	for _, p := range pasos {
		env.accion(f.admin, s.ID, p, cuerpoAccion(p, f)).esperar(t, 200, "").leer(t, &s)
	}
	if s.Estado != estado {
		t.Fatalf("estado = %q, want %q", s.Estado, estado)
	}
	return s
}

// cuerpoAccion es un cuerpo válido para la acción.
func cuerpoAccion(accion string, f flota) any {
	switch accion {
	case "rechazar", "cancelar":
		return map[string]any{"motivo": "Motivo de prueba"}
	case "asignar":
		return map[string]any{"vehiculoId": f.vehiculo, "motoristaId": f.motoristaID}
	case "reasignar":
		return map[string]any{"vehiculoId": f.otroVehiculo, "motoristaId": f.motoristaID, "motivo": "Avería del vehículo"}
	}
	return nil
}
