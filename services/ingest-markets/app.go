package main

import (
	"go.uber.org/fx"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
)

func appOptions() fx.Option {
	return feed.Service("ingest-markets", formats.Markets())
}
