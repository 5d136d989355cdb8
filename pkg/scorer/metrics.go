package scorer

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	events    prometheus.Counter
	invalid   prometheus.Counter
	late      prometheus.Counter
	prints    prometheus.Counter
	index     prometheus.Gauge
	watermark prometheus.Gauge
	pending   prometheus.GaugeFunc
}

// newMetrics registers the scorer's metrics; pending reports the prints
// selected and not yet settled.
func newMetrics(reg prometheus.Registerer, pending func() float64) (*metrics, error) {
	m := &metrics{
		events:  prometheus.NewCounter(prometheus.CounterOpts{Name: "cw_scorer_events_total", Help: "Input events applied to the model."}),
		invalid: prometheus.NewCounter(prometheus.CounterOpts{Name: "cw_scorer_invalid_events_total", Help: "Input events skipped as invalid (the sink dead-letters them)."}),
		late: prometheus.NewCounter(prometheus.CounterOpts{Name: "cw_scorer_late_observations_total",
			Help: "Observations left out of the index because their day is older than their series' latest (stored all the same)."}),
		prints:    prometheus.NewCounter(prometheus.CounterOpts{Name: "cw_scorer_prints_total", Help: "Prints published to cw.risk.score."}),
		index:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "cw_scorer_index", Help: "The last published CLRI (0-100)."}),
		watermark: prometheus.NewGauge(prometheus.GaugeOpts{Name: "cw_scorer_watermark_seq", Help: "The last CW_EVENTS sequence applied."}),
		pending: prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "cw_scorer_prints_pending",
			Help: "Prints selected by the model and not yet acknowledged by JetStream."}, pending),
	}
	for _, c := range []prometheus.Collector{m.events, m.invalid, m.late, m.prints, m.index, m.watermark, m.pending} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
