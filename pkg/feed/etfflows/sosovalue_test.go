package etfflows

import (
	"testing"
	"time"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
)

// sosoWant is one expected TOTAL event.
type sosoWant struct {
	flow float64
	aum  *float64
}

func TestSoSoValueShapes(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		body   string
		params map[string]string
		want   map[string]sosoWant
	}{
		{
			// Numbers as JSON numbers (with .00, with an exponent) and as
			// strings; a null totalNetInflow gives no event; "" is no AUM.
			name: "data array",
			file: "sosovalue_data.json",
			want: map[string]sosoWant{
				"BTC/TOTAL/2025-11-14": {flow: -869860000},
				"BTC/TOTAL/2025-11-13": {flow: -866700000, aum: ptr(120000000000.25)},
				"BTC/TOTAL/2025-11-11": {flow: 524000000, aum: ptr(121000000000)},
				"BTC/TOTAL/2025-11-10": {flow: 1200000},
			},
		},
		{
			name: "data.list",
			file: "sosovalue_list.json",
			want: map[string]sosoWant{
				"BTC/TOTAL/2025-12-17": {flow: 457000000},
				"BTC/TOTAL/2025-12-15": {flow: -357600000},
			},
		},
		{
			name:   "ETH by type",
			body:   `{"code":0,"msg":"success","data":[{"date":"2025-11-13","totalNetInflow":"-1.5e6"}]}`,
			params: map[string]string{"type": "us-eth-spot"},
			want:   map[string]sosoWant{"ETH/TOTAL/2025-11-13": {flow: -1500000}},
		},
		{
			name: "code as a string, no msg",
			body: `{"code":"0","data":{"list":[{"date":"2025-11-13","totalNetInflow":0}]}}`,
			want: map[string]sosoWant{"BTC/TOTAL/2025-11-13": {flow: 0}},
		},
		{
			name: "no code at all",
			body: `{"data":{"list":[{"date":"2025-11-13","totalNetInflow":"-","totalNetAssets":1}]}}`,
			want: map[string]sosoWant{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			if tt.file != "" {
				body = feedtest.Testdata(t, tt.file)
			}
			p := feedtest.NewParser(t, NewSoSoValue, tt.params)
			obs, err := p(body, testNow)
			require.NoError(t, err)
			assert.Empty(t, obs.Warnings)
			got := map[string]sosoWant{}
			for k, f := range flows(t, obs) {
				got[k] = sosoWant{flow: f.FlowUSD, aum: f.AUMUSD}
				assert.Equal(t, "sosovalue", f.Source)
				assert.Equal(t, event.TickerTotal, f.Ticker)
				assert.Equal(t, 21, f.ObservedAt.Hour())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSoSoValueSorted(t *testing.T) {
	p := feedtest.NewParser(t, NewSoSoValue, nil)
	obs, err := p(feedtest.Testdata(t, "sosovalue_data.json"), testNow)
	require.NoError(t, err)
	var dates []string
	for _, e := range obs.Events {
		dates = append(dates, e.(*event.ETFFlow).TradeDate)
	}
	assert.Equal(t, []string{"2025-11-10", "2025-11-11", "2025-11-13", "2025-11-14"}, dates)
}

func TestSoSoValueFutureDay(t *testing.T) {
	p := feedtest.NewParser(t, NewSoSoValue, nil)
	now := time.Date(2025, time.November, 13, 20, 0, 0, 0, time.UTC) // before 21:00 UTC
	obs, err := p(feedtest.Testdata(t, "sosovalue_data.json"), now)
	require.NoError(t, err)
	assert.Len(t, obs.Events, 2) // 10 and 11 Nov
	require.Len(t, obs.Warnings, 2)
	assert.Contains(t, obs.Warnings[0], "data row 1 (2025-11-14): trade date 2025-11-14 has not closed")
	assert.Contains(t, obs.Warnings[1], "data row 2 (2025-11-13): trade date 2025-11-13 has not closed")
}

func TestSoSoValueBadBodies(t *testing.T) {
	tests := []struct {
		name    string
		body    []byte
		wantErr string
	}{
		{name: "error code", body: feedtest.Testdata(t, "sosovalue_error.json"), wantErr: `parse sosovalue: bad body: SoSoValue answered code 40001, msg "invalid api key"`},
		{name: "error code as string", body: []byte(`{"code":"500","msg":"system busy"}`), wantErr: `code "500", msg "system busy"`},
		{name: "empty", body: nil, wantErr: "empty body"},
		{name: "Cloudflare page", body: feedtest.Testdata(t, "cloudflare_403.html"), wantErr: `not a JSON object (body starts "<!DOCTYPE html>`},
		{name: "binary noise", body: feedtest.Testdata(t, "noise.bin"), wantErr: "not a JSON object"},
		{name: "truncated", body: []byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetIn`), wantErr: "not a JSON object"},
		{name: "top-level array", body: []byte(`[{"date":"2025-11-13","totalNetInflow":1}]`), wantErr: "not a JSON object"},
		{name: "trailing garbage", body: []byte(`{"code":0,"data":[]} x`), wantErr: "not a JSON object"},
		{name: "no data", body: []byte(`{"code":0,"msg":"success"}`), wantErr: "no data"},
		{name: "null data", body: []byte(`{"code":0,"data":null}`), wantErr: "no data"},
		{name: "no rows", body: []byte(`{"code":0,"data":[]}`), wantErr: "no rows in data"},
		{name: "object without list", body: []byte(`{"code":0,"data":{"rows":[]}}`), wantErr: "data is an object without a list array"},
		{name: "data a string", body: []byte(`{"code":0,"data":"none"}`), wantErr: `data is "none", not an array`},
		{name: "row not an object", body: []byte(`{"code":0,"data":[7]}`), wantErr: "data row 1: not an object"},
		{name: "date missing", body: []byte(`{"code":0,"data":[{"totalNetInflow":1}]}`), wantErr: "data row 1: no date"},
		{name: "date as a number", body: []byte(`{"code":0,"data":[{"date":1763000000000,"totalNetInflow":1}]}`), wantErr: "data row 1: date 1763000000000 is not a string"},
		{name: "date not ISO", body: []byte(`{"code":0,"data":[{"date":"13 Nov 2025","totalNetInflow":1}]}`), wantErr: `data row 1: date "13 Nov 2025" is not YYYY-MM-DD`},
		{name: "flow not a number", body: []byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":"12abc"}]}`), wantErr: `data row 1 (2025-11-13): totalNetInflow: "12abc" is not a number`},
		{name: "flow a boolean", body: []byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":true}]}`), wantErr: "totalNetInflow: true is not a number"},
		{name: "flow beyond float64", body: []byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":1e999}]}`), wantErr: "totalNetInflow: 1e999 is out of range"},
		{name: "flow beyond 100 bn", body: []byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":2e11}]}`), wantErr: "flow_usd: value out of range"},
		{name: "negative AUM", body: []byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":1,"totalNetAssets":-5}]}`), wantErr: "aum_usd: value out of range"},
		{name: "day twice", body: []byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":1},{"date":"2025-11-13","totalNetInflow":2}]}`), wantErr: "data row 2 (2025-11-13): second value for BTC TOTAL on 2025-11-13 (first at data row 1 (2025-11-13))"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := feedtest.NewParser(t, NewSoSoValue, nil)(tt.body, testNow)
			feedtest.CheckBadBody(t, obs, err, tt.wantErr)
		})
	}
}

func TestSoSoValueParams(t *testing.T) {
	tests := []struct {
		name      string
		params    map[string]string
		wantAsset string
		wantErr   string
	}{
		{name: "default", wantAsset: "BTC"},
		{name: "type BTC", params: map[string]string{"type": "us-btc-spot"}, wantAsset: "BTC"},
		{name: "type SOL", params: map[string]string{"type": "us-sol-spot"}, wantAsset: "SOL"},
		{name: "asset and type agree", params: map[string]string{"type": "us-eth-spot", "asset": "eth"}, wantAsset: "ETH"},
		{name: "asset and type disagree", params: map[string]string{"type": "us-eth-spot", "asset": "BTC"}, wantErr: `type "us-eth-spot" is asset ETH but asset is BTC`},
		{name: "unknown type", params: map[string]string{"type": "hk-btc"}, wantErr: `type "hk-btc" is not like us-btc-spot`},
		{name: "unknown param", params: map[string]string{"apikey": "x"}, wantErr: `unknown parameter "apikey" (known: asset, source, type)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewSoSoValue(tt.params)
			if tt.wantErr != "" {
				require.ErrorIs(t, err, feed.ErrBadParam)
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			obs, err := p([]byte(`{"code":0,"data":[{"date":"2025-11-13","totalNetInflow":1}]}`), testNow)
			require.NoError(t, err)
			require.Len(t, obs.Events, 1)
			assert.Equal(t, tt.wantAsset, obs.Events[0].(*event.ETFFlow).Asset)
		})
	}
}
