package webhooks

import (
	"net/netip"
	"testing"
)

// TestDireccionProhibida: la tabla de SSRF de API.md §11.2, dirección por
// dirección, también escrita de las formas que esquivan una comparación de
// texto (IPv4 dentro de IPv6, NAT64, 6to4).
func TestDireccionProhibida(t *testing.T) {
	casos := []struct {
		ip        string
		prohibida bool
	}{
		{"127.0.0.1", true}, {"127.255.255.254", true}, {"::1", true},
		{"10.0.0.1", true}, {"172.16.5.4", true}, {"172.31.255.255", true}, {"192.168.1.1", true},
		{"169.254.169.254", true}, {"fe80::1", true}, {"fc00::1", true}, {"fd12:3456::1", true},
		{"0.0.0.0", true}, {"::", true}, {"100.64.0.1", true}, {"224.0.0.1", true}, {"ff02::1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.1.2.3", true}, {"64:ff9b::7f00:1", true}, {"2002:7f00:1::", true},
		{"255.255.255.255", true},
		{"8.8.8.8", false}, {"172.32.0.1", false}, {"100.128.0.1", false}, {"2606:4700::1111", false},
		{"::ffff:8.8.8.8", false},
	}
	for _, c := range casos {
		if got := DireccionProhibida(netip.MustParseAddr(c.ip)); got != c.prohibida {
			t.Errorf("DireccionProhibida(%s) = %v, want %v", c.ip, got, c.prohibida)
		}
	}
}

// TestControlDireccion: el Control del marcador rechaza la dirección ya
// resuelta, sea cual sea el nombre que se pidió.
func TestControlDireccion(t *testing.T) {
	for _, c := range []struct {
		dir string
		ok  bool
	}{{"127.0.0.1:80", false}, {"[::1]:443", false}, {"10.0.0.7:8080", false}, {"93.184.216.34:443", true}, {"sin-puerto", false}} {
		if err := controlDireccion("tcp", c.dir, nil); (err == nil) != c.ok {
			t.Errorf("controlDireccion(%s) = %v, want ok=%v", c.dir, err, c.ok)
		}
	}
}
