package feed

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return v
}

func mustMarket(t testing.TB, c Config, name string) MarketConfig {
	t.Helper()
	m, ok := c.Market(name)
	require.True(t, ok, name)
	return m
}

func TestMarketDefaults(t *testing.T) {
	c, err := ParseConfig([]byte("sources: []\n"))
	require.NoError(t, err)
	assert.Equal(t, DefaultMarkets(), c.Markets)
	assert.Equal(t, MarketConfig{Name: "USDJPY", Unit: "JPY per USD", Cadence: CadenceDaily, Calendar: CalendarUSFederal, MaxAge: 48 * time.Hour},
		mustMarket(t, c, "USDJPY"))
	assert.Equal(t, MarketConfig{Name: "BTC-USD", Unit: "USD", Cadence: CadenceMinute, Calendar: CalendarNone, MaxAge: 15 * time.Minute},
		mustMarket(t, c, "BTC-USD"))
	for _, name := range []string{"UST2Y", "UST10Y", "VIX"} {
		assert.Equal(t, CalendarUSFederal, mustMarket(t, c, name).Calendar, name)
	}
}

func TestMarketConfigOverrides(t *testing.T) {
	c, err := ParseConfig([]byte(`
sources: []
markets:
  - {name: USDJPY, calendar: target, max_age: 36h}
  - {name: JGB2Y, unit: percent, cadence: daily, calendar: tokyo, max_age: 72h}
  - {name: ETH-USD, unit: USD, cadence: minute, max_age: 5m}
`))
	require.NoError(t, err)
	assert.Equal(t, MarketConfig{Name: "USDJPY", Unit: "JPY per USD", Cadence: CadenceDaily, Calendar: CalendarTARGET, MaxAge: 36 * time.Hour},
		mustMarket(t, c, "USDJPY"), "set fields override, the others keep the default")
	assert.Equal(t, CalendarTokyo, mustMarket(t, c, "JGB2Y").Calendar)
	assert.Equal(t, CalendarNone, mustMarket(t, c, "ETH-USD").Calendar, "a new instrument without calendar trades every day")
	assert.Len(t, c.Markets, 7)
	_, ok := c.Market("EURUSD")
	assert.False(t, ok)
}

func TestMarketConfigRejects(t *testing.T) {
	_, err := ParseConfig([]byte(`
markets:
  - {name: usdjpy, unit: yen, cadence: hourly, calendar: nyse, max_age: -1h}
  - {name: BTC-USD, max_age: 30s}
  - {name: X1, unit: USD, cadence: daily, calendar: none, max_age: 1h}
  - {name: X1, unit: USD, cadence: daily, calendar: none, max_age: 1h}
`))
	require.Error(t, err)
	for _, want := range []string{
		`market "usdjpy": name must be 1-32 of [A-Z0-9-]`,
		`market "usdjpy": unit "yen" is not one of`,
		`market "usdjpy": cadence "hourly" is not daily or minute`,
		`market "usdjpy": calendar "nyse" is not one of [us-federal tokyo target weekdays none]`,
		`market "usdjpy": max_age must be positive`,
		`market "BTC-USD": max_age 30s is under the minute cadence`,
		`market "X1" appears twice`,
	} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestExpectedAfterAndStale(t *testing.T) {
	c, err := ParseConfig([]byte(`
sources: []
markets:
  - {name: JGB2Y, unit: percent, cadence: daily, calendar: tokyo, max_age: 48h}
  - {name: EURFIX, unit: USD, cadence: daily, calendar: target, max_age: 48h}
`))
	require.NoError(t, err)
	tests := []struct {
		name       string
		market     string
		last, want string
	}{
		{"after Friday 21 Nov 2025, Monday", "USDJPY", "2025-11-21T13:15:00Z", "2025-11-24T00:00:00Z"},
		{"after 26 Nov 2025, Friday: Thanksgiving", "USDJPY", "2025-11-26T13:15:00Z", "2025-11-28T00:00:00Z"},
		{"after 10 Nov 2025, 12 Nov: Veterans Day", "UST2Y", "2025-11-10T21:00:00Z", "2025-11-12T00:00:00Z"},
		{"Tokyo after Friday 21 Nov 2025, Tuesday: Monday is a substitute holiday", "JGB2Y", "2025-11-21T06:00:00Z", "2025-11-25T00:00:00Z"},
		{"TARGET after Thursday 17 Apr 2025, Tuesday after Easter", "EURFIX", "2025-04-17T12:15:00Z", "2025-04-22T00:00:00Z"},
		{"TARGET after 24 Dec 2025, 29 Dec", "EURFIX", "2025-12-24T13:15:00Z", "2025-12-29T00:00:00Z"},
		{"a minute input: the next minute", "BTC-USD", "2025-11-21T12:00:30Z", "2025-11-21T12:01:00Z"},
		{"a minute input over a weekend (calendar none)", "BTC-USD", "2025-11-22T23:59:10Z", "2025-11-23T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, at(t, tt.want), mustMarket(t, c, tt.market).ExpectedAfter(at(t, tt.last)))
		})
	}

	usdjpy := mustMarket(t, c, "USDJPY")
	friday := at(t, "2025-11-21T13:15:00Z")
	assert.False(t, usdjpy.Stale(at(t, "2025-11-24T23:00:00Z"), friday), "Monday's fixing not yet late")
	assert.False(t, usdjpy.Stale(at(t, "2025-11-26T00:00:00Z"), friday), "48 h after Monday 00:00: the edge")
	assert.True(t, usdjpy.Stale(at(t, "2025-11-26T00:00:01Z"), friday))
	wednesday := at(t, "2025-11-26T13:15:00Z")
	assert.False(t, usdjpy.Stale(at(t, "2025-11-29T23:00:00Z"), wednesday), "Thanksgiving is not a missed day")
	assert.True(t, usdjpy.Stale(at(t, "2025-11-30T00:00:01Z"), wednesday))
	assert.True(t, usdjpy.Stale(friday, time.Time{}), "never observed")

	btc := mustMarket(t, c, "BTC-USD")
	assert.False(t, btc.Stale(at(t, "2025-11-21T12:16:00Z"), at(t, "2025-11-21T12:00:30Z")))
	assert.True(t, btc.Stale(at(t, "2025-11-21T12:16:01Z"), at(t, "2025-11-21T12:00:30Z")))
}
