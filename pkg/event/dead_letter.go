package event

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// Dead-letter size bounds. A dead letter carries the original bytes in
// base64, a third larger than the original, so a rejected message near the
// NATS max_payload can only be dead-lettered cut.
const (
	// DefaultMaxPayload is the NATS server's default max_payload (1 MiB):
	// NewDeadLetter fits every dead letter into it.
	DefaultMaxPayload = 1 << 20
	// DeadLetterHeaderRoom is what Fit leaves of a max payload for the
	// headers a publisher adds (Nats-Msg-Id is 61 bytes with its framing).
	DeadLetterHeaderRoom = 1024
	// MaxReasonBytes bounds a dead letter's reason, which may quote the
	// offending value (a 1 MB source): longer reasons are cut.
	MaxReasonBytes = 4096
)

// DeadLetter records a message a stage rejected, with the original bytes and
// the reason, so nothing is silently lost.
type DeadLetter struct {
	Meta
	// Stage is the stage that rejected the message: sink, ingest, replay ….
	Stage string `json:"stage"`
	// OriginalSubject is the subject the original arrived on, if any.
	OriginalSubject string `json:"original_subject,omitempty"`
	// Reason is the human-readable rejection reason.
	Reason string `json:"reason"`
	// Code is the short rule name (see Code).
	Code string `json:"code"`
	// Payload is the original bytes, base64 in JSON; only their beginning
	// when Truncated.
	Payload []byte `json:"payload"`
	// StreamSeq is the original's CW_EVENTS/CW_SCORES sequence, if any.
	StreamSeq uint64 `json:"stream_seq,omitempty"`
	// Truncated says Payload holds only the first bytes of the original,
	// cut so that the dead letter fits a NATS message (see Fit).
	Truncated bool `json:"truncated,omitempty"`
	// OriginalSize is the original's size in bytes; set when Truncated.
	OriginalSize uint64 `json:"original_size,omitempty"`
	// OriginalSHA256 is the original's SHA-256, hex; set when Truncated.
	OriginalSHA256 string `json:"original_sha256,omitempty"`
}

// SchemaName returns SchemaDeadLetter.
func (*DeadLetter) SchemaName() string { return SchemaDeadLetter }

// Key returns stage/subject/sha256(original): the digest of the whole
// original even when Payload is truncated, so cutting it keeps the id.
func (e *DeadLetter) Key() string {
	return e.Stage + "/" + e.OriginalSubject + "/" + e.originalSHA256()
}

// originalSHA256 returns the hex SHA-256 of the original bytes.
func (e *DeadLetter) originalSHA256() string {
	if e.Truncated {
		return e.OriginalSHA256
	}
	sum := sha256.Sum256(e.Payload)
	return hex.EncodeToString(sum[:])
}

// Subject returns cw.dlq.<stage>.
func (e *DeadLetter) Subject() string { return SubjectDeadLetter(e.Stage) }

// Validate checks stage, reason, code and the description of a truncated
// payload.
func (e *DeadLetter) Validate(now time.Time) error { return e.check(now, true) }

// check is Validate; withID false skips the id (see ValidateContent).
func (e *DeadLetter) check(now time.Time, withID bool) error {
	if err := token("stage", e.Stage); err != nil {
		return err
	}
	if e.Reason == "" {
		return invalid("reason", ErrMissing, "")
	}
	if e.Code == "" {
		return invalid("code", ErrMissing, "")
	}
	switch {
	case !e.Truncated && (e.OriginalSize != 0 || e.OriginalSHA256 != ""):
		return invalid("truncated", ErrMissing, "original_size and original_sha256 describe a truncated payload")
	case !e.Truncated:
	case e.OriginalSize == 0:
		return invalid("original_size", ErrMissing, "")
	case e.OriginalSHA256 == "":
		return invalid("original_sha256", ErrMissing, "")
	case !isSHA256Hex(e.OriginalSHA256):
		return invalid("original_sha256", ErrBadFormat, "want 64 lowercase hex digits")
	case e.OriginalSize <= uint64(len(e.Payload)):
		return invalid("original_size", ErrOutOfRange, "%d is not more than the %d bytes of the truncated payload",
			e.OriginalSize, len(e.Payload))
	}
	return e.validate(SchemaDeadLetter, e.Key(), now, withID)
}

