package etfflows

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxDigits is the most significant digits an amount may have: 18 always
// fit an int64.
const maxDigits = 18

// amount is a decimal number read exactly from its text: coef × 10^exp.
// Trailing zeros are folded into exp, so coef is a multiple of 10 only when
// it is zero.
type amount struct {
	coef int64
	exp  int
}

// parseAmount reads a decimal as the sources write it: an optional sign,
// digits with optional thousands separators ("1,045.0": groups of three
// after the first), an optional fraction, an optional exponent ("1.2e8", as
// JSON may write it), or a negative in parentheses ("(237.4)"). Surrounding
// space is ignored. It never rounds: more than 18 significant digits is an
// error, as is anything else that is not such a number.
func parseAmount(s string) (amount, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return amount{}, errors.New("empty number")
	}
	neg := false
	if len(t) >= 2 && t[0] == '(' && t[len(t)-1] == ')' {
		t = strings.TrimSpace(t[1 : len(t)-1])
		neg = true
		if t != "" && (t[0] == '+' || t[0] == '-') {
			return amount{}, fmt.Errorf("%q: sign inside parentheses", s)
		}
	} else if t[0] == '+' || t[0] == '-' {
		neg = t[0] == '-'
		t = t[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToLower(t), "e")
	whole, frac, hasDot := strings.Cut(mant, ".")
	digits, ok := ungroup(whole)
	if !ok || (hasDot && (frac == "" || !allDigits(frac))) {
		return amount{}, fmt.Errorf("%q is not a number", s)
	}
	exp := 0
	if hasExp {
		e, err := parseExponent(expText)
		if err != nil {
			return amount{}, fmt.Errorf("%q: %w", s, err)
		}
		exp = e
	}
	digits += frac
	exp -= len(frac)
	digits = strings.TrimLeft(digits, "0")
	sig := strings.TrimRight(digits, "0")
	exp += len(digits) - len(sig)
	if sig == "" {
		return amount{}, nil
	}
	if len(sig) > maxDigits {
		return amount{}, fmt.Errorf("%q has more than %d significant digits", s, maxDigits)
	}
	coef, err := strconv.ParseInt(sig, 10, 64)
	if err != nil { // cannot happen: at most 18 digits
		return amount{}, fmt.Errorf("%q: %w", s, err)
	}
	if neg {
		coef = -coef
	}
	return amount{coef: coef, exp: exp}, nil
}

// ungroup returns the digits of an integer part written plainly ("1045") or
// with thousands separators ("1,045"), and false for anything else.
func ungroup(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, s != "" && allDigits(s)
	}
	groups := strings.Split(s, ",")
	for i, g := range groups {
		if !allDigits(g) || len(g) > 3 || len(g) == 0 || (i > 0 && len(g) != 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// parseExponent reads the part after "e": an optional sign and 1-4 digits.
func parseExponent(s string) (int, error) {
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || len(digits) > 4 || !allDigits(digits) {
		return 0, fmt.Errorf("bad exponent %q", s)
	}
	e, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("bad exponent %q: %w", s, err)
	}
	return e, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// usd returns a in US dollars when its unit is 10^unitExp dollars (6 for
// US$ millions, 0 for dollars), as the float64 nearest to the exact decimal
// value: the decimal point is shifted in the integer domain and the result
// converted once, so 237.4 millions is exactly 237400000. The error says the
// value does not fit a float64.
func (a amount) usd(unitExp int) (float64, error) {
	if a.coef == 0 {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strconv.FormatInt(a.coef, 10)+"e"+strconv.Itoa(a.exp+unitExp), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("%s is out of range", a)
	}
	return f, nil
}

// dollars returns a as a whole number of US dollars when its unit is
// 10^unitExp dollars, and false when it has a fraction of a dollar or does
// not fit an int64.
func (a amount) dollars(unitExp int) (int64, bool) {
	if a.coef == 0 {
		return 0, true
	}
	e := a.exp + unitExp
	if e < 0 {
		return 0, false // coef is not a multiple of 10
	}
	v := a.coef
	for range e {
		if v > math.MaxInt64/10 || v < math.MinInt64/10 {
			return 0, false
		}
		v *= 10
	}
	return v, true
}

// String writes a as coef e exp, for error messages.
func (a amount) String() string {
	return strconv.FormatInt(a.coef, 10) + "e" + strconv.Itoa(a.exp)
}

// millions writes a whole number of dollars in US$ millions with at least
// one decimal and no rounding: -533600000 is "-533.6", 0 is "0.0".
func millions(usd int64) string {
	sign := ""
	u := uint64(usd)
	if usd < 0 {
		sign = "-"
		u = -u
	}
	frac := strings.TrimRight(fmt.Sprintf("%06d", u%1_000_000), "0")
	if frac == "" {
		frac = "0"
	}
	return sign + strconv.FormatUint(u/1_000_000, 10) + "." + frac
}
