package store

import (
	"context"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// La cuenta de fallos de una identidad (models.PoliticaBloqueo) se decide en
// la base con una sola sentencia por paso: INSERT … ON CONFLICT (clave) DO
// UPDATE … WHERE … RETURNING (SQLite ≥ 3.35 y PostgreSQL). Una sentencia así
// es atómica sobre su fila también en el READ COMMITTED de PostgreSQL: la
// segunda de dos concurrentes espera el bloqueo de la fila y evalúa su WHERE
// sobre la versión que dejó la primera. Así N intentos que llegan a la vez a
// instancias distintas cuentan exactamente N, y una reserva de más se rechaza
// aunque lleguen dos juntas. Las reglas viven en models (PoliticaBloqueo.En
// da los valores que se comparan); el SQL no tiene constantes propias.

// sqlReservar gasta una unidad del cupo de la clave. Pasa si no hay fila, si
// la fila caducó (último fallo anterior a desde), si su bloqueo ya terminó o
// si no está bloqueada y quedan unidades; entonces una fila caducada o con
// el bloqueo terminado vuelve a empezar en 1. Si no pasa, no cambia nada y
// no devuelve filas.
const sqlReservar = `INSERT INTO bloqueos_login (clave, fallos, ultimo_fallo, bloqueado_hasta)
VALUES (@clave, 1, @ahora, NULL)
ON CONFLICT (clave) DO UPDATE SET
	fallos = CASE
		WHEN bloqueos_login.bloqueado_hasta IS NOT NULL OR bloqueos_login.ultimo_fallo < @desde THEN 1
		ELSE bloqueos_login.fallos + 1 END,
	ultimo_fallo = @ahora,
	bloqueado_hasta = NULL
WHERE bloqueos_login.bloqueado_hasta <= @ahora
	OR (bloqueos_login.bloqueado_hasta IS NULL
		AND (bloqueos_login.ultimo_fallo < @desde OR bloqueos_login.fallos < @max))
RETURNING fallos`

// sqlFallar da por fallido el intento reservado: si con él la clave llegó a
// max y no estaba bloqueada, la bloquea hasta @hasta y devuelve la fila
// (bloquea = 1). Si un éxito simultáneo borró la fila, crea una con un fallo
// (bloqueada solo si un fallo basta). Si no bloquea, no devuelve filas.
const sqlFallar = `INSERT INTO bloqueos_login (clave, fallos, ultimo_fallo, bloqueado_hasta)
VALUES (@clave, 1, @ahora, @hasta_primer_fallo)
ON CONFLICT (clave) DO UPDATE SET
	bloqueado_hasta = @hasta
WHERE bloqueos_login.bloqueado_hasta IS NULL AND bloqueos_login.fallos >= @max
RETURNING fallos, CASE WHEN bloqueado_hasta IS NULL THEN 0 ELSE 1 END AS bloquea`

// sqlLiberar devuelve al cupo una unidad reservada.
const sqlLiberar = `UPDATE bloqueos_login SET fallos = fallos - 1 WHERE clave = @clave AND fallos > 0`

// argumentos son los parámetros con nombre de las sentencias de bloqueo.
func argumentos(clave string, v models.ValoresBloqueo) map[string]any {
	return map[string]any{
		"clave": clave, "ahora": v.Ahora, "desde": v.Desde, "hasta": v.Hasta,
		"hasta_primer_fallo": v.HastaPrimerFallo, "max": v.MaxFallos,
	}
}

// ReservarIntento gasta un intento del cupo de clave con sqlReservar.
// Error: DEMASIADAS_SOLICITUDES, con los segundos de bloqueo que faltan o,
// si el cupo lo gastan intentos en curso, unos pocos.
func (s *Store) ReservarIntento(ctx context.Context, clave string, p models.PoliticaBloqueo) error {
	ahora := s.now()
	return s.escribir(ctx, func(tx *gorm.DB) error {
		var fallos []int
		if err := tx.Raw(sqlReservar, argumentos(clave, p.En(ahora))).Scan(&fallos).Error; err != nil {
			return err
		}
		if len(fallos) == 1 {
			return nil
		}
		// Rechazada: la decisión ya la tomó la sentencia; la fila solo da el
		// motivo para el cliente (bloqueo y segundos, o intentos en curso).
		var b models.BloqueoLogin
		if err := tx.Where("clave = ?", clave).Limit(1).Find(&b).Error; err != nil {
			return err
		}
		return p.Rechazo(&b, ahora)
	})
}

// LiberarIntento devuelve al cupo de clave un intento reservado.
func (s *Store) LiberarIntento(ctx context.Context, clave string) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		return tx.Exec(sqlLiberar, map[string]any{"clave": clave}).Error
	})
}

// RegistrarFallo da por fallido el intento reservado para clave
// (sqlFallar), audita evento y, si con él se llegó al máximo,
// CUENTA_BLOQUEADA, todo en una transacción; bloquea dice si este fallo
// bloqueó la identidad. El actor de un intento fallido
// es desconocido: solo se sabe qué cuenta se intentó.
func (s *Store) RegistrarFallo(ctx context.Context, clave string, p models.PoliticaBloqueo, usuarioID *uint, evento models.EventoAuditoria, detalle string) (bloquea bool, err error) {
	ahora := s.now()
	err = s.escribir(ctx, func(tx *gorm.DB) error {
		bloquea = false // la transacción puede repetirse
		var filas []struct {
			Fallos  int
			Bloquea int
		}
		if err := tx.Raw(sqlFallar, argumentos(clave, p.En(ahora))).Scan(&filas).Error; err != nil {
			return err
		}
		if err := s.auditar(ctx, tx, evento, usuarioID, nil, detalle); err != nil {
			return err
		}
		if len(filas) == 1 && filas[0].Bloquea == 1 {
			bloquea = true
			return s.auditar(ctx, tx, models.EventoCuentaBloqueada, usuarioID, nil, p.DetalleBloqueo(filas[0].Fallos))
		}
		return nil
	})
	return bloquea && err == nil, err
}
