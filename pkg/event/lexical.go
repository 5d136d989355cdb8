package event

// Hand-written matchers for the lexical rules every message is checked
// against. They accept exactly what the JSON Schemas' patterns accept
// (TestLexicalMatchesPatterns compares them with the regular expressions)
// at a fraction of a regexp's cost, which matters on the sink's per-message
// path.

// isTimestamp matches $defs/timestamp: YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm)
// with hours below 24 and minutes and seconds below 60.
func isTimestamp[T ~string | ~[]byte](s T) bool {
	if len(s) < 20 || !digits(s[0:4]) || s[4] != '-' || !digits(s[5:7]) || s[7] != '-' || !digits(s[8:10]) ||
		s[10] != 'T' || !hour(s[11:13]) || s[13] != ':' || !sixty(s[14:16]) || s[16] != ':' || !sixty(s[17:19]) {
		return false
	}
	rest := s[19:]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case len(rest) == 1:
		return rest[0] == 'Z'
	case len(rest) == 6:
		return (rest[0] == '+' || rest[0] == '-') && hour(rest[1:3]) && rest[3] == ':' && sixty(rest[4:6])
	}
	return false
}

// isSource matches ^[a-z0-9][a-z0-9_.-]{0,63}$.
func isSource(s string) bool {
	if len(s) == 0 || len(s) > 64 || !lowerAlnum(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !lowerAlnum(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

// isHexID matches ^[0-9a-f]{32}$.
func isHexID(s string) bool { return len(s) == 32 && isLowerHex(s) }

// isSHA256Hex matches ^[0-9a-f]{64}$.
func isSHA256Hex(s string) bool { return len(s) == 64 && isLowerHex(s) }

// isLowerHex matches ^[0-9a-f]*$.
func isLowerHex(s string) bool {
	for i := range len(s) {
		if c := s[i]; !isDigit(c) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isToken matches ^[A-Za-z0-9_-]{1,64}$.
func isToken(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !lowerAlnum(c) && !isUpper(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isDate matches ^\d{4}-\d{2}-\d{2}$.
func isDate(s string) bool {
	return len(s) == 10 && digits(s[0:4]) && s[4] == '-' && digits(s[5:7]) && s[7] == '-' && digits(s[8:10])
}

func lowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func digits[T ~string | ~[]byte](s T) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hour matches [01][0-9]|2[0-3]; sixty matches [0-5][0-9].
func hour[T ~string | ~[]byte](s T) bool {
	return digits(s) && (s[0] < '2' || s[0] == '2' && s[1] <= '3')
}

func sixty[T ~string | ~[]byte](s T) bool { return digits(s) && s[0] <= '5' }

// isTicker matches ^[A-Z0-9]{1,12}$.
func isTicker(s string) bool {
	if len(s) == 0 || len(s) > 12 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isUpper(c) && !isDigit(c) {
			return false
		}
	}
	return true
}

// isTenor matches ^[1-9][0-9]?[MY]$.
func isTenor(s string) bool {
	n := len(s)
	if n < 2 || n > 3 || s[0] < '1' || s[0] > '9' || s[n-1] != 'M' && s[n-1] != 'Y' {
		return false
	}
	return n == 2 || digits(s[1:2])
}

// isVenue matches ^[a-z0-9_-]{1,64}$.
func isVenue(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !lowerAlnum(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// ValidSource reports whether s is a source name Meta's validation
// accepts (^[a-z0-9][a-z0-9_.-]{0,63}$), for checking a configured name
// before any event carries it.
func ValidSource(s string) bool { return isSource(s) }

// ValidInstrument reports whether s is an instrument MarketQuote's
// validation accepts (^[A-Z0-9][A-Z0-9-]{0,31}$).
func ValidInstrument(s string) bool { return isInstrument(s) }

// ValidVenue reports whether s is a venue VenueStatus's validation
// accepts (^[a-z0-9_-]{1,64}$).
func ValidVenue(s string) bool { return isVenue(s) }

// ValidTicker reports whether s is an asset or ticker ETFFlow's validation
// accepts (^[A-Z0-9]{1,12}$).
func ValidTicker(s string) bool { return isTicker(s) }
