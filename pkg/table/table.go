// Package table maps each stored message kind to its ClickHouse table. A
// Spec declares a table column by column, each with the value the sink
// inserts and how a reader reads it back into the event, so the column
// list, the values and the read-back cannot drift apart: adding a column is
// one line. The sink writes with it; the readers of the v_ views (backtest
// from ClickHouse) read with it.
package table

import (
	"strings"
	"time"

	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/event"
)

// Spec is one table: the message kind it stores, its name and its columns,
// in the order of the INSERT's column list and of Values.
type Spec struct {
	// Schema is the schema of the messages stored in the table.
	Schema string
	// Name is the table; "v_" + Name is its de-duplicated view.
	Name string

	cols     []column
	newEvent func() event.Event
}

// Stored is one row read back: the event and the stream sequence it was
// stored from.
type Stored struct {
	Event event.Event
	Seq   uint64
}

// Scanner is a query result row: clickhouse-go's driver.Rows or driver.Row.
type Scanner interface {
	Scan(dest ...any) error
}

// column is one column of a table: its value for a message, and how it is
// read back (nil read for a column computed from others, such as
// tenor_months, which the event recomputes).
type column struct {
	name  string
	value func(ev event.Event, m message, d chschema.Dialect) any
	read  *readBack
}

// readBack reads one column back: expr selects it on a server of dialect
// d, scan returns where to scan it and how to set what was scanned.
type readBack struct {
	expr func(d chschema.Dialect) string
	scan func() (dest any, set func(s *Stored))
}

// message is what the sink knows of a message beside its event.
type message struct {
	raw []byte
	seq uint64
}

// Columns returns the column names, in the order of Values.
func (s *Spec) Columns() []string {
	names := make([]string, len(s.cols))
	for i, c := range s.cols {
		names[i] = c.name
	}
	return names
}

// InsertSQL returns the INSERT the sink prepares its batches with. It names
// every column: servers before 19.x and the native protocol need the
// column list to match the appended values.
func (s *Spec) InsertSQL(db string) string {
	return "INSERT INTO " + db + "." + s.Name + " (" + strings.Join(s.Columns(), ", ") + ")"
}

// Values returns the values of Columns for ev, raw being the message as
// received and seq its stream sequence, as a server of dialect d takes
// them. It panics if ev is not of the kind of Schema.
func (s *Spec) Values(ev event.Event, raw []byte, seq uint64, d chschema.Dialect) []any {
	m := message{raw: raw, seq: seq}
	vals := make([]any, len(s.cols))
	for i, c := range s.cols {
		vals[i] = c.value(ev, m, d)
	}
	return vals
}

// Select returns the query reading the rows of the table's v_ view back in
// database db of a server of dialect d, for Scan; the caller appends its
// WHERE and ORDER BY.
func (s *Spec) Select(db string, d chschema.Dialect) string {
	var exprs []string
	for _, c := range s.cols {
		if c.read != nil {
			exprs = append(exprs, c.read.expr(d))
		}
	}
	return "SELECT " + strings.Join(exprs, ", ") + " FROM " + db + ".v_" + s.Name
}

// Scan reads one row of a Select query as the event the sink stored and
// its stream sequence. The error is row's.
func (s *Spec) Scan(row Scanner) (Stored, error) {
	st := Stored{Event: s.newEvent()}
	var dests []any
	var sets []func(*Stored)
	for _, c := range s.cols {
		if c.read != nil {
			dest, set := c.read.scan()
			dests, sets = append(dests, dest), append(sets, set)
		}
	}
	if err := row.Scan(dests...); err != nil {
		return Stored{}, err
	}
	for _, set := range sets {
		set(&st)
	}
	st.Event.Header().Schema = s.Schema
	return st, nil
}

// newSpec declares the table name storing the events newEvent returns:
// the columns common to every table, then cols.
func newSpec[E event.Event](name string, newEvent func() E, cols ...column) *Spec {
	return &Spec{
		Schema:   newEvent().SchemaName(),
		Name:     name,
		cols:     append(metaColumns(), cols...),
		newEvent: func() event.Event { return newEvent() },
	}
}

