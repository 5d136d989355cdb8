package event

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// MaxClockSkew is how far in the future an observation time may lie before
// validation rejects it.
const MaxClockSkew = 5 * time.Minute

// MinObservedAt is the earliest observation time carrywatch accepts: the
// Unix epoch, since servers before ClickHouse 20.1 store times as unsigned
// epoch milliseconds. Validation compares instants, so a time written with
// an offset counts by its UTC value.
var MinObservedAt = time.Unix(0, 0).UTC()

// Meta holds the fields every message carries.
type Meta struct {
	// Schema names the message kind and version, e.g. "cw.jgb.yield/v1".
	Schema string `json:"schema"`
	// ID is derived from Source, the kind's key and ObservedAt; see NewID.
	ID string `json:"id"`
	// Source names the producer of the observation, e.g. "mof", "farside".
	Source string `json:"source"`
	// ObservedAt is when the observation is true of the world, UTC, ms.
	ObservedAt time.Time `json:"observed_at"`
	// IngestedAt is when carrywatch received it, UTC, ms.
	IngestedAt time.Time `json:"ingested_at"`
}

// Header returns the common fields.
func (m *Meta) Header() *Meta { return m }

// NewID returns the deterministic id of an observation: the first 16 bytes,
// hex-encoded, of SHA-256 over source, key and the observation time in Unix
// milliseconds, separated by 0x1f. The same observation always gets the same
// id, which is what lets JetStream and ClickHouse drop redeliveries.
func NewID(source, key string, observedAt time.Time) string {
	var id [32]byte
	idHex(&id, source, key, observedAt)
	return string(id[:])
}

// idHex writes NewID's hex digits into id without allocating for the
// usual short sources and keys.
func idHex(id *[32]byte, source, key string, observedAt time.Time) {
	var buf [128]byte
	b := append(buf[:0], source...)
	b = append(b, 0x1f)
	b = append(b, key...)
	b = append(b, 0x1f)
	b = strconv.AppendInt(b, observedAt.UnixMilli(), 10)
	sum := sha256.Sum256(b)
	hex.Encode(id[:], sum[:16])
}

// normalize puts both timestamps in UTC at millisecond precision.
func (m *Meta) normalize(ingestedAt time.Time) {
	m.ObservedAt = Millis(m.ObservedAt)
	if m.IngestedAt.IsZero() {
		m.IngestedAt = ingestedAt
	}
	m.IngestedAt = Millis(m.IngestedAt)
}

// Millis returns t in UTC truncated to the millisecond, the precision of
// every timestamp on the wire and in ClickHouse.
func Millis(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func (m *Meta) validate(schema, key string, now time.Time, withID bool) error {
	if m.Schema != schema {
		return invalid("schema", ErrUnknownSchema, "want %q, got %q", schema, m.Schema)
	}
	if err := matches("source", m.Source, isSource, "is not lowercase [a-z0-9_.-]"); err != nil {
		return err
	}
	if m.ObservedAt.IsZero() {
		return invalid("observed_at", ErrMissing, "")
	}
	if m.ObservedAt.Before(MinObservedAt) {
		return invalid("observed_at", ErrOutOfRange, "%s is before 1970-01-01", m.ObservedAt.Format(time.RFC3339))
	}
	if m.ObservedAt.After(now.Add(MaxClockSkew)) {
		return invalid("observed_at", ErrFutureTime, "%s is after %s", m.ObservedAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if m.IngestedAt.IsZero() {
		return invalid("ingested_at", ErrMissing, "")
	}
	if m.IngestedAt.After(now.Add(MaxClockSkew)) {
		return invalid("ingested_at", ErrFutureTime, "%s is after %s", m.IngestedAt.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if !withID {
		return nil
	}
	if m.ID == "" {
		return invalid("id", ErrMissing, "")
	}
	var want [32]byte
	idHex(&want, m.Source, key, m.ObservedAt)
	switch {
	case m.ID == string(want[:]):
		return nil
	case !isHexID(m.ID):
		return invalid("id", ErrBadFormat, "want 32 lowercase hex digits")
	}
	return invalid("id", ErrBadID, "want %s", string(want[:]))
}
