package outages

import (
	"encoding/json"
	"fmt"
	"reflect"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/internal/feedtext"
)

// badBody returns an error wrapping feed.ErrBadBody, prefixed by what was
// being parsed: "statuspage incidents: bad body: no incidents array".
func badBody(what, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", what, feed.ErrBadBody, fmt.Sprintf(format, args...))
}

// objectBody is what a status body must be: one JSON object.
var objectBody = feedtext.JSONBody{TypeError: func(typ *json.UnmarshalTypeError) string {
	return fmt.Sprintf("field %s is a JSON %s, want %s", typ.Field, typ.Value, jsonKind(typ.Type.Kind()))
}}

// decodeObject decodes body, which must be one JSON object, into v. Every
// failure wraps feed.ErrBadBody and says what the body looked like.
func decodeObject(what string, body []byte, v any) error {
	if err := objectBody.Decode(body, v); err != nil {
		return badBody(what, "%v", err)
	}
	return nil
}

// jsonKind names the JSON type a Go kind decodes from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "object"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	}
	return "number"
}

// parseTime reads an RFC 3339 timestamp with its UTC offset and returns it
// in UTC, truncated to the millisecond like every time on the wire.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time with a UTC offset", field, s)
	}
	return event.Millis(t), nil
}

// minTime is the earliest time an event may carry, as event.Validate holds
// observed_at to it.
var minTime = event.MinObservedAt

// inRange reports whether t lies in [1970, now + event.MaxClockSkew], the
// range event.Validate allows observed_at. Parsers hold started_at and
// resolved_at to it too, which Validate does not, so that no year-5 or
// year-9999 time from a body reaches ClickHouse.
func inRange(t, now time.Time) bool {
	return !t.Before(minTime) && !t.After(now.Add(event.MaxClockSkew))
}

// checkEvents validates a sealed copy of each event at now
// (feed.ValidateSealed) and checks started_at and resolved_at with inRange,
// so a parser only returns events the loop can publish; the originals stay
// unsealed.
func checkEvents(evs []*event.VenueStatus, now time.Time) error {
	for _, e := range evs {
		err := feed.ValidateSealed(e, now)
		switch {
		case err != nil:
		case !inRange(e.StartedAt, now):
			err = fmt.Errorf("started_at %s is not between 1970 and now", e.StartedAt.Format(time.RFC3339Nano))
		case e.ResolvedAt != nil && !inRange(*e.ResolvedAt, now):
			err = fmt.Errorf("resolved_at %s is not between 1970 and now", e.ResolvedAt.Format(time.RFC3339Nano))
		}
		if err != nil {
			return fmt.Errorf("%s %s at %s: %w", e.IncidentID, e.Action, event.Millis(e.ObservedAt).Format(time.RFC3339Nano), err)
		}
	}
	return nil
}
