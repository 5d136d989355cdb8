package natsfx

import (
	"context"
	"fmt"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Publisher is what [PublishEvent] needs of JetStream.
type Publisher interface {
	Publish(ctx context.Context, subject string, payload []byte, opts ...jetstream.PublishOpt) (*jetstream.PubAck, error)
}

var _ Publisher = (jetstream.JetStream)(nil)

// PublishEvent publishes ev, marshalled, on its subject with its id as the
// message id, so that JetStream drops a repeat within the stream's
// duplicate window, and returns the acknowledgement. The error is
// event.Marshal's, or the client's or JetStream's as "publish <subject>: …".
func PublishEvent(ctx context.Context, js Publisher, ev event.Event) (*jetstream.PubAck, error) {
	data, err := event.Marshal(ev)
	if err != nil {
		return nil, err
	}
	ack, err := js.Publish(ctx, ev.Subject(), data, jetstream.WithMsgID(ev.Header().ID))
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w", ev.Subject(), err)
	}
	return ack, nil
}

// AsyncPublisher is what a [PublishWindow] needs of JetStream.
type AsyncPublisher interface {
	PublishMsgAsync(m *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error)
}

var _ AsyncPublisher = (jetstream.JetStream)(nil)

// PublishWindow publishes to JetStream without waiting for each
// acknowledgement, and with at most its size of them outstanding: the
// publish that fills the window waits for all of them. That keeps a
// publisher at JetStream's rate rather than one round trip per message,
// and under the client's limit of pending asynchronous publishes however
// many messages it sends. Each message carries a value of T that comes
// back with its acknowledgement. Not safe for concurrent use.
type PublishWindow[T any] struct {
	pub     AsyncPublisher
	size    int
	onAck   func(*jetstream.PubAck, T)
	pending []inflight[T]
}

type inflight[T any] struct {
	f jetstream.PubAckFuture
	v T
}

// NewPublishWindow returns a window of size messages (0: unbounded, for a
// caller that relies on the client's own limit) publishing with pub.
// onAck, if not nil, is called with each acknowledgement and its message's
// value, in publish order.
func NewPublishWindow[T any](pub AsyncPublisher, size int, onAck func(*jetstream.PubAck, T)) *PublishWindow[T] {
	return &PublishWindow[T]{pub: pub, size: size, onAck: onAck}
}

// Publish publishes m with opts and returns without its acknowledgement,
// unless m fills the window: then it waits for every outstanding one, as
// Flush, and reports flushed. The error is the client's or JetStream's,
// as "publish <subject>: …", or ctx's error if ctx ends while it waits.
func (w *PublishWindow[T]) Publish(ctx context.Context, m *nats.Msg, v T, opts ...jetstream.PublishOpt) (flushed bool, err error) {
	f, err := w.pub.PublishMsgAsync(m, opts...)
	if err != nil {
		return false, fmt.Errorf("publish %s: %w", m.Subject, err)
	}
	w.pending = append(w.pending, inflight[T]{f: f, v: v})
	if w.size == 0 || len(w.pending) < w.size {
		return false, nil
	}
	return true, w.Flush(ctx)
}

// Flush waits for the acknowledgement of every message published and not
// yet acknowledged, in publish order, handing each to onAck. It returns
// at the first failure, "publish <subject>: …" wrapping JetStream's
// error, or with ctx's error if ctx ends first.
func (w *PublishWindow[T]) Flush(ctx context.Context) error {
	for i, p := range w.pending {
		select {
		case ack := <-p.f.Ok():
			if w.onAck != nil {
				w.onAck(ack, p.v)
			}
		case err := <-p.f.Err():
			w.pending = w.pending[i+1:]
			return fmt.Errorf("publish %s: %w", p.f.Msg().Subject, err)
		case <-ctx.Done():
			w.pending = w.pending[i:]
			return ctx.Err()
		}
	}
	clear(w.pending)
	w.pending = w.pending[:0]
	return nil
}
