package chfx

import "go.uber.org/fx"

// Module provides a *Client built from the Config the service supplies
// (fx.Supply(chfx.Config{…})) and starts and stops it with the application:
// OnStart connects and migrates, OnStop closes.
var Module = fx.Module("chfx",
	fx.Provide(NewClient),
	fx.Invoke(register),
)

func register(lc fx.Lifecycle, c *Client) {
	lc.Append(fx.Hook{OnStart: c.Start, OnStop: c.Stop})
}
