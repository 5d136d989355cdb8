package event_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
)

// A dead letter always fits the max payload it is fitted to, with room for
// headers: a payload that would not is cut, and the dead letter says so
// with the original's size and digest, keeping the id of the whole original.
func TestDeadLetterFitsMaxPayload(t *testing.T) {
	at := time.Date(2025, 12, 1, 9, 5, 12, 0, time.UTC)
	valid, err := event.Marshal(fixtureOf(t, event.SchemaJGBYield))
	require.NoError(t, err)
	// A valid event with a 900 kB pad field: ~900 kB, 1.2 MB in base64.
	padded := append(append(bytes.Clone(valid[:len(valid)-1]), `,"pad":"`...), bytes.Repeat([]byte("x"), 900_000)...)
	padded = append(padded, `"}`...)
	// A 1 MB source: the reason quotes it.
	bigSource := bytes.Replace(valid, []byte(`"source":"mof"`), []byte(`"source":"`+strings.Repeat("S", 1_000_000)+`"`), 1)
	_, bigSourceErr := event.Parse(bigSource, at)
	require.Error(t, bigSourceErr)
	require.Greater(t, len(bigSourceErr.Error()), 1_000_000, "the reason quotes the source")

	tests := []struct {
		name          string
		payload       []byte
		err           error
		maxPayload    int64 // 0: only NewDeadLetter's default
		wantTruncated bool
	}{
		{name: "small", payload: valid, err: errors.New("x"), wantTruncated: false},
		{name: "empty", payload: nil, err: errors.New("x"), wantTruncated: false},
		{name: "900 kB pad", payload: padded, err: errors.New("pad: unknown field"), wantTruncated: true},
		{name: "1 MB source", payload: bigSource, err: bigSourceErr, wantTruncated: true},
		{name: "fits the default, not a 256 KiB server", payload: padded[:200_000], err: errors.New("x"),
			maxPayload: 256 << 10, wantTruncated: true},
		{name: "just fits", payload: bytes.Repeat([]byte("y"), 3*200_000), err: errors.New("x"),
			maxPayload: 4*200_000 + 2048, wantTruncated: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl := event.NewDeadLetter("sink", "cw.events.jgb.yield.10Y", tt.payload, 7, tt.err, at, at)
			id := dl.ID
			limit := int64(event.DefaultMaxPayload)
			if tt.maxPayload > 0 {
				require.NoError(t, dl.Fit(tt.maxPayload))
				limit = tt.maxPayload
			}
			data, err := event.Marshal(dl)
			require.NoError(t, err)
			assert.LessOrEqual(t, int64(len(data)+event.DeadLetterHeaderRoom), limit, "fits with room for headers")
			assert.LessOrEqual(t, len(dl.Reason), event.MaxReasonBytes+200)
			assert.Equal(t, id, dl.ID, "Fit keeps the id")

			sum := sha256.Sum256(tt.payload)
			assert.Equal(t, event.NewID("carrywatch", "sink/cw.events.jgb.yield.10Y/"+hex.EncodeToString(sum[:]), at), dl.ID,
				"the id's key has the digest of the whole original")
			assert.Equal(t, tt.wantTruncated, dl.Truncated)
			assert.True(t, bytes.HasPrefix(tt.payload, dl.Payload), "the payload is the original's beginning")
			if tt.wantTruncated {
				assert.Less(t, len(dl.Payload), len(tt.payload))
				assert.Greater(t, int64(len(data)+event.DeadLetterHeaderRoom), limit-4, "cut no more than needed")
				assert.Equal(t, uint64(len(tt.payload)), dl.OriginalSize)
				assert.Equal(t, hex.EncodeToString(sum[:]), dl.OriginalSHA256)
				assert.Contains(t, dl.Reason, "payload truncated")
				assert.Contains(t, dl.Reason, dl.OriginalSHA256)
			} else {
				assert.Equal(t, len(tt.payload), len(dl.Payload))
				assert.Zero(t, dl.OriginalSize)
				assert.Empty(t, dl.OriginalSHA256)
			}

			got, err := event.Parse(data, at)
			require.NoError(t, err)
			assert.Equal(t, dl, got)
		})
	}
}

// A reason longer than MaxReasonBytes is cut at a character boundary and
// says how long it was; a shorter one is kept whole.
func TestDeadLetterReasonIsBounded(t *testing.T) {
	at := time.Date(2025, 12, 1, 9, 5, 12, 0, time.UTC)
	long := strings.Repeat("é", event.MaxReasonBytes) // 2 bytes each
	dl := event.NewDeadLetter("sink", "", []byte("x"), 0, errors.New(long), at, at)
	assert.LessOrEqual(t, len(dl.Reason), event.MaxReasonBytes)
	assert.True(t, strings.HasPrefix(long, strings.Split(dl.Reason, "…")[0]))
	assert.Contains(t, dl.Reason, "(reason cut, 8192 bytes)")
	assert.NoError(t, dl.Validate(at))

	short := event.NewDeadLetter("sink", "", []byte("x"), 0, errors.New("tenor: bad format"), at, at)
	assert.Equal(t, "tenor: bad format", short.Reason)
}

// Fit cuts a dead letter already cut further, keeping the description of
// the whole original, and fails when not even an empty payload fits.
func TestDeadLetterFitTwice(t *testing.T) {
	at := time.Date(2025, 12, 1, 9, 5, 12, 0, time.UTC)
	original := bytes.Repeat([]byte("z"), 2_000_000)
	dl := event.NewDeadLetter("ingest", "", original, 0, errors.New("too large"), at, at)
	require.True(t, dl.Truncated)
	reason := dl.Reason

	require.NoError(t, dl.Fit(64<<10))
	data, err := event.Marshal(dl)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(data)+event.DeadLetterHeaderRoom, 64<<10)
	assert.Equal(t, uint64(len(original)), dl.OriginalSize)
	assert.Equal(t, reason, dl.Reason, "the truncation is noted once")
	assert.NoError(t, dl.Validate(at))

	assert.Error(t, dl.Fit(event.DeadLetterHeaderRoom+100))
}
