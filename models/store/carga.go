package store

import (
	"context"
	"regexp"
	"strconv"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"solicitud-transporte/models"
)

// Cargas masivas: datos que ya existían fuera de este servicio. Cada una es
// una sola transacción (todo o nada) por lotes.

const loteCarga = 1000

var patronCodigo = regexp.MustCompile(`^ST-(\d{4})-(\d{6})$`)

// ImportarSolicitudes carga solicitudes que ya existían (el histórico de un
// sistema anterior) tal como vienen: en su estado, sin pasar por la máquina
// de estados ni escribir historial. Calcula Busqueda (y FinVentana si falta)
// y adelanta el contador de cada año hasta el mayor código importado, así
// las solicitudes nuevas no repiten un código. También sirve para poblar una
// base de pruebas de carga.
//
// Errores: VALIDACION si un código no tiene la forma ST-AAAA-NNNNNN o un
// estado no existe; CONFLICTO si un código ya existe.
func (s *Store) ImportarSolicitudes(ctx context.Context, sols []models.Solicitud) error {
	maximo := map[int]int{}
	ahora := s.now()
	for i := range sols {
		sol := &sols[i]
		m := patronCodigo.FindStringSubmatch(sol.Codigo)
		if m == nil {
			return models.ErrCampo("codigo", "debe tener la forma ST-AAAA-NNNNNN ("+sol.Codigo+")")
		}
		if _, err := models.ParseEstado(string(sol.Estado)); err != nil {
			return models.ErrCampo("estado", "no es un estado de solicitud ("+string(sol.Estado)+")")
		}
		anio, _ := strconv.Atoi(m[1])
		numero, _ := strconv.Atoi(m[2])
		maximo[anio] = max(maximo[anio], numero)
		sol.Indexar(s.loc)
		if sol.Version == 0 {
			sol.Version = 1
		}
		if sol.CreadoEn.IsZero() {
			sol.CreadoEn = ahora
		}
		if sol.ActualizadoEn.IsZero() {
			sol.ActualizadoEn = sol.CreadoEn
		}
	}
	return s.escribir(ctx, func(tx *gorm.DB) error {
		for i := range sols {
			sols[i].ID = 0 // los de un intento deshecho (ver escribir)
		}
		if len(sols) > 0 {
			if err := tx.Omit(clause.Associations).CreateInBatches(sols, loteCarga).Error; err != nil {
				return err
			}
		}
		for anio, numero := range maximo {
			if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&models.ContadorSolicitudes{Anio: anio}).Error; err != nil {
				return err
			}
			if err := tx.Model(&models.ContadorSolicitudes{}).Where("anio = ? AND numero < ?", anio, numero).
				Update("numero", numero).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportarRevocaciones vuelve a cargar filas de la lista negra (jti o
// sesiones, con su expiración): al restaurar una copia de seguridad de la
// base, las revocaciones posteriores a la copia se perderían y tokens ya
// revocados volverían a valer. Las filas repetidas se ignoran. Devuelve
// cuántas se añadieron.
func (s *Store) ImportarRevocaciones(ctx context.Context, filas []models.TokenRevocado) (int64, error) {
	var n int64
	err := s.escribir(ctx, func(tx *gorm.DB) error {
		if len(filas) == 0 {
			return nil
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(filas, loteCarga)
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
