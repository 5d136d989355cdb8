// Package natsfx owns a service's NATS connection: configuration from CW_*
// variables, connection options (auth, TLS, reconnect forever with
// backoff), an optional embedded nats-server with JetStream, and the
// CW_EVENTS, CW_SCORES and CW_DLQ streams. [Module] wires a [Bus] into fx;
// everything also works without fx.
package natsfx

import "go.uber.org/fx"

// Module provides a *Bus built from the Config and zerolog.Logger in the
// graph (supply the Config with fx.Supply; logfx provides the logger) and
// starts and stops it with the application. Start failing aborts fx start.
var Module = fx.Module("natsfx",
	fx.Provide(New),
	fx.Invoke(register),
)

// register ties the Bus to the fx lifecycle.
func register(lc fx.Lifecycle, b *Bus) {
	lc.Append(fx.StartStopHook(b.Start, b.Stop))
}
