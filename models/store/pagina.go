package store

import (
	"strings"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// paginar cuenta las filas de q y trae la página p en orden (el orden debe
// terminar en id, para que la paginación sea estable). extra ajusta solo la
// consulta de la página (p. ej. precargas). Una página más allá del final no
// consulta filas: devuelve elementos vacíos y el total.
func paginar[T any](q *gorm.DB, p models.Pagina, orden string, extra func(*gorm.DB) *gorm.DB) (*models.Resultado[T], error) {
	p = p.Normalizada()
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, traducir(err)
	}
	var filas []T
	if total > int64(p.Offset()) {
		pq := q.Order(orden).Limit(p.PorPagina).Offset(p.Offset())
		if extra != nil {
			pq = extra(pq)
		}
		if err := pq.Find(&filas).Error; err != nil {
			return nil, traducir(err)
		}
	}
	return models.NuevoResultado(p, total, filas), nil
}

// patronLike escapa s para LIKE con ESCAPE '\' y lo rodea de comodines, en
// minúsculas (la comparación se hace contra LOWER(columna)).
func patronLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}
