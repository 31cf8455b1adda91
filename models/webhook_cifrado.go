package models

import "fmt"

// CifradoWebhooks sella y abre los secretos de los webhooks en reposo con
// la misma clave que los secretos TOTP (MFA_ENCRYPTION_KEY): un volcado de
// la base no basta para firmar entregas falsas. Sin clave, guarda en claro,
// como MFA. El secreto se ata a su webhook (datos adicionales de GCM).
type CifradoWebhooks struct {
	c cifradoSecretos
}

// NuevoCifradoWebhooks prepara el cifrado con clave (32 bytes, o vacía).
func NuevoCifradoWebhooks(clave []byte) (*CifradoWebhooks, error) {
	c, err := nuevoCifrado(clave)
	if err != nil {
		return nil, err
	}
	return &CifradoWebhooks{c: c}, nil
}

func adWebhook(id uint) []byte { return fmt.Appendf(nil, "webhook_secreto:%d", id) }

// Sellar devuelve el valor que se guarda en webhooks.secreto_cifrado.
func (c *CifradoWebhooks) Sellar(id uint, secreto string) (string, error) {
	return c.c.sellarCon(adWebhook(id), secreto)
}

// Abrir recupera el secreto del webhook id.
func (c *CifradoWebhooks) Abrir(id uint, guardado string) (string, error) {
	return c.c.abrirCon(adWebhook(id), guardado)
}
