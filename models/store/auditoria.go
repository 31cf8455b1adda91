package store

import (
	"context"

	"gorm.io/gorm"

	"solicitud-transporte/models"
)

// auditar inserta un evento de auditoría dentro de tx, con el origen de ctx.
func (s *Store) auditar(ctx context.Context, tx *gorm.DB, evento models.EventoAuditoria, usuarioID, actorID *uint, detalle string) error {
	o := models.OrigenDe(ctx)
	return tx.Create(&models.RegistroAuditoria{
		Evento: evento, Fecha: s.now(), UsuarioID: usuarioID, ActorID: actorID,
		IP: models.Recortar(o.IP, 64), UserAgent: models.Recortar(o.UserAgent, 255), RequestID: models.Recortar(o.RequestID, 128),
		Detalle: models.Recortar(detalle, 500),
	}).Error
}

// Auditar escribe un evento suelto en su propia transacción, con el origen
// de ctx (usuarioID es la cuenta afectada; actorID, quien actuó).
func (s *Store) Auditar(ctx context.Context, evento models.EventoAuditoria, usuarioID, actorID *uint, detalle string) error {
	return s.escribir(ctx, func(tx *gorm.DB) error {
		return s.auditar(ctx, tx, evento, usuarioID, actorID, detalle)
	})
}

// ListarAuditoria devuelve una página del registro, el más reciente primero.
func (s *Store) ListarAuditoria(ctx context.Context, f models.FiltroAuditoria) (*models.Resultado[models.EntradaAuditoria], error) {
	db, fin := s.leer(ctx)
	defer fin()
	q := db.Model(&models.RegistroAuditoria{})
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
	pag, err := paginar[models.RegistroAuditoria](q, f.Pagina, "fecha DESC, id DESC", nil)
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
		var us []models.Usuario
		if err := db.Select("id", "username").Where("id IN ?", ids).Find(&us).Error; err != nil {
			return nil, traducir(err)
		}
		for _, u := range us {
			nombres[u.ID] = u.Username
		}
	}
	ref := func(p *uint) *models.Referencia {
		if p == nil {
			return nil
		}
		return &models.Referencia{ID: *p, Username: nombres[*p]}
	}
	out := make([]models.EntradaAuditoria, len(pag.Elementos))
	for i, r := range pag.Elementos {
		out[i] = models.EntradaAuditoria{RegistroAuditoria: r, Usuario: ref(r.UsuarioID), Actor: ref(r.ActorID)}
	}
	return &models.Resultado[models.EntradaAuditoria]{Elementos: out, Total: pag.Total, Pagina: pag.Pagina,
		PorPagina: pag.PorPagina, TotalPaginas: pag.TotalPaginas}, nil
}
