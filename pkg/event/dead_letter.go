package event

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
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
	// Payload is the original bytes, base64 in JSON.
	Payload []byte `json:"payload"`
	// StreamSeq is the original's CW_EVENTS/CW_SCORES sequence, if any.
	StreamSeq uint64 `json:"stream_seq,omitempty"`
}

// SchemaName returns SchemaDeadLetter.
func (*DeadLetter) SchemaName() string { return SchemaDeadLetter }

// Key returns stage/subject/sha256(payload).
func (e *DeadLetter) Key() string {
	sum := sha256.Sum256(e.Payload)
	return e.Stage + "/" + e.OriginalSubject + "/" + hex.EncodeToString(sum[:])
}

// Subject returns cw.dlq.<stage>.
func (e *DeadLetter) Subject() string { return SubjectDeadLetter(e.Stage) }

// Validate checks stage, reason and code.
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
	return e.validate(SchemaDeadLetter, e.Key(), now, withID)
}

// NewDeadLetter builds a sealed dead letter for payload rejected by stage
// with err. observedAt is when the original was received; it is part of the
// id, so a stage that rejects the same message again (a redelivery, a
// replay) must pass the same time to record it once. ingestedAt is now.
func NewDeadLetter(stage, subject string, payload []byte, seq uint64, err error, observedAt, ingestedAt time.Time) *DeadLetter {
	if err == nil {
		err = errors.New("rejected without a reason")
	}
	dl := &DeadLetter{
		Meta:            Meta{Source: "carrywatch", ObservedAt: observedAt, IngestedAt: ingestedAt},
		Stage:           stage,
		OriginalSubject: subject,
		Reason:          err.Error(),
		Code:            Code(err),
		Payload:         payload,
		StreamSeq:       seq,
	}
	Seal(dl, ingestedAt)
	return dl
}
