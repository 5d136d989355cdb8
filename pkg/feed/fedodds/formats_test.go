package fedodds

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"
)

func TestFormats(t *testing.T) {
	feedtest.CheckFormats(t, Formats(), "fedodds-csv", "kalshi", "polymarket", "zq-futures")
}

func TestFormatParams(t *testing.T) {
	feedtest.CheckParams(t, Formats(), []feedtest.ParamCase{
		{Name: "csv defaults", Format: "fedodds-csv"},
		{Name: "kalshi defaults", Format: "kalshi"},
		{Name: "polymarket defaults", Format: "polymarket"},
		{Name: "zq defaults", Format: "zq-futures"},
		{Name: "zq source and effr", Format: "zq-futures", Params: map[string]string{"source": "cme.zq-eod", "effr": "3.88"}},
		{Name: "zq effr with percent sign", Format: "zq-futures", Params: map[string]string{"effr": "3.88%"}},
		{Name: "zq unknown param", Format: "zq-futures", Params: map[string]string{"target_upper": "4"}, WantErr: `zq-futures: unknown parameter "target_upper" (known: source, effr)`},
		{Name: "zq effr not a number", Format: "zq-futures", Params: map[string]string{"effr": "high"}, WantErr: `zq-futures: effr "high" is not a percent in [-1, 25]`},
		{Name: "zq effr in bp", Format: "zq-futures", Params: map[string]string{"effr": "388"}, WantErr: `effr "388" is not a percent`},
		{Name: "bad source", Format: "kalshi", Params: map[string]string{"source": "Kalshi API"}, WantErr: `kalshi: source "Kalshi API" must be 1-64 of lowercase`},
		{Name: "kalshi target_upper", Format: "kalshi", Params: map[string]string{"target_upper": "3.75"}},
		{Name: "kalshi target_upper off grid", Format: "kalshi", Params: map[string]string{"target_upper": "3.8"}, WantErr: "kalshi: target_upper 3.8 is not a multiple of 0.25"},
		{Name: "kalshi effr unknown", Format: "kalshi", Params: map[string]string{"effr": "3.88"}, WantErr: `kalshi: unknown parameter "effr"`},
		{Name: "polymarket unknown", Format: "polymarket", Params: map[string]string{"slug": "x"}, WantErr: `polymarket: unknown parameter "slug" (known: source)`},
		{Name: "csv source", Format: "fedodds-csv", Params: map[string]string{"source": "news"}},
		{Name: "csv unknown", Format: "fedodds-csv", Params: map[string]string{"pct": "true"}, WantErr: `fedodds-csv: unknown parameter "pct"`},
	})
}
