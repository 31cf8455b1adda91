package models

import (
	"context"
)

// Refrescar canjea un refresh token por un par nuevo (API.md §4.2).
//
// El token presentado se gasta con un UPDATE condicional (usado_en IS NULL)
// comprobado por filas afectadas: de varios intentos simultáneos gana uno.
// Dentro de la gracia, volver a presentar el predecesor inmediato del refresh
// vigente devuelve el mismo sucesor (se vuelve a firmar con los claims
// guardados). Fuera de ella es reutilización: se revoca la sesión entera.
//
// Errores: TOKEN_INVALIDO, TOKEN_EXPIRADO (también al pasar la vida máxima de
// la sesión), TOKEN_REVOCADO.
func (a *Auth) Refrescar(ctx context.Context, raw string) (*ParTokens, error) {
	c, err := a.t.Verificar(raw, TokenRefresh)
	if err != nil {
		if CodigoDe(err) == CodigoTokenExpirado && c != nil {
			return nil, a.errRefreshExpirado(ctx, c.Sid, err)
		}
		return nil, err
	}
	id, ok := c.IDUsuario()
	if !ok || c.Sid == "" {
		return nil, ErrTokenInvalido(nil)
	}

	canje, err := a.s.CanjearRefresh(ctx, id, c.Sid, c.ID, a.sesiones())
	if err != nil {
		return nil, err
	}
	if canje.Reusado {
		return nil, ErrTokenRevocado("El refresh token ya fue usado. Por seguridad se cerró la sesión; inicie sesión nuevamente.")
	}
	return a.emitirPar(&canje.Usuario, &canje.Sesion, canje.Refresh)
}

// errRefreshExpirado distingue el fin de la sesión (su vida máxima) de la
// simple expiración del refresh token.
func (a *Auth) errRefreshExpirado(ctx context.Context, sid string, err error) error {
	ses, e := a.s.Sesion(ctx, sid)
	if e != nil {
		return e
	}
	if ses == nil || !ses.ExpiraEn.After(a.now()) {
		return ErrSesionMaxima()
	}
	return err
}
