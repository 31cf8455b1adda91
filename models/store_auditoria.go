package models

import (
	"context"
	"fmt"
)

// Referencia es un usuario nombrado en una respuesta: solo id y username.
type Referencia struct {
	ID       uint
	Username string
}

// EntradaAuditoria es un registro con sus usuarios resueltos (nil si no hay).
type EntradaAuditoria struct {
	RegistroAuditoria
	Usuario *Referencia
	Actor   *Referencia
}

// FiltroAuditoria es la consulta de GET /auditoria.
type FiltroAuditoria struct {
	UsuarioID *uint
	Eventos   []Evento
	Intervalo
	Pagina
}

// ParseEvento convierte texto en uno de Eventos.
func ParseEvento(s string) (Evento, error) {
	for _, e := range Eventos {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("evento desconocido %q", s)
}

// ListarAuditoria devuelve una página del registro, el más reciente primero.
func (s *Store) ListarAuditoria(ctx context.Context, f FiltroAuditoria) (*Resultado[EntradaAuditoria], error) {
	db := s.leer(ctx)
	q := db.Model(&RegistroAuditoria{})
	if f.UsuarioID != nil {
		q = q.Where("usuario_id = ?", *f.UsuarioID)
	}
	if len(f.Eventos) > 0 {
		q = q.Where("evento IN ?", f.Eventos)
	}
	if f.Desde != nil {
		q = q.Where("fecha >= ?", f.Desde.UTC())
	}
	if f.Hasta != nil {
		q = q.Where("fecha < ?", f.Hasta.UTC())
	}
	pag, err := paginar[RegistroAuditoria](q, f.Pagina, "fecha DESC, id DESC", nil)
	if err != nil {
		return nil, err
	}
	ids := []uint{}
	for _, r := range pag.Elementos {
		for _, p := range []*uint{r.UsuarioID, r.ActorID} {
			if p != nil {
				ids = append(ids, *p)
			}
		}
	}
	nombres := map[uint]string{}
	if len(ids) > 0 {
		var us []Usuario
		if err := db.Select("id", "username").Where("id IN ?", ids).Find(&us).Error; err != nil {
			return nil, traducir(err)
		}
		for _, u := range us {
			nombres[u.ID] = u.Username
		}
	}
	ref := func(p *uint) *Referencia {
		if p == nil {
			return nil
		}
		return &Referencia{ID: *p, Username: nombres[*p]}
	}
	out := make([]EntradaAuditoria, len(pag.Elementos))
	for i, r := range pag.Elementos {
		out[i] = EntradaAuditoria{RegistroAuditoria: r, Usuario: ref(r.UsuarioID), Actor: ref(r.ActorID)}
	}
	return &Resultado[EntradaAuditoria]{Elementos: out, Total: pag.Total, Pagina: pag.Pagina,
		PorPagina: pag.PorPagina, TotalPaginas: pag.TotalPaginas}, nil
}
