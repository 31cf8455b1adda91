package store

import (
	"context"
	"slices"

	"solicitud-transporte/models"
)

// loteIN es cuántos valores lleva como mucho cada IN (...): muy por debajo
// del límite de parámetros de SQLite y de PostgreSQL, y el plan sigue
// siendo una búsqueda por índice.
const loteIN = 500

// EstadoSuscriptores lee, para la central de eventos, el rol y si está
// activo cada usuario de ids, y cuáles de claves (ClaveJTI, ClaveSesion)
// están en la lista negra: dos consultas por lote en vez de una por
// suscriptor, así revisar 500 suscriptores cada segundo cuesta poco. Es la
// misma regla que ActorDeToken aplica en cada petición.
func (s *Store) EstadoSuscriptores(ctx context.Context, ids []uint, claves []string) (models.EstadoSuscriptores, error) {
	out := models.EstadoSuscriptores{Usuarios: map[uint]models.EstadoUsuario{}, Revocadas: map[string]bool{}}
	db, fin := s.leer(ctx)
	defer fin()
	for lote := range slices.Chunk(ids, loteIN) {
		var filas []struct {
			ID     uint
			Rol    models.Rol
			Activo bool
		}
		if err := db.Raw("SELECT id, rol, activo FROM usuarios WHERE id IN ?", lote).Scan(&filas).Error; err != nil {
			return out, traducir(err)
		}
		for _, f := range filas {
			out.Usuarios[f.ID] = models.EstadoUsuario{Rol: f.Rol, Activo: f.Activo}
		}
	}
	for lote := range slices.Chunk(claves, loteIN) {
		var presentes []string
		if err := db.Raw("SELECT clave FROM tokens_revocados WHERE clave IN ?", lote).Scan(&presentes).Error; err != nil {
			return out, traducir(err)
		}
		for _, c := range presentes {
			out.Revocadas[c] = true
		}
	}
	return out, nil
}
