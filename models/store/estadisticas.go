package store

import (
	"database/sql"

	"gorm.io/gorm"
)

// EstadisticasPool es el uso de un pool de conexiones de database/sql en un
// instante, para las métricas. Pool es "escritura" o "lectura" (SQLite: una
// conexión de escritura y un pool de lectura) o "principal" (PostgreSQL: un
// solo pool para todo).
type EstadisticasPool struct {
	Pool string
	sql.DBStats
}

// Pools devuelve el uso de cada pool de conexiones ahora mismo: el de
// escritura (en SQLite, una sola conexión) y el de lectura. Lee contadores
// de database/sql: es barato y seguro para uso concurrente.
func (s *Store) Pools() []EstadisticasPool {
	var out []EstadisticasPool
	vistos := map[*sql.DB]bool{}
	for _, p := range []struct {
		nombre string
		db     *gorm.DB
	}{{"escritura", s.w}, {"lectura", s.r}} {
		db, err := p.db.DB()
		if err != nil {
			continue
		}
		if vistos[db] { // un mismo pool para los dos usos: uno solo, "principal"
			out[0].Pool = "principal"
			continue
		}
		vistos[db] = true
		out = append(out, EstadisticasPool{Pool: p.nombre, DBStats: db.Stats()})
	}
	return out
}
