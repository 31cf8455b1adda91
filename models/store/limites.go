package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// sqlTomarCupo es un paso de GCRA (models.ValoresTasa.Paso) sobre la fila de
// la clave, en una sola sentencia: crea la fila con el cubo lleno menos una
// ficha o, si existe, guarda el tat anterior en tat_previo y avanza tat si
// queda ficha (si no, lo deja igual). Devuelve los dos: tat > tat_previo es
// que pasó, y de tat salen las restantes y la espera (LimiteTasa.Decidir).
// Así la decisión, el nuevo estado y las cabeceras salen de una sentencia,
// atómica sobre su fila también en el READ COMMITTED de PostgreSQL (la
// segunda de dos concurrentes espera el bloqueo de la fila y calcula sobre
// lo que dejó la primera). Una petición rechazada también escribe la fila
// (tat_previo = tat): es lo que permite distinguirla de la que gasta la
// última ficha.
const sqlTomarCupo = `INSERT INTO limites_tasa (clave, tat, tat_previo)
VALUES (@clave, @nuevo, @ahora)
ON CONFLICT (clave) DO UPDATE SET
	tat_previo = limites_tasa.tat,
	tat = CASE
		WHEN limites_tasa.tat <= @ahora THEN @nuevo
		WHEN limites_tasa.tat <= @umbral THEN limites_tasa.tat + @intervalo
		ELSE limites_tasa.tat END
RETURNING tat, tat_previo`

// errSinFila: la sentencia con RETURNING no devolvió su fila.
var errSinFila = errors.New("limites_tasa: la sentencia no devolvió la fila")

// CupoTasa es el presupuesto de RATE_LIMIT_AUTH_PER_MINUTE guardado en la
// base: uno por clave para todas las instancias que la comparten. Cumple
// middleware.Cupo.
type CupoTasa struct {
	s      *Store
	limite models.LimiteTasa
}

// NewCupoTasa es el presupuesto de porMinuto peticiones por minuto en s.
func NewCupoTasa(s *Store, porMinuto int) *CupoTasa {
	return &CupoTasa{s: s, limite: models.NuevoLimiteTasa(porMinuto)}
}

// Tomar gasta una petición del presupuesto de clave con sqlTomarCupo.
// Error: SERVICIO_NO_DISPONIBLE si la base no responde dentro de DB_TIMEOUT.
func (c *CupoTasa) Tomar(ctx context.Context, clave string) (models.DecisionTasa, error) {
	v := c.limite.En(c.s.now())
	var filas []struct {
		Tat       int64
		TatPrevio int64
	}
	err := c.s.escribir(ctx, func(tx *gorm.DB) error {
		filas = filas[:0] // escribir puede repetir fn
		return tx.Raw(sqlTomarCupo, map[string]any{
			"clave": clave, "ahora": v.Ahora, "nuevo": v.Nuevo, "umbral": v.Umbral, "intervalo": v.Intervalo,
		}).Scan(&filas).Error
	})
	if err != nil {
		return models.DecisionTasa{}, err
	}
	if len(filas) != 1 {
		return models.DecisionTasa{}, models.ErrorInterno(errSinFila)
	}
	return c.limite.Decidir(v, filas[0].TatPrevio, filas[0].Tat), nil
}

// purgarCupos borra las filas cuyo cubo ya está lleno: no tenerlas es lo
// mismo.
func purgarCupos(tx *gorm.DB, ahora time.Time) *gorm.DB {
	return tx.Exec("DELETE FROM limites_tasa WHERE tat <= ?", ahora.UnixNano())
}
