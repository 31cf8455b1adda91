package models

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Viaje es la bitácora de una solicitud (API.md §7.2): lo que pasó de
// verdad entre iniciar y finalizar. Todo es nil hasta iniciar; un dato que
// el motorista no dio queda nil. Se guarda en columnas viaje_* de la
// solicitud.
type Viaje struct {
	InicioReal        *time.Time
	FinReal           *time.Time
	KmInicial         *int
	KmFinal           *int
	CombustibleLitros *float64
	Observaciones     *string `gorm:"size:1000"`
}

// Registrado dice si el viaje ya empezó (o, en una solicitud anterior a la
// bitácora, terminó): si no, la solicitud no tiene viaje que mostrar.
func (v Viaje) Registrado() bool { return v.InicioReal != nil || v.FinReal != nil }

// KmRecorridos es kmFinal − kmInicial, o nil si falta alguno.
func (v Viaje) KmRecorridos() *int {
	if v.KmInicial == nil || v.KmFinal == nil {
		return nil
	}
	n := *v.KmFinal - *v.KmInicial
	return &n
}

// Límites de la bitácora. Los máximos solo protegen de valores absurdos
// (un odómetro de 8 cifras, un camión cisterna).
const (
	KmMaximo        = 9_999_999
	LitrosMaximo    = 100_000
	decimalesLitros = 2
)

// validarViaje comprueba los campos de bitácora de d que accion usa.
func (d DatosAccion) validarViaje(v *Validacion, accion Accion) {
	km := func(campo string, p *int) {
		if p != nil && (*p < 0 || *p > KmMaximo) {
			v.Agregar(campo, fmt.Sprintf("debe ser un número entero entre 0 y %d", KmMaximo))
		}
	}
	switch accion {
	case AccionIniciar:
		km("kmInicial", d.KmInicial)
	case AccionFinalizar:
		km("kmFinal", d.KmFinal)
		if l := d.CombustibleLitros; l != nil {
			switch {
			case *l < 0 || *l > LitrosMaximo:
				v.Agregar("combustibleLitros", fmt.Sprintf("debe ser un número entre 0 y %d", LitrosMaximo))
			case decimales(*l) > decimalesLitros:
				v.Agregar("combustibleLitros", "admite como mucho dos decimales")
			}
		}
		if d.Observaciones != nil {
			validarTexto(v, "observaciones", strings.TrimSpace(*d.Observaciones), false)
		}
	}
}

// decimales cuenta las cifras decimales de la representación más corta de
// x (12.35 tiene dos, aunque en binario no sea exacto).
func decimales(x float64) int {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

// RegistrarViaje devuelve la bitácora de sol después de accion (iniciar o
// finalizar; para otra acción, nil): iniciar anota la hora real y kmInicial,
// finalizar la hora real, kmFinal, combustible y observaciones. kilometraje
// es el registrado del vehículo al iniciar. Error: VALIDACION si kmInicial
// es menor que kilometraje o kmFinal menor que el kmInicial anotado (sin
// kmInicial, kmFinal no se compara con nada: otro viaje pudo subir el
// kilometraje del vehículo mientras tanto).
func (d DatosAccion) RegistrarViaje(sol *Solicitud, accion Accion, kilometraje int, ahora time.Time) (*Viaje, error) {
	switch accion {
	case AccionIniciar:
		if d.KmInicial != nil && *d.KmInicial < kilometraje {
			return nil, ErrCampo("kmInicial", fmt.Sprintf("no puede ser menor que el kilometraje registrado del vehículo (%d)", kilometraje))
		}
		return &Viaje{InicioReal: &ahora, KmInicial: d.KmInicial}, nil
	case AccionFinalizar:
		v := sol.Viaje
		if d.KmFinal != nil && v.KmInicial != nil && *d.KmFinal < *v.KmInicial {
			return nil, ErrCampo("kmFinal", fmt.Sprintf("no puede ser menor que kmInicial (%d)", *v.KmInicial))
		}
		v.FinReal, v.KmFinal, v.CombustibleLitros = &ahora, d.KmFinal, d.CombustibleLitros
		v.Observaciones = nil
		if d.Observaciones != nil {
			if o := strings.TrimSpace(*d.Observaciones); o != "" {
				v.Observaciones = &o
			}
		}
		return &v, nil
	}
	return nil, nil
}
