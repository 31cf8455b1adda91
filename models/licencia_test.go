package models

import (
	"testing"
	"time"
)

// TestLicenciaCubre: la licencia vale hasta el final del día en que vence,
// en la zona dada; sin licencia registrada, cubre.
func TestLicenciaCubre(t *testing.T) {
	sv, err := time.LoadLocation("America/El_Salvador")
	if err != nil {
		t.Fatal(err)
	}
	vence := "2026-04-10"
	casos := []struct {
		fin  time.Time
		want bool
	}{
		{time.Date(2026, 4, 10, 12, 0, 0, 0, sv), true},
		{time.Date(2026, 4, 11, 0, 0, 0, 0, sv), true}, // fin exclusivo: justo a medianoche
		{time.Date(2026, 4, 11, 0, 0, 1, 0, sv), false},
		{time.Date(2026, 4, 11, 3, 0, 0, 0, time.UTC), true}, // 21:00 del 10 en El Salvador
		{time.Date(2026, 5, 1, 0, 0, 0, 0, sv), false},
	}
	for _, c := range casos {
		if got := LicenciaCubre(&vence, c.fin, sv); got != c.want {
			t.Errorf("LicenciaCubre(%s, %s) = %t, want %t", vence, c.fin, got, c.want)
		}
	}
	if !LicenciaCubre(nil, time.Date(2026, 5, 1, 0, 0, 0, 0, sv), sv) {
		t.Error("sin licencia registrada debe cubrir")
	}
}

// TestParseDia: solo AAAA-MM-DD reales entre 1970 y 9999.
func TestParseDia(t *testing.T) {
	for s, ok := range map[string]bool{
		"2026-04-10": true, "1970-01-01": true, "9999-12-31": true,
		"1969-12-31": false, "2026-02-30": false, "2026-4-10": false, "10/04/2026": false, "": false,
		"2026-04-10T00:00:00Z": false,
	} {
		if _, msg := ParseDia(s); (msg == "") != ok {
			t.Errorf("ParseDia(%q) = %q, want válido=%t", s, msg, ok)
		}
	}
}
