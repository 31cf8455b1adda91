package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"solicitud-transporte/models"
)

// redesProhibidas son los rangos a los que un webhook no puede llegar sin
// WEBHOOK_PERMITIR_RED_PRIVADA, además de lo que netip ya clasifica
// (loopback, privadas RFC 1918 y fc00::/7, enlace local, multicast, sin
// especificar): con ellos un administrador, o quien le robe la sesión,
// podría hacer que el servidor llame a servicios internos (SSRF).
var redesProhibidas = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // «esta red»
	netip.MustParsePrefix("100.64.0.0/10"),  // NAT de operador (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),   // asignaciones del IETF
	netip.MustParsePrefix("198.18.0.0/15"),  // pruebas de rendimiento
	netip.MustParsePrefix("240.0.0.0/4"),    // reservadas y difusión
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64: lleva una IPv4 dentro
	netip.MustParsePrefix("64:ff9b:1::/48"), // NAT64 local
	netip.MustParsePrefix("2002::/16"),      // 6to4: lleva una IPv4 dentro
	netip.MustParsePrefix("2001:db8::/32"),  // documentación
	netip.MustParsePrefix("100::/64"),       // descarte
}

// DireccionProhibida dice si ip es de loopback, privada, de enlace local,
// local única, sin especificar, multicast o de un rango reservado; una IPv4
// escrita como IPv6 (::ffff:127.0.0.1) cuenta como la IPv4.
func DireccionProhibida(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range redesProhibidas {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// errDireccionProhibida es el error de un intento que iba a una dirección
// prohibida; su texto llega al registro de entregas.
type errDireccionProhibida struct{ ip string }

func (e *errDireccionProhibida) Error() string {
	return "dirección no permitida: " + e.ip + " es de loopback, privada o local (WEBHOOK_PERMITIR_RED_PRIVADA)"
}

// controlDireccion es el net.Dialer.Control de las entregas: se llama con la
// dirección que de verdad se va a marcar, ya resuelta por DNS, en cada
// conexión. Comprobar aquí y no solo al registrar la URL cierra el DNS
// rebinding (un nombre que al validarlo apuntaba fuera y al entregar apunta
// a 127.0.0.1).
func controlDireccion(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || DireccionProhibida(ip) {
		return &errDireccionProhibida{ip: host}
	}
	return nil
}

// Resolver es la parte de *net.Resolver que usa ValidarURL.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// plazoDNS acota la resolución del host al validar una URL.
const plazoDNS = 5 * time.Second

// validarURL comprueba la url de un webhook (API.md §11.2): http o https,
// con host, sin usuario ni contraseña, y, salvo permitir, que el host no
// sea ni resuelva a una dirección prohibida. Un host que no resuelve
// también es VALIDACION: un webhook que no se puede entregar no se acepta.
func validarURL(ctx context.Context, r Resolver, permitir bool, crudo string) error {
	u, err := url.Parse(crudo)
	if err != nil {
		return models.ErrCampo("url", "no es una URL válida")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return models.ErrCampo("url", "debe empezar por http:// o https://")
	case u.Hostname() == "":
		return models.ErrCampo("url", "debe incluir el nombre del servidor")
	case u.User != nil:
		return models.ErrCampo("url", "no puede llevar usuario ni contraseña")
	case u.Opaque != "":
		return models.ErrCampo("url", "no es una URL válida")
	}
	if p := u.Port(); p != "" {
		if _, err := net.LookupPort("tcp", p); err != nil {
			return models.ErrCampo("url", "tiene un puerto inválido")
		}
	}
	host := u.Hostname()
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ctx, cancelar := context.WithTimeout(ctx, plazoDNS)
		defer cancelar()
		addrs, err := r.LookupIPAddr(ctx, host)
		if err != nil || len(addrs) == 0 {
			return models.ErrCampo("url", "tiene un nombre de servidor que no se pudo resolver")
		}
		for _, a := range addrs {
			if ip, ok := netip.AddrFromSlice(a.IP); ok {
				ips = append(ips, ip)
			}
		}
	}
	if permitir {
		return nil
	}
	for _, ip := range ips {
		if DireccionProhibida(ip) {
			return models.ErrCampo("url", fmt.Sprintf("apunta a una dirección de loopback, privada o local (%s); no está permitido", ip))
		}
	}
	return nil
}

// describirError resume el fallo de un intento para el registro, sin la
// URL ni el cuerpo.
func describirError(err error, plazo time.Duration) string {
	var prohibida *errDireccionProhibida
	var ne net.Error
	switch {
	case errors.As(err, &prohibida):
		return prohibida.Error()
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("sin respuesta en %s (tiempo agotado)", plazo)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return models.Recortar("no se pudo conectar: "+oe.Err.Error(), 300)
	}
	return models.Recortar("falló la petición: "+strings.TrimSpace(err.Error()), 300)
}
