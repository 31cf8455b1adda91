package webhooks

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// nuevoCliente arma el cliente HTTP de las entregas:
//   - plazo total por intento (10 s): un receptor lento no retiene un
//     trabajador más que eso;
//   - no sigue redirecciones (un 3xx es un intento fallido): una
//     redirección llevaría la firma a otra URL, quizá interna;
//   - sin proxy del entorno (HTTP_PROXY): la dirección comprobada es la que
//     se marca;
//   - salvo permitir, controlDireccion en cada conexión, y sin conexiones
//     reutilizadas: cada intento vuelve a resolver y a comprobar.
func nuevoCliente(plazo time.Duration, permitir bool) *http.Client {
	d := &net.Dialer{Timeout: plazo}
	if !permitir {
		d.Control = controlDireccion
	}
	return &http.Client{
		Timeout: plazo,
		Transport: &http.Transport{
			Proxy: nil, DialContext: d.DialContext, DisableKeepAlives: true,
			TLSHandshakeTimeout: plazo, ResponseHeaderTimeout: plazo, MaxResponseHeaderBytes: 64 << 10,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// mensaje es lo que se envía en un intento.
type mensaje struct {
	url, secreto, id string
	cuerpo           []byte
}

// resultadoIntento es lo que se supo de un intento.
type resultadoIntento struct {
	estado   *int
	duracion time.Duration
	err      string
	ok       bool
}

// maxRespuesta es cuánto de la respuesta se lee (y se descarta): lo justo
// para cerrar la conexión en orden, sin dejar que un receptor nos llene la
// memoria.
const maxRespuesta = 64 << 10

// enviar hace un intento: POST firmado de m.cuerpo a m.url.
func (s *Servicio) enviar(ctx context.Context, m mensaje) resultadoIntento {
	ts := s.now().Unix()
	firma, err := Firmar(m.secreto, m.id, ts, m.cuerpo)
	if err != nil {
		return resultadoIntento{err: err.Error()}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.url, bytes.NewReader(m.cuerpo))
	if err != nil {
		return resultadoIntento{err: "URL inválida"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.userAgent)
	req.Header.Set("webhook-id", m.id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", firma)
	inicio := time.Now()
	resp, err := s.cliente.Do(req)
	if err != nil {
		return resultadoIntento{duracion: time.Since(inicio), err: describirError(err, s.plazo)}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxRespuesta))
	resp.Body.Close()
	r := resultadoIntento{duracion: time.Since(inicio), estado: &resp.StatusCode}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		r.ok = true
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.err = "redirección no seguida (HTTP " + strconv.Itoa(resp.StatusCode) + ")"
	default:
		r.err = "respuesta HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return r
}
