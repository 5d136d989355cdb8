package scorer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/risk"
)

// snapshot is what the state bucket holds: the model's state and the last
// CW_EVENTS sequence it applied.
type snapshot struct {
	StreamSeq uint64 `json:"stream_seq"`
	Model     []byte `json:"model"`
}

// stateStore keeps the scorer's snapshots in a JetStream key-value bucket
// under one key: the model version and calibration hash, so that a new
// model or calibration starts from the beginning of CW_EVENTS instead of
// mixing states.
type stateStore struct {
	kv  jetstream.KeyValue
	key string
}

// openState creates the bucket, or updates it to this configuration, with
// as many replicas as the streams it is the state of. While a cluster is
// still forming it retries until ctx ends; its error names the bucket.
func openState(ctx context.Context, js jetstream.JetStream, bucket string, replicas int, key string, log zerolog.Logger) (*stateStore, error) {
	var kv jetstream.KeyValue
	err := natsfx.RetryJetStream(ctx, log, "state bucket "+bucket, func(ctx context.Context) error {
		var err error
		kv, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket: bucket, Description: "carrywatch scorer state snapshots", History: 1,
			Storage: jetstream.FileStorage, Replicas: replicas,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &stateStore{kv: kv, key: key}, nil
}

// load returns the saved snapshot; found is false when there is none. It
// fails when the bucket cannot be read or the value does not decode.
func (st *stateStore) load(ctx context.Context) (snap snapshot, found bool, err error) {
	entry, err := st.kv.Get(ctx, st.key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return snapshot{}, false, nil
	}
	if err != nil {
		return snapshot{}, false, fmt.Errorf("read snapshot %s: %w", st.key, err)
	}
	if err := json.Unmarshal(entry.Value(), &snap); err != nil {
		return snapshot{}, false, fmt.Errorf("decode snapshot %s: %w", st.key, err)
	}
	return snap, true, nil
}

// save writes snap in place of the saved snapshot.
func (st *stateStore) save(ctx context.Context, snap snapshot) error {
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	if _, err := st.kv.Put(ctx, st.key, data); err != nil {
		return fmt.Errorf("write snapshot %s: %w", st.key, err)
	}
	return nil
}

// restore returns the model and position of the saved snapshot, or a new
// model at the start of the stream when there is none or it is unusable
// (logged: it only costs a longer replay).
func (st *stateStore) restore(ctx context.Context, cal risk.Calibration, log zerolog.Logger) (*risk.Model, uint64) {
	snap, found, err := st.load(ctx)
	if err != nil {
		log.Warn().Err(err).Msg("state snapshot unreadable, replaying from the start")
		return risk.NewModel(cal), 0
	}
	if !found {
		return risk.NewModel(cal), 0
	}
	m, err := risk.Restore(cal, snap.Model)
	if err != nil {
		log.Warn().Err(err).Msg("state snapshot unusable, replaying from the start")
		return risk.NewModel(cal), 0
	}
	log.Info().Uint64("stream_seq", snap.StreamSeq).Msg("state restored from snapshot")
	return m, snap.StreamSeq
}

// checkpoint is a snapshot with the number of prints the model had
// selected when it was taken. Saving it is safe once that many prints are
// settled: a restart from it derives every later print again, and JetStream
// drops the ones it stored already by Nats-Msg-Id. Saving it earlier could
// lose a print that was selected before it and never stored.
type checkpoint struct {
	snap   snapshot
	prints uint64
}

// maxCheckpoints bounds the checkpoints waiting for their prints while
// JetStream refuses them; when full, a new one replaces the newest.
const maxCheckpoints = 16

// checkpoints holds the checkpoints not yet safe to save, oldest first.
type checkpoints struct {
	list []checkpoint
}

// add queues cp after the others; it ignores cp if it is not ahead of the
// newest one.
func (c *checkpoints) add(cp checkpoint) {
	if n := len(c.list); n > 0 {
		if cp.snap.StreamSeq <= c.list[n-1].snap.StreamSeq {
			return
		}
		if n == maxCheckpoints {
			c.list[n-1] = cp
			return
		}
	}
	c.list = append(c.list, cp)
}

// take returns the newest checkpoint whose prints are all settled and
// forgets it and every older one; ok is false when there is none.
func (c *checkpoints) take(settled uint64) (snapshot, bool) {
	i := 0
	for i < len(c.list) && c.list[i].prints <= settled {
		i++
	}
	if i == 0 {
		return snapshot{}, false
	}
	snap := c.list[i-1].snap
	c.list = append(c.list[:0], c.list[i:]...)
	return snap, true
}
