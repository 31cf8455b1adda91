package models

import (
	"context"
	"crypto/rand"
)

// AsegurarAdmin crea la cuenta de administración si falta, o la pone al día:
// un password no vacío se (re)aplica, igual que un email no vacío. El rol y
// el estado de una cuenta existente no se tocan: si otro admin la desactivó
// (p. ej. por sospecha de robo), reiniciar no debe reactivarla. Si la cuenta
// no existía y password está vacío, genera una y la devuelve (la única vez
// que se ve).
// Errores: VALIDACION si username, email o password incumplen la política.
func (a *Auth) AsegurarAdmin(ctx context.Context, username, password, email string) (generada string, err error) {
	var v Validacion
	ValidarUsername(&v, "API_USER", username)
	ValidarEmail(&v, "API_EMAIL", email)
	if password != "" {
		ValidarPassword(&v, "API_PASSWORD", password, username)
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	u, err := a.s.UsuarioPorIdentificador(ctx, username)
	if err != nil {
		return "", err
	}
	if u != nil && Normalizar(u.Username) != Normalizar(username) {
		u = nil // coincidió con el email de otra cuenta
	}
	ahora := a.now()
	if u == nil {
		if password == "" {
			password = passwordAleatoria()
			generada = password
		}
		hash, err := HashPassword(password, a.cfg.CostoHash)
		if err != nil {
			return "", ErrorInterno(err)
		}
		mail, mailNorm := NormalizarEmail(email)
		nuevo := &Usuario{
			Username: username, UsernameNorm: Normalizar(username), Email: mail, EmailNorm: mailNorm,
			PasswordHash: hash, Rol: RolAdmin, Activo: true, CreadoEn: ahora, ActualizadoEn: ahora,
		}
		return generada, a.s.CrearAdmin(ctx, nuevo)
	}

	var (
		nuevoEmail *string
		hash       string
	)
	if email = FormaEmail(email); email != "" && u.EmailTexto() != email {
		nuevoEmail = &email
	}
	if password != "" && !PasswordCorrecta(u.PasswordHash, password) {
		if hash, err = HashPassword(password, a.cfg.CostoHash); err != nil {
			return "", ErrorInterno(err)
		}
	}
	if nuevoEmail == nil && hash == "" {
		return "", nil
	}
	return "", a.s.PonerAlDiaAdmin(ctx, u.ID, nuevoEmail, hash)
}

// RestaurarAdminSiFalta hace de la cuenta username (API_USER) un
// administrador activo otra vez si no queda ningún administrador activo
// (API.md §12); dice si lo hizo, para que el arranque lo registre en el log.
// Con otro administrador activo no toca nada: una cuenta API_USER que otro
// administrador desactivó sigue desactivada.
func (a *Auth) RestaurarAdminSiFalta(ctx context.Context, username string) (bool, error) {
	u, err := a.s.UsuarioPorIdentificador(ctx, username)
	if err != nil || u == nil {
		return false, err
	}
	return a.s.RestaurarAdmin(ctx, u.ID)
}

// passwordAleatoria genera 24 caracteres de un alfabeto sin caracteres
// ambiguos (~140 bits).
func passwordAleatoria() string {
	const alfabeto = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alfabeto[int(b[i])%len(alfabeto)]
	}
	return string(b)
}
