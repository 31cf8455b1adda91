package handlers

import (
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// FuzzConsulta: los lectores de query de consulta.go nunca entran en
// pánico y dan un filtro tipado o un VALIDACION con campos, nunca otro
// error; una query que url.ParseQuery no entiende no llega a ellos
// (middleware.Formato la contesta con 400). idCanonico solo acepta la forma
// decimal canónica. Se corre con:
//
//	go test -run '^$' -fuzz '^FuzzConsulta$' -fuzztime 20s ./handlers
func FuzzConsulta(f *testing.F) {
	loc, err := time.LoadLocation("America/El_Salvador")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"", "estado=pendiente;pagina=2", "q=%zz", "q=ab%2", "%gg", "estado=", "estado=pendiente,,aprobada",
		"estado=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u", "estado=pendiente&estado=aprobada",
		"pagina=0", "pagina=-1", "pagina=99999999999999999999", "porPagina=101", "porPagina=+5", "pagina=1&pagina=2",
		"desde=0000-01-01", "desde=9999-12-31T23:59:59Z&hasta=0001-01-01", "hasta=2026-02-30", "desde=2026-03-02T25:00:00Z",
		"usuarioId=01", "usuarioId=+1", "usuarioId=1e3", "usuarioId=4294967296", "evento=LOGIN_EXITOSO,NADA",
		"orden=-fechaSalida", "orden=", "activo=TRUE", "activo=1", "rol=admin", "q=" + string(make([]byte, 200)),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if n, ok := idCanonico(raw); ok && strconv.FormatUint(uint64(n), 10) != raw {
			t.Fatalf("idCanonico(%q) = %d, que no es su forma canónica", raw, n)
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		comprobar := func(nombre string, err error) {
			if err == nil {
				return
			}
			var me *models.Error
			if !errors.As(err, &me) || me.Codigo != models.CodigoValidacion || len(me.Campos) == 0 || me.Detalle == "" {
				t.Fatalf("%s(%q): error inesperado %v", nombre, raw, err)
			}
		}
		fs, err := parseFiltroSolicitudes(q, loc)
		comprobar("parseFiltroSolicitudes", err)
		if err == nil && (len(fs.Estados) > maxValoresLista || fs.Pagina.Pagina < 1 || fs.PorPagina < 1 || fs.PorPagina > models.PorPaginaMaximo) {
			t.Fatalf("filtro fuera de rango para %q: %+v", raw, fs)
		}
		_, err = parseFiltroUsuarios(q)
		comprobar("parseFiltroUsuarios", err)
		_, err = parseFiltroVehiculos(q)
		comprobar("parseFiltroVehiculos", err)
		_, err = parseVentana(q, loc)
		comprobar("parseVentana", err)
		fa, err := parseFiltroAuditoria(q, loc)
		comprobar("parseFiltroAuditoria", err)
		if err == nil && len(fa.Eventos) > maxValoresLista {
			t.Fatalf("más de %d eventos aceptados para %q", maxValoresLista, raw)
		}
	})
}
