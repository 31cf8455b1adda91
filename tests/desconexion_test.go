package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"solicitud-transporte/models"
)

// cancelada envía p por el router con un contexto que se cancela tras
// espera: un cliente que cuelga a mitad de la petición. No mira la respuesta.
func (env *entorno) cancelada(p peticion, espera time.Duration) {
	b, _ := json.Marshal(p.cuerpo)
	req := httptest.NewRequest(p.metodo, p.ruta, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if p.token != "" {
		req.Header.Set("Authorization", "Bearer "+p.token)
	}
	ctx, cancelar := context.WithCancel(req.Context())
	defer cancelar()
	req = req.WithContext(ctx)
	time.AfterFunc(espera, cancelar)
	env.e.ServeHTTP(httptest.NewRecorder(), req)
}

// TestDesconexionesNoBloqueanEscrituras (issue 14): escrituras de todo tipo
// (crear, mover, editar, login correcto y fallido, refresh, logout, MFA,
// administración) cuyos clientes cuelgan en momentos al azar, también antes
// de empezar (plazo ya vencido). Después, 100 escrituras normales salen bien
// y /salud contesta 200. Con la versión anterior, un sqlite3_interrupt dejaba
// la conexión de escritura contestando "interrupted" hasta reiniciar.
func TestDesconexionesNoBloqueanEscrituras(t *testing.T) {
	t.Parallel()
	env := nuevoEntorno(t)
	f := env.nuevaFlota("d")
	sol := env.loginComo("sol_d", models.RolSolicitante)
	otro := env.crearUsuario("otro_d", models.RolSolicitante)
	pendientes := make([]solicitudR, 40)
	for i := range pendientes {
		pendientes[i] = env.crearSolicitud(t, sol.AccessToken, env.cuerpoSolicitud(1+i))
	}
	escrituras := []func(i int) peticion{
		func(i int) peticion {
			return peticion{metodo: "POST", ruta: "/solicitud/", token: sol.AccessToken, cuerpo: env.cuerpoSolicitud(1 + i)}
		},
		func(i int) peticion {
			return peticion{metodo: "POST", ruta: fmt.Sprintf("/solicitud/%d/aprobar", pendientes[i].ID), token: f.admin}
		},
		func(i int) peticion {
			return peticion{metodo: "PATCH", ruta: fmt.Sprintf("/solicitud/%d", pendientes[i].ID), token: sol.AccessToken,
				cuerpo: map[string]any{"motivo": "Otro motivo", "version": 1}}
		},
		func(int) peticion {
			return peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "sol_d", "password": passPrueba}}
		},
		func(i int) peticion {
			return peticion{metodo: "POST", ruta: "/auth/login", cuerpo: map[string]string{"username": "nadie", "password": fmt.Sprint("equivocada-", i)}}
		},
		func(int) peticion {
			return peticion{metodo: "POST", ruta: "/auth/refresh", cuerpo: map[string]string{"refreshToken": sol.RefreshToken}}
		},
		func(int) peticion {
			return peticion{metodo: "POST", ruta: "/auth/mfa/configurar", token: sol.AccessToken}
		},
		func(i int) peticion {
			return peticion{metodo: "PATCH", ruta: fmt.Sprintf("/usuarios/%d", otro.ID), token: f.admin,
				cuerpo: map[string]any{"email": fmt.Sprintf("otro%d@ejemplo.org", i)}}
		},
		func(int) peticion {
			return peticion{metodo: "POST", ruta: fmt.Sprintf("/usuarios/%d/sesiones/revocar", otro.ID), token: f.admin}
		},
	}
	for range 5 {
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				espera := time.Duration(rand.IntN(3000)) * time.Microsecond
				env.cancelada(escrituras[i%len(escrituras)](i), espera)
			}()
		}
		wg.Wait()
	}
	// Un logout cuyo cliente se va, al final: cierra la sesión del solicitante
	// o no la cierra, pero nunca a medias.
	env.cancelada(peticion{metodo: "POST", ruta: "/auth/logout", token: sol.AccessToken}, time.Duration(rand.IntN(1000))*time.Microsecond)
	for i := range 100 {
		r := env.hacer(peticion{metodo: "POST", ruta: "/solicitud/", token: f.admin, cuerpo: env.cuerpoSolicitud(1 + i%300)})
		if r.status != 201 {
			t.Fatalf("escritura %d tras las desconexiones: %d %s", i, r.status, r.cuerpo)
		}
	}
	env.hacer(peticion{metodo: "GET", ruta: "/salud"}).esperar(t, 200, "")
}
