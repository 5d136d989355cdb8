package natsfx

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
)

// Stream names.
const (
	// StreamEvents stores every input event (cw.events.>).
	StreamEvents = "CW_EVENTS"
	// StreamScores stores every score and component print (cw.risk.>); a
	// subscriber reads the latest per subject on connect.
	StreamScores = "CW_SCORES"
	// StreamDLQ stores dead letters (cw.dlq.>).
	StreamDLQ = "CW_DLQ"
)

// StreamConfigs returns the configuration of CW_EVENTS, CW_SCORES and
// CW_DLQ, in that order: file storage, limits retention (oldest dropped
// first), cfg's replicas, de-duplication window, max bytes and per-stream
// max age. CW_SCORES allows direct get, so a subscriber fetches the last
// print per subject cheaply from any replica.
func StreamConfigs(cfg StreamsConfig) []jetstream.StreamConfig {
	mk := func(name, subject, desc string, maxAge time.Duration) jetstream.StreamConfig {
		return jetstream.StreamConfig{
			Name:              name,
			Description:       desc,
			Subjects:          []string{subject},
			Retention:         jetstream.LimitsPolicy,
			Storage:           jetstream.FileStorage,
			Discard:           jetstream.DiscardOld,
			MaxAge:            maxAge,
			MaxBytes:          cfg.MaxBytes,
			MaxMsgs:           -1,
			MaxMsgsPerSubject: -1,
			Replicas:          cfg.Replicas,
			Duplicates:        cfg.Duplicates,
		}
	}
	scores := mk(StreamScores, event.SubjectRisk, "carrywatch risk index and component prints", cfg.ScoresMaxAge)
	scores.AllowDirect = true
	return []jetstream.StreamConfig{
		mk(StreamEvents, event.SubjectEvents, "carrywatch input events", cfg.EventsMaxAge),
		scores,
		mk(StreamDLQ, event.SubjectDLQ, "carrywatch dead letters", cfg.DLQMaxAge),
	}
}

// EnsureStreams creates the streams of [StreamConfigs], or updates them to
// cfg if they exist. It is idempotent and safe to run from several
// processes at once: when another caller creates a stream between our
// lookup and our create, it updates instead. While a cluster settles (no
// meta leader yet, peers unknown) each stream is retried until ctx is about
// to end, see [RetryJetStream]. It returns the first error,
// wrapped with the stream name (for example a change JetStream refuses,
// such as a storage type, or replicas above the cluster size).
func EnsureStreams(ctx context.Context, js jetstream.JetStream, cfg StreamsConfig) error {
	return ensureStreams(ctx, js, cfg, zerolog.Nop())
}

// ensureStreams is EnsureStreams, each stream retried by [RetryJetStream]
// while a cluster settles, logging to log.
func ensureStreams(ctx context.Context, js jetstream.JetStream, cfg StreamsConfig, log zerolog.Logger) error {
	for _, sc := range StreamConfigs(cfg) {
		err := RetryJetStream(ctx, log, "ensure stream "+sc.Name, func(ctx context.Context) error {
			_, err := js.CreateOrUpdateStream(ctx, sc)
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				// Lost a create race with a different config: update it.
				_, err = js.UpdateStream(ctx, sc)
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// VerifyStreams checks, without changing anything, that each stream of
// [StreamConfigs] exists and captures its subject. It is what a service
// whose user may not manage streams runs at start-up
// (CW_NATS_MANAGE_STREAMS=false). A missing stream, or one that does not
// capture its subject, is an error wrapping [ErrStreamMissing] that names
// it; any other failure (such as no permission to look it up) is returned
// wrapped with the stream name.
func VerifyStreams(ctx context.Context, js jetstream.JetStream) error {
	return verifyStreams(ctx, js, zerolog.Nop())
}

// verifyStreams is VerifyStreams, each look-up retried by [RetryJetStream]
// while a cluster settles, logging to log.
func verifyStreams(ctx context.Context, js jetstream.JetStream, log zerolog.Logger) error {
	for _, want := range StreamConfigs(StreamsConfig{}) {
		var s jetstream.Stream
		err := RetryJetStream(ctx, log, "look up stream "+want.Name, func(ctx context.Context) (err error) {
			s, err = js.Stream(ctx, want.Name)
			return err
		})
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("%w: %s does not exist; create it with a user allowed to manage streams "+
				"(CW_NATS_MANAGE_STREAMS=true), or let this service do it", ErrStreamMissing, want.Name)
		}
		if err != nil {
			return err
		}
		if got := s.CachedInfo().Config.Subjects; !slices.Contains(got, want.Subjects[0]) {
			return fmt.Errorf("%w: %s captures %v, not %s", ErrStreamMissing, want.Name, got, want.Subjects[0])
		}
	}
	return nil
}
