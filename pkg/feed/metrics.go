package feed

import "github.com/prometheus/client_golang/prometheus"

// Poll results, the result label of cw_feed_polls_total.
const (
	resultOK          = "ok"
	resultNotModified = "not_modified"
	resultError       = "error"
	resultBadBody     = "bad_body"
)

// metrics are the per-source Prometheus series.
type metrics struct {
	polls       *prometheus.CounterVec // source, result
	events      *prometheus.CounterVec // source
	unchanged   *prometheus.CounterVec // source
	deadLetters *prometheus.CounterVec // source
	warnings    *prometheus.CounterVec // source
	lastSuccess *prometheus.GaugeVec   // source
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_feed_polls_total", Help: "Polls by source and result (ok, not_modified, error, bad_body).",
		}, []string{"source", "result"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_feed_events_published_total", Help: "New or changed observations published, by source.",
		}, []string{"source"}),
		unchanged: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_feed_events_unchanged_total", Help: "Observations already published unchanged, not re-emitted, by source.",
		}, []string{"source"}),
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_feed_dead_letters_total", Help: "Bodies and observations sent to cw.dlq.ingest, by source.",
		}, []string{"source"}),
		warnings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cw_feed_warnings_total", Help: "Parser warnings (e.g. funds not adding up to the total), by source.",
		}, []string{"source"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "cw_feed_last_success_timestamp_seconds", Help: "Unix time of the last successful poll, by source.",
		}, []string{"source"}),
	}
	for _, c := range []prometheus.Collector{m.polls, m.events, m.unchanged, m.deadLetters, m.warnings, m.lastSuccess} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
