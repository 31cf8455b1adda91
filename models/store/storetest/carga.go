// Package storetest tiene lo que comparten las pruebas del store y de la
// API: datos de carga para las pruebas y los benchmarks, y un esquema
// PostgreSQL nuevo por prueba cuando TEST_DATABASE_URL está definida. Solo
// lo importan archivos _test.go.
package storetest

import (
	"fmt"
	"time"

	"solicitud-transporte/models"
)

// Solicitudes arma n solicitudes para Store.ImportarSolicitudes (sin reglas
// ni historial: solo para medir). Se crean una por minuto hasta ahora; los
// estados se reparten por igual entre los siete; los solicitantes, los
// vehículos y los motoristas (en las que ya fueron asignadas) se turnan; las
// asignadas y en curso de un mismo vehículo o motorista no se solapan si
// hay a lo sumo diez de cada uno.
func Solicitudes(ahora time.Time, n int, solicitantes, vehiculos, motoristas []uint) []models.Solicitud {
	base := ahora.Add(-time.Duration(n) * time.Minute)
	sols := make([]models.Solicitud, 0, n)
	for i := range n {
		creado := base.Add(time.Duration(i) * time.Minute).UTC()
		salida := creado.Add(time.Duration(24+i%240) * time.Hour)
		s := models.Solicitud{
			Codigo: fmt.Sprintf("ST-2025-%06d", i+1), Estado: models.Estados[i%len(models.Estados)],
			Origen: "Oficina central", Destino: fmt.Sprintf("Destino %d", i%500), FechaSalida: salida,
			FinVentana: salida.Add(4 * time.Hour), Motivo: "Diligencia judicial", Pasajeros: 1 + i%10,
			SolicitanteID: solicitantes[i%len(solicitantes)], Version: 1, CreadoEn: creado, ActualizadoEn: creado,
		}
		switch s.Estado {
		case models.EstadoAsignada, models.EstadoEnCurso:
			// Las que ocupan vehículo y motorista salen cada 30 minutos
			// más: con diez o menos recursos que se turnan, dos del mismo
			// nunca se solapan (en PostgreSQL la base lo rechazaría).
			s.FechaSalida = creado.Add(24*time.Hour + time.Duration(i)*30*time.Minute)
			s.FinVentana = s.FechaSalida.Add(4 * time.Hour)
			fallthrough
		case models.EstadoFinalizada:
			v, m := vehiculos[i%len(vehiculos)], motoristas[i%len(motoristas)]
			s.VehiculoID, s.MotoristaID = &v, &m
		}
		sols = append(sols, s)
	}
	return sols
}
