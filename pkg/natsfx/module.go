// Package natsfx owns a service's NATS connection: configuration from CW_*
// variables, connection options (auth, TLS, reconnect forever with
// backoff), an optional embedded nats-server with JetStream, and the
// CW_EVENTS, CW_SCORES and CW_DLQ streams. [Module] wires a [Bus] into fx;
// everything also works without fx.
package natsfx

import (
	"context"

	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/opsfx"
)

// Module provides a *Bus built from the Config and zerolog.Logger in the
// graph (supply the Config with fx.Supply; logfx provides the logger) and
// starts and stops it with the application. Start failing aborts fx start.
// With an *opsfx.Server in the graph, the connection is a readiness check.
//
// The Bus is also provided as each of the interfaces as points to, the
// narrow interfaces the service's components declare, as fx.As takes
// them:
//
//	natsfx.Module(new(sink.Bus), new(scorer.Bus))
//
// Each must be an interface *Bus implements, else the application fails
// to build, naming it.
func Module(as ...any) fx.Option {
	return fx.Module("natsfx",
		opsfx.ProvideAs(New, as...),
		fx.Invoke(register),
	)
}

type registerParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Bus       *Bus
	Ops       *opsfx.Server `optional:"true"`
}

// register ties the Bus to the fx lifecycle and to readiness.
func register(p registerParams) {
	p.Lifecycle.Append(fx.StartStopHook(p.Bus.Start, p.Bus.Stop))
	if p.Ops != nil {
		p.Ops.AddCheck("nats", func(context.Context) error { return p.Bus.Ready() })
	}
}
