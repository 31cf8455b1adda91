package models

// Recortar corta s a n bytes como mucho, en un límite de carácter UTF-8: lo
// que se guarda en columnas de largo fijo (origen de la auditoría, claves).
func Recortar(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// corta en un límite de carácter UTF-8
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}

func ptr[T any](v T) *T { return &v }
