// Package formats lists every parser carrywatch ships, by feed family, for
// the services and the command line.
package formats

import (
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/etfflows"
	"github.com/carrywatch/carrywatch/pkg/feed/fedodds"
	"github.com/carrywatch/carrywatch/pkg/feed/jgb"
	"github.com/carrywatch/carrywatch/pkg/feed/markets"
	"github.com/carrywatch/carrywatch/pkg/feed/outages"
)

// JGB returns the JGB yield formats (ingest-jgb).
func JGB() []feed.Format { return jgb.Formats() }

// FedOdds returns the Fed rate-odds formats (ingest-fedodds).
func FedOdds() []feed.Format { return fedodds.Formats() }

// ETFFlows returns the ETF flow formats (ingest-etfflows).
func ETFFlows() []feed.Format { return etfflows.Formats() }

// Outages returns the venue status formats (ingest-outages).
func Outages() []feed.Format { return outages.Formats() }

// Markets returns the market quote formats (FRED, Treasury, CBOE, history
// files, ECB, Coinbase, Kraken), read by ingest-markets, the all-in-one
// binary's feeds file and backfill.
func Markets() []feed.Format { return markets.Formats() }

// All returns every format.
func All() []feed.Format {
	var all []feed.Format
	for _, f := range [][]feed.Format{JGB(), FedOdds(), ETFFlows(), Outages(), Markets()} {
		all = append(all, f...)
	}
	return all
}
