package chschema

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Version is a ClickHouse server release, e.g. 18.16.1 or 26.7.2.
type Version struct {
	Major, Minor, Patch int
}

var reVersion = regexp.MustCompile(`^\s*(\d+)\.(\d+)(?:\.(\d+))?`)

// ParseVersion parses the result of SELECT version() ("18.16.1",
// "26.7.2.1", "24.3.1.2672-lts"); anything after the patch number is
// ignored. The error wraps ErrBadVersion.
func ParseVersion(s string) (Version, error) {
	m := reVersion.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("%w: %q", ErrBadVersion, s)
	}
	var v Version
	var err error
	if v.Major, err = strconv.Atoi(m[1]); err != nil {
		return Version{}, fmt.Errorf("%w: %q", ErrBadVersion, s)
	}
	if v.Minor, err = strconv.Atoi(m[2]); err != nil {
		return Version{}, fmt.Errorf("%w: %q", ErrBadVersion, s)
	}
	if m[3] != "" {
		if v.Patch, err = strconv.Atoi(m[3]); err != nil {
			return Version{}, fmt.Errorf("%w: %q", ErrBadVersion, s)
		}
	}
	return v, nil
}

// AtLeast reports whether v is release o or later.
func (v Version) AtLeast(o Version) bool {
	if v.Major != o.Major {
		return v.Major > o.Major
	}
	if v.Minor != o.Minor {
		return v.Minor > o.Minor
	}
	return v.Patch >= o.Patch
}

// String returns major.minor.patch.
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// Dialect is what carrywatch's DDL and rows may use on one server. Each flag
// is true from the first release where carrywatch relies on the feature (see
// DialectFor); without it the DDL degrades as documented per field.
type Dialect struct {
	Version
	// DateTime64 (≥ 20.1): timestamps are DateTime64(3, 'UTC'); without it,
	// UInt64 Unix milliseconds.
	DateTime64 bool
	// LowCardinality (≥ 19.3): dictionary-encoded strings; without it, String.
	LowCardinality bool
	// Codecs (≥ 19.1): per-column compression codecs, limited to Delta and
	// ZSTD; without them, the server's default compression.
	Codecs bool
	// TTL (≥ 19.6): table TTL expiring old rows; without it, rows stay until
	// an operator drops their partitions.
	TTL bool
	// AddColumnIfNotExists (≥ 20.1): ALTER TABLE … ADD COLUMN IF NOT EXISTS;
	// without it (18.16 rejects the clause), ADD COLUMN, and Migrate takes
	// the server's "column already exists" for an ADD COLUMN as done.
	AddColumnIfNotExists bool
}

// Feature thresholds: the first release where carrywatch relies on each.
var (
	minDateTime64     = Version{Major: 20, Minor: 1}
	minLowCardinality = Version{Major: 19, Minor: 3}
	minCodecs         = Version{Major: 19, Minor: 1}
	minTTL            = Version{Major: 19, Minor: 6}
	minAddColumnIfNot = Version{Major: 20, Minor: 1}
)

// DialectFor returns the dialect of a server release: DateTime64 from 20.1,
// LowCardinality from 19.3, codecs from 19.1, TTL from 19.6 and ADD COLUMN
// IF NOT EXISTS from 20.1, each the first release where carrywatch relies on
// the feature (LowCardinality existed earlier behind an experimental
// setting, which carrywatch treats as absent).
func DialectFor(v Version) Dialect {
	return Dialect{
		Version:        v,
		DateTime64:     v.AtLeast(minDateTime64),
		LowCardinality: v.AtLeast(minLowCardinality),
		Codecs:         v.AtLeast(minCodecs),
		TTL:            v.AtLeast(minTTL),

		AddColumnIfNotExists: v.AtLeast(minAddColumnIfNot),
	}
}

// Current is the dialect of current ClickHouse (26.x), with every feature.
// Use it to render DDL for documentation or for servers known to be current;
// a connected client uses the detected dialect instead.
var Current = DialectFor(Version{Major: 26, Minor: 1})

// String names the version and the features in use, for logs.
func (d Dialect) String() string {
	return fmt.Sprintf("%s (datetime64=%t lowcardinality=%t codecs=%t ttl=%t add_column_if_not_exists=%t)",
		d.Version, d.DateTime64, d.LowCardinality, d.Codecs, d.TTL, d.AddColumnIfNotExists)
}

// Time returns t as the value of a timestamp column: a time.Time in UTC
// truncated to the millisecond on DateTime64 servers, uint64 Unix
// milliseconds on older ones (times before 1970 become 0).
func (d Dialect) Time(t time.Time) any {
	if d.DateTime64 {
		return t.UTC().Truncate(time.Millisecond)
	}
	ms := t.UnixMilli()
	if ms < 0 {
		ms = 0
	}
	return uint64(ms)
}

// NullableTime returns t as the value of a Nullable timestamp column: a
// *time.Time on DateTime64 servers and a *uint64 on older ones, nil (of that
// pointer type) when t is nil.
func (d Dialect) NullableTime(t *time.Time) any {
	if d.DateTime64 {
		if t == nil {
			return (*time.Time)(nil)
		}
		v := d.Time(*t).(time.Time)
		return &v
	}
	if t == nil {
		return (*uint64)(nil)
	}
	v := d.Time(*t).(uint64)
	return &v
}

// MillisExpr returns a SQL expression reading the timestamp column col as
// Int64 Unix milliseconds (0 for NULL) on a server of this dialect.
func (d Dialect) MillisExpr(col string) string {
	if d.DateTime64 {
		return "toInt64(ifNull(toUnixTimestamp64Milli(" + col + "), 0))"
	}
	return "toInt64(ifNull(" + col + ", 0))"
}

// DetectDialect asks the server its version and returns its dialect. The
// error is the query's or wraps ErrBadVersion.
func DetectDialect(ctx context.Context, conn driver.Conn) (Dialect, error) {
	var s string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&s); err != nil {
		return Dialect{}, fmt.Errorf("select version: %w", err)
	}
	v, err := ParseVersion(s)
	if err != nil {
		return Dialect{}, err
	}
	return DialectFor(v), nil
}
