package scorer

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	events    prometheus.Counter
	invalid   prometheus.Counter
	prints    prometheus.Counter
	index     prometheus.Gauge
	watermark prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		events:    prometheus.NewCounter(prometheus.CounterOpts{Name: "cw_scorer_events_total", Help: "Input events applied to the model."}),
		invalid:   prometheus.NewCounter(prometheus.CounterOpts{Name: "cw_scorer_invalid_events_total", Help: "Input events skipped as invalid (the sink dead-letters them)."}),
		prints:    prometheus.NewCounter(prometheus.CounterOpts{Name: "cw_scorer_prints_total", Help: "Prints published to cw.risk.score."}),
		index:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "cw_scorer_index", Help: "The last published CLRI (0-100)."}),
		watermark: prometheus.NewGauge(prometheus.GaugeOpts{Name: "cw_scorer_watermark_seq", Help: "The last CW_EVENTS sequence applied."}),
	}
	for _, c := range []prometheus.Collector{m.events, m.invalid, m.prints, m.index, m.watermark} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
