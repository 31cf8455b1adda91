package handlers

import (
	"github.com/labstack/echo/v4"

	"solicitud-transporte/models"
)

// paginaDTO es la forma común de toda lista paginada (API.md §7).
type paginaDTO[T any] struct {
	Elementos    []T   `json:"elementos"`
	Total        int64 `json:"total"`
	Pagina       int   `json:"pagina"`
	PorPagina    int   `json:"porPagina"`
	TotalPaginas int   `json:"totalPaginas"`
}

// aPaginaDTO convierte un resultado de models con f para cada elemento.
func aPaginaDTO[M, T any](r *models.Resultado[M], f func(*M) T) paginaDTO[T] {
	out := paginaDTO[T]{Elementos: make([]T, len(r.Elementos)), Total: r.Total, Pagina: r.Pagina,
		PorPagina: r.PorPagina, TotalPaginas: r.TotalPaginas}
	for i := range r.Elementos {
		out.Elementos[i] = f(&r.Elementos[i])
	}
	return out
}

// idDe lee el parámetro :id de la ruta; un id que no está en decimal
// canónico (idCanonico: «abc», «01», «+1», «1e3») es un recurso que no existe
// (NO_ENCONTRADO), igual que uno desconocido.
func idDe(c echo.Context) (uint, error) {
	n, ok := idCanonico(c.Param("id"))
	if !ok {
		return 0, models.Errorf(models.CodigoNoEncontrado, "El recurso solicitado no existe.")
	}
	return n, nil
}

// referenciaDTO es un usuario nombrado dentro de otro recurso.
type referenciaDTO struct {
	ID       uint   `json:"id"`
	Username string `json:"username"`
}
