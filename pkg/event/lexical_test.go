package event

import (
	"regexp"
	"testing"
)

// The patterns of the JSON Schemas (schemas/events/*/v1) that the
// hand-written matchers in lexical.go implement.
var patterns = []struct {
	name  string
	re    *regexp.Regexp
	match func(string) bool
}{
	{"timestamp", regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`), isTimestamp[string]},
	{"source", regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`), isSource},
	{"id", regexp.MustCompile(`^[0-9a-f]{32}$`), isHexID},
	{"token", regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`), isToken},
	{"date", regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`), isDate},
	{"ticker", regexp.MustCompile(`^[A-Z0-9]{1,12}$`), isTicker},
	{"tenor", regexp.MustCompile(`^[1-9][0-9]?[MY]$`), isTenor},
	{"venue", regexp.MustCompile(`^[a-z0-9_-]{1,64}$`), isVenue},
	{"instrument", regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,31}$`), isInstrument},
}

var lexicalSeeds = []string{
	"", "a", "Z", "2025-12-01T06:00:00Z", "2025-12-01T06:00:00.123456789+09:00", "2025-12-01T06:00:00.1234567890Z",
	"2025-12-01T24:00:00Z", "2025-12-01T23:59:59-23:59", "2025-12-01T06:00:00+24:00", "2025-12-01T06:00:60Z",
	"2025-12-01T06:00:00.Z", "2025-12-01t06:00:00z", "2025-12-01", "2025-1-01", "mof", "m.o-f_1", "-mof",
	"bc917da5d1921269b58452e0098df7ea", "BC917DA5D1921269B58452E0098DF7EA", "10Y", "6M", "40Y", "0Y", "100Y", "1y",
	"IBIT", "ibit", "TOTAL", "BTC-USD", "-BTC", "UST10Y", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "ABCDEFGHIJKLM", "binance", "cme_globex", "CME", "a.b", "a b", "é",
}

func TestLexicalMatchesPatterns(t *testing.T) {
	for _, p := range patterns {
		for _, s := range lexicalSeeds {
			if got, want := p.match(s), p.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the pattern says %v", p.name, s, got, want)
			}
		}
	}
}

func FuzzLexicalMatchesPatterns(f *testing.F) {
	for _, s := range lexicalSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range patterns {
			if got, want := p.match(s), p.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the pattern says %v", p.name, s, got, want)
			}
		}
	})
}
