package outages_test

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/feedtest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/outages"
)

func lookup(t testing.TB, name string) feed.Format {
	t.Helper()
	f, err := feed.Lookup(outages.Formats(), name)
	require.NoError(t, err)
	return f
}

func TestFormats(t *testing.T) {
	feedtest.CheckFormats(t, outages.Formats(), "binance-status", "kraken-status", "statuspage-incidents", "statuspage-summary")
}

func TestFormatParams(t *testing.T) {
	feedtest.CheckParams(t, outages.Formats(), []feedtest.ParamCase{
		{Format: "statuspage-incidents", Params: map[string]string{"venue": "coinbase"}},
		{Format: "statuspage-summary", Params: map[string]string{"venue": "coinbase", "source": "statuspage.coinbase"}},
		{Format: "statuspage-incidents", Params: nil, WantErr: "statuspage-incidents: bad format parameter: parameter venue is required"},
		{Format: "statuspage-summary", Params: map[string]string{"venue": ""}, WantErr: `statuspage-summary: bad format parameter: venue "" must be 1-64 of lowercase [a-z0-9_-]`},
		{Format: "statuspage-summary", Params: map[string]string{"venue": "Coinbase"}, WantErr: `venue "Coinbase" must be`},
		{Format: "statuspage-incidents", Params: map[string]string{"venue": "coinbase", "url": "x"}, WantErr: `statuspage-incidents: bad format parameter: unknown parameter "url" (known: venue, source)`},
		{Format: "statuspage-incidents", Params: map[string]string{"venue": "coinbase", "source": "-x"}, WantErr: `source "-x" must be`},
		{Format: "kraken-status", Params: nil},
		{Format: "kraken-status", Params: map[string]string{"venue": "kraken_futures", "source": "kraken"}},
		{Format: "kraken-status", Params: map[string]string{"venue": "kraken futures"}, WantErr: `kraken-status: bad format parameter: venue "kraken futures" must be`},
		{Format: "binance-status", Params: map[string]string{}},
		{Format: "binance-status", Params: map[string]string{"weight": "0.2"}, WantErr: `binance-status: bad format parameter: unknown parameter "weight"`},
		{Format: "binance-status", Params: map[string]string{"source": ""}, WantErr: `source "" must be`},
	})
}

// TestStateParsersAreIndependent checks that each New owns its own Tracker.
func TestStateParsersAreIndependent(t *testing.T) {
	f := lookup(t, outages.FormatBinanceStatus)
	a, err := f.New(nil)
	require.NoError(t, err)
	b, err := f.New(nil)
	require.NoError(t, err)
	maint := feedtest.Testdata(t, "binance/maintenance.json")
	obs, err := a(maint, now)
	require.NoError(t, err)
	assert.Len(t, obs.Events, 1)
	obs, err = b(maint, now)
	require.NoError(t, err)
	assert.Len(t, obs.Events, 1, "b has not seen a's poll")
	obs, err = a(maint, now)
	require.NoError(t, err)
	assert.Empty(t, obs.Events)
}