// NewDeadLetter builds a sealed dead letter for payload rejected by stage
// with err. observedAt is when the original was received; it is part of the
// id, so a stage that rejects the same message again (a redelivery, a
// replay) must pass the same time to record it once. ingestedAt is now.
// The reason is cut to MaxReasonBytes and the dead letter fitted to
// DefaultMaxPayload (see Fit), so it can always be published; a publisher
// whose connection allows less calls Fit again with its own limit.
func NewDeadLetter(stage, subject string, payload []byte, seq uint64, err error, observedAt, ingestedAt time.Time) *DeadLetter {
	if err == nil {
		err = errors.New("rejected without a reason")
	}
	dl := &DeadLetter{
		Meta:            Meta{Source: "carrywatch", ObservedAt: observedAt, IngestedAt: ingestedAt},
		Stage:           stage,
		OriginalSubject: subject,
		Reason:          cutReason(err.Error()),
		Code:            Code(err),
		Payload:         payload,
		StreamSeq:       seq,
	}
	Seal(dl, ingestedAt)
	// Fails only for a subject near DefaultMaxPayload, which NATS refuses
	// long before (its max_control_line is 4 KiB).
	_ = dl.Fit(DefaultMaxPayload)
	return dl
}

// cutReason cuts a reason longer than MaxReasonBytes at a character
// boundary and says how long it was.
func cutReason(s string) string {
	if len(s) <= MaxReasonBytes {
		return s
	}
	n := MaxReasonBytes - 64 // room for the note
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "… (reason cut, " + strconv.Itoa(len(s)) + " bytes)"
}

// Fit cuts Payload, if it must, so that the dead letter marshaled plus
// DeadLetterHeaderRoom bytes of headers is at most maxPayload bytes, the
// NATS max_payload of the connection that publishes it. A cut payload keeps
// its beginning; Truncated, OriginalSize and OriginalSHA256 describe the
// whole original, and Reason says it was cut. The id does not change. Fit
// on a dead letter already cut cuts it further if needed and keeps the
// original's description. It fails if the dead letter does not fit even
// with an empty payload.
func (e *DeadLetter) Fit(maxPayload int64) error {
	budget := maxPayload - DeadLetterHeaderRoom
	base, err := e.sizeWithoutPayload()
	if err != nil {
		return err
	}
	if len(e.Payload) == 0 || base+int64(base64.StdEncoding.EncodedLen(len(e.Payload))) <= budget {
		if base > budget {
			return fmt.Errorf("fit dead letter: %d bytes without payload exceed %d", base, budget)
		}
		return nil
	}
	if !e.Truncated {
		sum := sha256.Sum256(e.Payload)
		e.Truncated = true
		e.OriginalSize = uint64(len(e.Payload))
		e.OriginalSHA256 = hex.EncodeToString(sum[:])
		e.Reason += " (payload truncated: original " + strconv.Itoa(len(e.Payload)) + " bytes, sha256 " + e.OriginalSHA256 + ")"
		if base, err = e.sizeWithoutPayload(); err != nil {
			return err
		}
	}
	room := budget - base
	if room < 0 {
		return fmt.Errorf("fit dead letter: %d bytes without payload exceed %d", base, budget)
	}
	// Base64 writes 4 characters for every 3 bytes; none needs escaping.
	e.Payload = e.Payload[:min(int64(len(e.Payload)), room/4*3)]
	return nil
}

// sizeWithoutPayload returns the size of the dead letter marshaled with an
// empty payload.
func (e *DeadLetter) sizeWithoutPayload() (int64, error) {
	c := *e
	c.Payload = []byte{}
	b, err := json.Marshal(&c)
	if err != nil {
		return 0, fmt.Errorf("marshal dead letter: %w", err)
	}
	return int64(len(b)), nil
}
