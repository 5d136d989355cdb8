package risk

// state is everything a Model remembers; Snapshot writes it as JSON.
type state struct {
	Version         string       `json:"model_version"`
	CalibrationHash string       `json:"calibration_hash"`
	Seq             uint64       `json:"seq"`
	Now             int64        `json:"now"` // event time, Unix ms; 0 before the first valid event
	JGB             []tenorState `json:"jgb"`
	Fed             fedState     `json:"fed"`
	ETF             etfState     `json:"etf"`
	Venue           venueState   `json:"venue"`
	Corr            corrState    `json:"corr"`
	Hourly          []hourSample `json:"hourly"`
	Regime          int          `json:"regime"` // level of the index alone, after hysteresis
	Pub             pubState     `json:"published"`
}

// corrState is the EWMA covariance of block scores demeaned at neutral.
type corrState struct {
	Cov [nBlocks][nBlocks]float64 `json:"cov"`
	N   int                       `json:"n"` // daily samples taken
}

// hourSample is the block contributions at one sample boundary.
type hourSample struct {
	Ms      int64            `json:"ms"`
	Contrib [nBlocks]float64 `json:"contrib"`
}

// pubState is the last published print's identity for the publish rule.
type pubState struct {
	Has      bool     `json:"has"`
	Index    float64  `json:"index"`
	Regime   string   `json:"regime"`
	Triggers []string `json:"triggers"`
	Ms       int64    `json:"ms"`
}

// compVal is one component at one instant.
type compVal struct {
	ok    bool // available; absent components are not on the print
	score float64
	raw   float64
	asOf  int64
	conf  float64
}

// setFrozen stores v in *f, reusing the frozenComp already there (it is
// never shared outside the state).
func setFrozen(f **frozenComp, v frozenComp) {
	if *f == nil {
		*f = new(frozenComp)
	}
	**f = v
}

// advance moves event time to `to`, taking the daily samples (correlation,
// B1 EWMA) at every UTC midnight and the contribution samples at every
// sample boundary crossed, each evaluated at its boundary instant.
func (m *Model) advance(to int64) {
	from := m.s.Now
	step := m.p.driverSampleMs
	hourStart := max((from/step+1)*step, (to/step)*step-m.p.driverWindowMs-step)
	d0, d1 := day(from)+1, day(to)
	if n := int(d1 - d0 + 1); n > maxDailySamples {
		m.s.Corr.N += n - maxDailySamples
		d0 = d1 - maxDailySamples + 1
	}
	for d := d0; d <= d1 && int64(d)*msPerDay < hourStart; d++ {
		m.sampleDay(int64(d) * msPerDay)
	}
	for h := hourStart; h <= to; h += step {
		if h%msPerDay == 0 && day(h) >= d0 {
			m.sampleDay(h)
		}
		m.sampleHour(h)
	}
	m.s.Now = to
	m.pruneFed()
}

// sampleDay takes the daily samples at midnight t.
func (m *Model) sampleDay(t int64) {
	ev := m.evaluate(t)
	lam := m.p.corrLambda
	var d [nBlocks]float64
	for j := range d {
		d[j] = ev.blocks[j] - m.p.neutral
	}
	for i := range nBlocks {
		for j := range nBlocks {
			m.s.Corr.Cov[i][j] = lam*m.s.Corr.Cov[i][j] + (1-lam)*d[i]*d[j]
		}
	}
	m.s.Corr.N++
	if ev.bLive {
		mv := ev.comps[cB1].raw
		m.s.Fed.B1Var = m.p.b1Lambda*m.s.Fed.B1Var + (1-m.p.b1Lambda)*mv*mv
	}
}

// sampleHour records the contributions at boundary t.
func (m *Model) sampleHour(t int64) {
	ev := m.evaluate(t)
	ag := m.aggregate(ev.blocks)
	m.s.Hourly = append(m.s.Hourly, hourSample{Ms: t, Contrib: ag.contrib})
	keep := t - m.p.driverWindowMs - m.p.driverSampleMs
	k := 0
	for k < len(m.s.Hourly) && m.s.Hourly[k].Ms < keep {
		k++
	}
	m.s.Hourly = m.s.Hourly[k:] // as pruneFed: no copy, append reallocates
}
