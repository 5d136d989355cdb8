package chfx

import (
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/opsfx"
)

// Module provides a *Client built from the Config the service supplies
// (fx.Supply(chfx.Config{…})) and starts and stops it with the application:
// OnStart connects and migrates, OnStop closes.
//
// The Client is also provided as each of the interfaces as points to, the
// narrow interfaces the service's components declare, as fx.As takes
// them: chfx.Module(new(sink.Store)). Each must be an interface *Client
// implements, else the application fails to build, naming it.
func Module(as ...any) fx.Option {
	return fx.Module("chfx",
		opsfx.ProvideAs(NewClient, as...),
		fx.Invoke(register),
	)
}

func register(lc fx.Lifecycle, c *Client) {
	lc.Append(fx.Hook{OnStart: c.Start, OnStop: c.Stop})
}
