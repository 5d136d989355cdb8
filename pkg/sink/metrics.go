package sink

import "github.com/prometheus/client_golang/prometheus"

// metrics are the sink's Prometheus series.
type metrics struct {
	consumed    *prometheus.CounterVec   // stream
	rows        *prometheus.CounterVec   // table
	batchTime   *prometheus.HistogramVec // table
	insertFails *prometheus.CounterVec   // table
	pending     *prometheus.GaugeVec     // consumer
	stalled     *prometheus.GaugeVec     // consumer
	deadLetters *prometheus.CounterVec   // code
	abandoned   *prometheus.CounterVec   // stream
	ready       prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		consumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_sink_messages_consumed_total", Help: "Messages received from JetStream, by stream.",
		}, []string{"stream"}),
		rows: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_sink_rows_inserted_total", Help: "Rows ClickHouse accepted, by table.",
		}, []string{"table"}),
		batchTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "cw_sink_batch_duration_seconds", Help: "Time to insert one batch, by table.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 15),
		}, []string{"table"}),
		insertFails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_sink_insert_failures_total", Help: "Batches ClickHouse did not accept (redelivered later), by table.",
		}, []string{"table"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cw_sink_consumer_lag_messages", Help: "Messages not yet delivered plus delivered but not acked, by consumer.",
		}, []string{"consumer"}),
		stalled: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cw_sink_ack_floor_stalled_seconds",
			Help: "How long the consumer's ack floor has not moved while messages were pending (0 when it moves or nothing is pending), by consumer.",
		}, []string{"consumer"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_sink_dead_letters_total", Help: "Messages rejected to cw.dlq.sink, by code.",
		}, []string{"code"}),
		abandoned: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_sink_messages_abandoned_total",
			Help: "Messages whose deliveries ran out and whose dead letter could not be published; they stay in their stream (logged with stream_seq), by stream.",
		}, []string{"stream"}),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "cw_sink_ready", Help: "1 while the last ClickHouse insert or ping succeeded.",
		}),
	}
	for _, c := range []prometheus.Collector{m.consumed, m.rows, m.batchTime, m.insertFails, m.pending, m.stalled, m.deadLetters, m.abandoned, m.ready} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