func TestBadBodies(t *testing.T) {
	params := map[string]string{"venue": "v"}
	type tc struct {
		name string
		body []byte
		want string
	}
	garbage := func(t *testing.T, noObject, statusJSON string) []tc {
		return []tc{
			{"HTML error page", feedtest.Testdata(t, "garbage/html_error.html"), `bad body: looks like HTML or XML, not JSON: "<html>\n<head><title>502 Bad Gateway`},
			{"empty", feedtest.Testdata(t, "garbage/empty.txt"), "bad body: empty body"},
			{"whitespace", []byte(" \n\t"), "bad body: empty body"},
			{"{}", feedtest.Testdata(t, "garbage/empty_object.json"), noObject},
			{"status.json", feedtest.Testdata(t, "garbage/status_json.json"), statusJSON},
			{"truncated JSON", feedtest.Testdata(t, "garbage/truncated.json"), "bad body: truncated JSON: the body ends inside a value after 700 bytes"},
			{"binary noise", feedtest.Testdata(t, "garbage/noise.bin"), `bad body: binary data, not JSON: "\x16\x05`},
			{"JSON array", []byte(`[{"incidents":[]}]`), `bad body: not a JSON object: "[{\"incidents\":[]}]"`},
			{"JSON null", []byte(`null`), `bad body: not a JSON object: "null"`},
			{"trailing garbage", []byte(`{"incidents":[]} x`), `bad body: trailing data after the JSON object at byte 16: " x"`},
			{"two objects", []byte(`{"status":0}{"status":1}`), "bad body: trailing data after the JSON object at byte 12"},
		}
	}
	statuspage := func(t *testing.T) []tc {
		return append(garbage(t, "bad body: no incidents array", "bad body: no incidents array"),
			tc{"incidents null", []byte(`{"incidents":null}`), "bad body: no incidents array"},
			tc{"incidents not an array", []byte(`{"incidents":"none"}`), "bad body: field incidents is a JSON string, want array"},
			tc{"a time of the wrong type", []byte(`{"incidents":[{"id":"a","created_at":1550685619}]}`), "bad body: field incidents.created_at is a JSON number, want string"},
			tc{"every incident unreadable", []byte(`{"incidents":[{"id":"a"},{"name":"b"}]}`),
				`bad body: no incident could be read; incident 0 ("a") skipped: no incident_updates and no created_at`},
		)
	}
	tests := []struct {
		format string
		cases  func(t *testing.T) []tc
	}{
		{"statuspage-incidents", statuspage},
		{"statuspage-summary", statuspage},
		{"kraken-status", func(t *testing.T) []tc {
			return append(garbage(t, "bad body: no result object", "bad body: no result object"),
				tc{"API error", feedtest.Testdata(t, "kraken/error_unavailable.json"), `kraken status: bad body: API error: "EService:Unavailable"`},
				tc{"unknown status", feedtest.Testdata(t, "kraken/unknown_status.json"), `bad body: unknown result.status "limit_only" (known: online, maintenance, cancel_only, post_only)`},
				tc{"empty status", []byte(`{"error":[],"result":{}}`), `bad body: unknown result.status ""`},
				tc{"bad timestamp", []byte(`{"error":[],"result":{"status":"online","timestamp":"yesterday"}}`), `bad body: result.timestamp "yesterday" is not an RFC 3339 time`},
				tc{"future timestamp", []byte(`{"error":[],"result":{"status":"maintenance","timestamp":"2026-01-01T01:00:00Z"}}`), `status tracker: bad body: v state "maintenance" at 2026-01-01T01:00:00Z is not between 1970 and now`},
			)
		}},
		{"binance-status", func(t *testing.T) []tc {
			return append(garbage(t, "bad body: no status field", "bad body: field status is a JSON object, want integer"),
				tc{"API error", feedtest.Testdata(t, "binance/error_rate_limit.json"), `binance status: bad body: API error -1003: "Too much request weight used`},
				tc{"unknown status", feedtest.Testdata(t, "binance/unknown_status.json"), "bad body: unknown status 2 (known: 0 normal, 1 system_maintenance)"},
				tc{"string status", []byte(`{"status":"0","msg":"normal"}`), "bad body: field status is a JSON string, want integer"},
				tc{"fractional status", []byte(`{"status":0.5}`), "bad body: field status is a JSON number 0.5, want integer"},
			)
		}},
	}
	for _, tt := range tests {
		for _, c := range tt.cases(t) {
			t.Run(tt.format+"/"+c.name, func(t *testing.T) {
				parse, err := lookup(t, tt.format).New(params)
				require.NoError(t, err)
				obs, err := parse(c.body, now)
				feedtest.CheckBadBody(t, obs, err, c.want)
			})
		}
	}
}
