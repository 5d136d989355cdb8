package sink

import (
	"math"
	"time"

	"github.com/carrywatch/carrywatch/pkg/backoff"

	"github.com/carrywatch/carrywatch/pkg/envconfig"
)

// Config tunes batching, acknowledgement and retries.
type Config struct {
	// Consumer prefixes the durable consumer names: <prefix>-events,
	// <prefix>-scores, <prefix>-dlq. Sinks sharing a prefix share the work.
	Consumer string `env:"CW_SINK_CONSUMER" envDefault:"sink"`
	// BatchMaxRows flushes a table's batch when it holds this many rows.
	BatchMaxRows int `env:"CW_SINK_BATCH_MAX_ROWS" envDefault:"5000"`
	// BatchMaxWait flushes a table's batch when its oldest row is this old.
	// A batch filled while the consumer was behind its stream is flushed as
	// soon as it catches up instead.
	BatchMaxWait time.Duration `env:"CW_SINK_BATCH_MAX_WAIT" envDefault:"500ms"`
	// AckWait is how long JetStream waits for an ack before redelivering. A
	// message may wait for its batch (BatchMaxWait) and for the flushes of
	// every table of its stream before it, so it must exceed BatchMaxWait +
	// (tables + 1) × InsertTimeout.
	AckWait time.Duration `env:"CW_SINK_ACK_WAIT" envDefault:"60s"`
	// InsertTimeout bounds one ClickHouse batch insert.
	InsertTimeout time.Duration `env:"CW_SINK_INSERT_TIMEOUT" envDefault:"10s"`
	// RetryBase is the first redelivery delay after a failed insert; it
	// doubles per delivery up to RetryMax.
	RetryBase time.Duration `env:"CW_SINK_RETRY_BASE" envDefault:"1s"`
	// RetryMax caps the redelivery delay.
	RetryMax time.Duration `env:"CW_SINK_RETRY_MAX" envDefault:"30s"`
	// MaxDeliver bounds how often JetStream delivers one message, so that
	// none is redelivered forever. A message that fails on its last
	// delivery is dead-lettered with code max_deliveries and the last
	// failure as its reason. Failed inserts count, so the redelivery
	// delays of MaxDeliver deliveries (RetryWindow) must span the longest
	// ClickHouse outage the sink rides out without dead-lettering valid
	// events: 100 at the default delays spans 47 minutes.
	MaxDeliver int `env:"CW_SINK_MAX_DELIVER" envDefault:"100"`
	// LagInterval is how often consumer lag is read for the metrics.
	LagInterval time.Duration `env:"CW_SINK_LAG_INTERVAL" envDefault:"5s"`
	// AckStallMax is how long a consumer's ack floor may stay put while it
	// has messages pending before the sink reports not ready: a message
	// that is neither stored nor dead-lettered holds it. It must exceed
	// AckWait, the time any message may take.
	AckStallMax time.Duration `env:"CW_SINK_ACK_STALL_MAX" envDefault:"5m"`
}

// DefaultConfig returns the defaults of the env tags.
func DefaultConfig() Config {
	return Config{
		Consumer:      "sink",
		BatchMaxRows:  5000,
		BatchMaxWait:  500 * time.Millisecond,
		AckWait:       60 * time.Second,
		InsertTimeout: 10 * time.Second,
		RetryBase:     time.Second,
		RetryMax:      30 * time.Second,
		MaxDeliver:    100,
		LagInterval:   5 * time.Second,
		AckStallMax:   5 * time.Minute,
	}
}

// Validate reports every setting that cannot work, alone or with the
// others, each wrapping ErrInvalidConfig and naming its variable; nil when
// c is usable.
func (c Config) Validate() error {
	p := envconfig.Problems{Sentinel: ErrInvalidConfig}
	if c.Consumer == "" {
		p.Addf("CW_SINK_CONSUMER is empty")
	}
	if c.BatchMaxRows < 1 || c.BatchMaxRows > 1_000_000 {
		p.Addf("CW_SINK_BATCH_MAX_ROWS %d is outside 1..1000000", c.BatchMaxRows)
	}
	if c.BatchMaxWait <= 0 {
		p.Addf("CW_SINK_BATCH_MAX_WAIT must be positive")
	}
	if c.InsertTimeout <= 0 {
		p.Addf("CW_SINK_INSERT_TIMEOUT must be positive")
	}
	if c.AckWait <= c.minAckWait() {
		p.Addf("CW_SINK_ACK_WAIT %s must exceed batch max wait + %d × insert timeout (%s)",
			c.AckWait, maxTablesPerStream+1, c.minAckWait())
	}
	if c.RetryBase <= 0 || c.RetryMax < c.RetryBase {
		p.Addf("CW_SINK_RETRY_BASE must be positive and at most CW_SINK_RETRY_MAX")
	}
	if c.MaxDeliver < 2 {
		p.Addf("CW_SINK_MAX_DELIVER %d must be at least 2: one delivery and one retry", c.MaxDeliver)
	}
	if c.LagInterval <= 0 {
		p.Addf("CW_SINK_LAG_INTERVAL must be positive")
	}
	if c.AckStallMax <= c.AckWait {
		p.Addf("CW_SINK_ACK_STALL_MAX %s must exceed CW_SINK_ACK_WAIT %s", c.AckStallMax, c.AckWait)
	}
	return p.Err()
}

// maxTablesPerStream is the most tables one consumer flushes in turn
// (CW_EVENTS: JGB yields, Fed odds, ETF flows, venue status).
const maxTablesPerStream = 4

// minAckWait is the longest a delivered message can wait for its ack: its
// batch's age plus one flush per table and one dead-letter publish.
func (c Config) minAckWait() time.Duration {
	return c.BatchMaxWait + (maxTablesPerStream+1)*c.InsertTimeout
}

// retryPolicy is RetryBase doubling to RetryMax: the redelivery delays of a
// failing message and the waits between attempts to recreate a consumer.
func (c Config) retryPolicy() backoff.Policy {
	return backoff.Policy{First: c.RetryBase, Max: c.RetryMax}
}

// retryDelay is the redelivery delay for a message delivered n times.
func (c Config) retryDelay(n uint64) time.Duration {
	return c.retryPolicy().Delay(int(min(n, math.MaxInt32)))
}

// RetryWindow returns the least time for which a message whose insert
// keeps failing is redelivered before it is dead-lettered: the sum of the
// delays after its first MaxDeliver-1 deliveries.
func (c Config) RetryWindow() time.Duration {
	var w time.Duration
	for n := uint64(1); n < uint64(max(c.MaxDeliver, 1)); n++ {
		w += c.retryDelay(n)
	}
	return w
}
