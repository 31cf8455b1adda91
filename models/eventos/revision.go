package eventos

import (
	"context"
	"log/slog"

	"solicitud-transporte/models"
)

// revisarSuscriptores aplica a cada suscriptor su estado actual: termina
// los de token vencido (con el reloj, sin ir a la base) y, con una foto en
// lote de la base, los de cuenta desactivada o borrada y los de token o
// sesión en la lista negra; a los demás les pone el rol de ahora. Es lo que
// hace Auth.Autenticar en cada petición, para todo un flujo a la vez.
//
// Si la base no responde, los flujos siguen con lo último que se supo: un
// corte de la base no desconecta a todos los clientes.
func (c *Central) revisarSuscriptores(ctx context.Context) {
	ahora := c.o.Now()
	c.mu.Lock()
	ids := make([]uint, 0, len(c.subs))
	claves := make([]string, 0, 2*len(c.subs))
	vistos := map[uint]bool{}
	claveVista := map[string]bool{}
	for s := range c.subs {
		if !ahora.Before(s.actor.TokenExpira) {
			s.terminar(FinTokenExpirado)
			delete(c.subs, s)
			continue
		}
		if !vistos[s.actor.ID] {
			vistos[s.actor.ID] = true
			ids = append(ids, s.actor.ID)
		}
		for _, k := range []string{models.ClaveJTI(s.actor.JTI), models.ClaveSesion(s.actor.SesionID)} {
			if !claveVista[k] {
				claveVista[k] = true
				claves = append(claves, k)
			}
		}
	}
	c.mu.Unlock()
	if len(ids) == 0 {
		return
	}

	foto, err := c.f.EstadoSuscriptores(ctx, ids, claves)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("central de eventos: no se pudo revisar a los suscriptores", slog.String("error", err.Error()))
		}
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for s := range c.subs {
		u, existe := foto.Usuarios[s.actor.ID]
		if !vistos[s.actor.ID] {
			continue // se suscribió durante la consulta: la próxima revisión
		}
		if !existe || !u.Activo || foto.Revocadas[models.ClaveJTI(s.actor.JTI)] || foto.Revocadas[models.ClaveSesion(s.actor.SesionID)] {
			s.terminar(FinRevocada)
			delete(c.subs, s)
			continue
		}
		s.rol = u.Rol
	}
}
