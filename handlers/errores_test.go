package handlers

import (
	"testing"

	"solicitud-transporte/models"
)

// TestCatalogoCompleto: cada código de models tiene su fila (estado y
// mensaje) y el catálogo no tiene filas sobrantes.
func TestCatalogoCompleto(t *testing.T) {
	for _, c := range models.CodigosError {
		f, ok := catalogo[c]
		if !ok || f.status < 400 || f.mensaje == "" {
			t.Errorf("código %s sin fila válida en el catálogo", c)
		}
	}
	if len(catalogo) != len(models.CodigosError) {
		t.Errorf("el catálogo tiene %d filas y models %d códigos", len(catalogo), len(models.CodigosError))
	}
}