// metaColumns are the columns every table starts with.
func metaColumns() []column {
	return []column{
		field("id", func(e event.Event) string { return e.Header().ID }, func(e event.Event, v string) { e.Header().ID = v }),
		field("source", func(e event.Event) string { return e.Header().Source }, func(e event.Event, v string) { e.Header().Source = v }),
		timestamp("observed_at", func(e event.Event) time.Time { return e.Header().ObservedAt },
			func(e event.Event, t time.Time) { e.Header().ObservedAt = t }),
		timestamp("ingested_at", func(e event.Event) time.Time { return e.Header().IngestedAt },
			func(e event.Event, t time.Time) { e.Header().IngestedAt = t }),
		{
			name:  "stream_seq",
			value: func(_ event.Event, m message, _ chschema.Dialect) any { return m.seq },
			read:  scanAs("stream_seq", func(s *Stored, v uint64) { s.Seq = v }),
		},
	}
}

// field is a column holding get(e) as it is, read back with set.
func field[E event.Event, V any](name string, get func(E) V, set func(E, V)) column {
	return column{
		name:  name,
		value: func(ev event.Event, _ message, _ chschema.Dialect) any { return get(ev.(E)) },
		read:  scanAs(name, func(s *Stored, v V) { set(s.Event.(E), v) }),
	}
}

// each is an Array column holding get of every item of the slice items
// returns, read back with set into as many items.
func each[E event.Event, T, V any](name string, items func(E) *[]T, get func(T) V, set func(*T, V)) column {
	return field(name,
		func(e E) []V {
			v := make([]V, len(*items(e)))
			for i, it := range *items(e) {
				v[i] = get(it)
			}
			return v
		},
		func(e E, v []V) {
			s := grow(*items(e), len(v))
			for i := range v {
				set(&s[i], v[i])
			}
			*items(e) = s
		})
}

// derived is a column computed from other fields of the event; it is not
// read back.
func derived[E event.Event, V any](name string, get func(E) V) column {
	return column{name: name, value: func(ev event.Event, _ message, _ chschema.Dialect) any { return get(ev.(E)) }}
}

// raw is a column holding the message as received; it is not read back.
func raw(name string) column {
	return column{name: name, value: func(_ event.Event, m message, _ chschema.Dialect) any { return string(m.raw) }}
}

// timestamp is a timestamp column (see chschema.Dialect.Time), read back
// through Unix milliseconds.
func timestamp[E event.Event](name string, get func(E) time.Time, set func(E, time.Time)) column {
	return column{
		name:  name,
		value: func(ev event.Event, _ message, d chschema.Dialect) any { return d.Time(get(ev.(E))) },
		read: millis(name, func(s *Stored, ms int64) {
			set(s.Event.(E), time.UnixMilli(ms).UTC())
		}),
	}
}

// nullableTimestamp is a Nullable timestamp column, read back through Unix
// milliseconds, 0 being NULL.
func nullableTimestamp[E event.Event](name string, get func(E) *time.Time, set func(E, *time.Time)) column {
	return column{
		name:  name,
		value: func(ev event.Event, _ message, d chschema.Dialect) any { return d.NullableTime(get(ev.(E))) },
		read: millis(name, func(s *Stored, ms int64) {
			var t *time.Time
			if ms != 0 {
				t = new(time.UnixMilli(ms).UTC())
			}
			set(s.Event.(E), t)
		}),
	}
}

// date is a Date column holding a YYYY-MM-DD field already checked by
// validation, read back as the same text.
func date[E event.Event](name string, get func(E) string, set func(E, string)) column {
	return column{
		name: name,
		value: func(ev event.Event, _ message, _ chschema.Dialect) any {
			t, _ := time.Parse(time.DateOnly, get(ev.(E)))
			return t
		},
		read: &readBack{
			expr: func(chschema.Dialect) string { return "toString(" + name + ")" },
			scan: scanInto(func(s *Stored, v string) { set(s.Event.(E), v) }),
		},
	}
}

// scanAs reads column name back as a V.
func scanAs[V any](name string, set func(*Stored, V)) *readBack {
	return &readBack{expr: func(chschema.Dialect) string { return "`" + name + "`" }, scan: scanInto(set)}
}

// millis reads timestamp column name back as Int64 Unix milliseconds.
func millis(name string, set func(*Stored, int64)) *readBack {
	return &readBack{expr: func(d chschema.Dialect) string { return d.MillisExpr(name) }, scan: scanInto(set)}
}

// scanInto scans into a fresh V and sets it.
func scanInto[V any](set func(*Stored, V)) func() (any, func(*Stored)) {
	return func() (any, func(*Stored)) {
		v := new(V)
		return v, func(s *Stored) { set(s, *v) }
	}
}

// orEmpty stores a nil slice as an empty array.
func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// grow returns s with at least n elements, the new ones zero.
func grow[T any](s []T, n int) []T {
	if len(s) < n {
		s = append(s, make([]T, n-len(s))...)
	}
	return s
}
