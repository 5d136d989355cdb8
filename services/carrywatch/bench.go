package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/bench"
	"github.com/carrywatch/carrywatch/pkg/chfx"
	"github.com/carrywatch/carrywatch/pkg/chschema"
	"github.com/carrywatch/carrywatch/pkg/logfx"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/progress"
)

// benchReport is what `carrywatch bench` prints as one JSON line.
type benchReport struct {
	Mode      string                  `json:"mode"`
	CPUs      int                     `json:"cpus"`
	Sink      bench.SinkResult        `json:"sink"`
	Freshness []bench.FreshnessResult `json:"freshness"`
	Scorer    bench.ScorerResult      `json:"scorer"`
	Memory    memoryResult            `json:"memory"`
	Targets   []targetResult          `json:"targets"`
	ElapsedMS int64                   `json:"elapsed_ms"`
}

// targetResult says whether one target was reached and, if not, by how
// much the measure falls short (as a fraction of the target).
type targetResult struct {
	Name    string  `json:"name"`
	Value   float64 `json:"value"`
	Target  float64 `json:"target"`
	Met     bool    `json:"met"`
	ShortBy float64 `json:"short_by,omitempty"`
}

// atLeast and atMost build a targetResult.
func atLeast(name string, v, t float64) targetResult {
	r := targetResult{Name: name, Value: v, Target: t, Met: v >= t}
	if !r.Met && t != 0 {
		r.ShortBy = (t - v) / t
	}
	return r
}

func atMost(name string, v, t float64) targetResult {
	r := targetResult{Name: name, Value: v, Target: t, Met: v <= t}
	if !r.Met && t != 0 {
		r.ShortBy = (v - t) / t
	}
	return r
}

// targets checks rep against the performance targets.
func targets(rep *benchReport) []targetResult {
	out := []targetResult{atLeast("sink_ratio", rep.Sink.Ratio, 0.7)}
	for _, f := range rep.Freshness {
		if f.Rate == 10000 {
			out = append(out, atMost("freshness_p99_us_at_10k", f.P99, 2000), atMost("latency_ratio_at_10k", f.LatencyRatio, 3))
		}
	}
	out = append(out,
		atLeast("scorer_eps", rep.Scorer.EventsPerSecond, 1_000_000),
		atMost("scorer_allocs_per_event", rep.Scorer.AllocsPerEvent, 0.01), // 0 rounded: one growing slice per thousands of events
		atMost("rss_growth", rep.Memory.Growth, 0.10))
	return out
}

// memoryResult is the peak RSS of `carrywatch up` replaying two sizes of
// the synthetic scenario against the bench's ClickHouse (so the RSS is
// carrywatch's alone: embedded NATS, sink, scorer and player).
type memoryResult struct {
	SmallEvents int     `json:"small_events"`
	SmallRSSKB  int64   `json:"small_peak_rss_kb"`
	SmallMS     int64   `json:"small_elapsed_ms"`
	LargeEvents int     `json:"large_events"`
	LargeRSSKB  int64   `json:"large_peak_rss_kb"`
	LargeMS     int64   `json:"large_elapsed_ms"`
	Growth      float64 `json:"rss_growth"` // LargeRSSKB / SmallRSSKB - 1
}

type benchSizes struct {
	sinkEvents, sinkBatch int
	freshDur              time.Duration
	heartbeat             time.Duration
	runs                  int
	rssSmall, rssLarge    int
}

func newBenchCmd() *cobra.Command {
	var quick bool
	cmd := &cobra.Command{
		Use:   "bench [--quick]",
		Short: "Measure the pipeline against this machine's own limits and print a JSON report",
		Long: `Measure, in one run on this machine: sink throughput against raw JetStream
consumption and raw ClickHouse inserts (sink_ratio), score freshness at 1k and
10k events/s against a NATS round trip (latency_ratio), and the scorer alone on
one core (events/s, allocations per event), and the peak RSS of carrywatch up
replaying 1M and 5M synthetic events (growth between the two). Uses a fresh
embedded NATS per measurement and a fresh database on CW_CLICKHOUSE_ADDR or a
local ClickHouse. --quick (40k and 200k events for the RSS) finishes in about
a minute; the full run takes about twenty.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sizes := benchSizes{sinkEvents: 200_000, sinkBatch: 5000, freshDur: 10 * time.Second, heartbeat: 10 * time.Second, runs: 5,
				rssSmall: 1_000_000, rssLarge: 5_000_000}
			mode := "full"
			if quick {
				sizes = benchSizes{sinkEvents: 20_000, sinkBatch: 5000, freshDur: 2 * time.Second, heartbeat: time.Minute, runs: 3,
					rssSmall: 40_000, rssLarge: 200_000}
				mode = "quick"
			}
			c, err := loadConfig()
			if err != nil {
				return err
			}
			// Progress on stderr when it is a terminal, below the logs;
			// stdout keeps the one JSON report line.
			prog := progress.For(cmd.ErrOrStderr())
			defer prog.Clear()
			log := logfx.New("carrywatch", c.Log, prog.Above(cmd.ErrOrStderr()))
			rep, err := runBench(cmd.Context(), c, sizes, log, prog)
			if err != nil {
				return err
			}
			rep.Mode = mode
			prog.Clear()
			printBenchTable(cmd.ErrOrStderr(), rep)
			return json.NewEncoder(cmd.OutOrStdout()).Encode(rep)
		},
	}
	cmd.Flags().BoolVar(&quick, "quick", false, "small sizes, about a minute")
	return cmd
}

// benchStages is how many stages runBench shows on its progress line.
const benchStages = 7

// runBench runs every measurement, naming each stage on prog as it starts.
func runBench(ctx context.Context, c config, sizes benchSizes, log zerolog.Logger, prog *progress.Writer) (*benchReport, error) {
	start := time.Now()
	stage := 0
	step := func(format string, args ...any) {
		stage++
		prog.Step("bench %d/%d (%s elapsed): %s", stage, benchStages, time.Since(start).Round(time.Second), fmt.Sprintf(format, args...))
	}
	step("preparing ClickHouse")
	dir, err := os.MkdirTemp("", "carrywatch-bench-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	chAddr := ""
	if len(c.CH.Addr) > 0 {
		chAddr = c.CH.Addr[0]
	} else {
		srv, err := startLocalClickHouse(ctx, filepath.Join(dir, "clickhouse"), log)
		if err != nil {
			return nil, err
		}
		defer func() { _ = srv.Stop() }()
		chAddr = srv.Addr()
	}
	db := fmt.Sprintf("cw_bench_%d", time.Now().UnixNano())
	chCfg := c.CH
	chCfg.Addr, chCfg.Database = []string{chAddr}, db
	conn, err := chfx.Open(ctx, chCfg.WithDefaults())
	if err != nil {
		return nil, err
	}
	defer func() {
		_ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
		_ = conn.Close()
	}()
	d, err := chschema.DetectDialect(ctx, conn)
	if err != nil {
		return nil, err
	}
	if _, err := chschema.Migrate(ctx, conn, chschema.Target{Database: db}, d, log); err != nil {
		return nil, err
	}

	env := func(name string) (bench.Env, func(), error) {
		srv, err := natsfx.StartEmbedded(natsfx.EmbeddedConfig{Listen: "127.0.0.1:-1", StoreDir: filepath.Join(dir, name)}, log)
		if err != nil {
			return bench.Env{}, nil, err
		}
		return bench.Env{NATSURL: srv.ClientURL(), ClickHouseAddr: chAddr, Database: db, Log: log},
			func() { srv.Shutdown(); srv.WaitForShutdown() }, nil
	}
	rep := &benchReport{CPUs: runtimeCPUs()}
	step("sink throughput, %d events", sizes.sinkEvents)
	e, stop, err := env("sink")
	if err != nil {
		return nil, err
	}
	rep.Sink, err = bench.SinkThroughput(ctx, e, sizes.sinkEvents, sizes.sinkBatch)
	stop()
	if err != nil {
		return nil, fmt.Errorf("sink throughput: %w", err)
	}
	for _, rate := range []int{1000, 10000} {
		step("freshness at %d events/s for %s", rate, sizes.freshDur)
		e, stop, err := env(fmt.Sprintf("fresh-%d", rate))
		if err != nil {
			return nil, err
		}
		fr, err := bench.Freshness(ctx, e, rate, sizes.freshDur)
		stop()
		if err != nil {
			return nil, fmt.Errorf("freshness at %d/s: %w", rate, err)
		}
		rep.Freshness = append(rep.Freshness, fr)
	}
	step("scorer alone, %d runs", sizes.runs)
	if rep.Scorer, err = bench.Scorer(sizes.heartbeat, sizes.runs); err != nil {
		return nil, fmt.Errorf("scorer: %w", err)
	}
	for _, n := range []int{sizes.rssSmall, sizes.rssLarge} {
		step("peak RSS of carrywatch up replaying %d events", n)
		rss, ms, err := upPeakRSS(ctx, c, chAddr, filepath.Join(dir, fmt.Sprintf("up-%d", n)), n)
		if err != nil {
			return nil, fmt.Errorf("memory at %d events: %w", n, err)
		}
		log.Debug().Int("events", n).Int64("peak_rss_kb", rss).Msg("memory measured")
		if n == sizes.rssSmall {
			rep.Memory.SmallEvents, rep.Memory.SmallRSSKB, rep.Memory.SmallMS = n, rss, ms
		} else {
			rep.Memory.LargeEvents, rep.Memory.LargeRSSKB, rep.Memory.LargeMS = n, rss, ms
		}
	}
	if rep.Memory.SmallRSSKB > 0 {
		rep.Memory.Growth = float64(rep.Memory.LargeRSSKB)/float64(rep.Memory.SmallRSSKB) - 1
	}
	rep.Targets = targets(rep)
	rep.ElapsedMS = time.Since(start).Milliseconds()
	return rep, nil
}

// upPeakRSS runs this binary's `up --scenario synthetic:n --speed 0
// --exit-when-done` on a data dir of its own and a database of its own on
// chAddr, and returns the peak resident set size (KiB) up reports for
// itself and how long it ran. ClickHouse is the bench's, not a child of up,
// so the figure is carrywatch's alone. (getrusage on the child would not
// do: a child's maxrss starts at its parent's, copied before exec.)
func upPeakRSS(ctx context.Context, c config, chAddr, dataDir string, n int) (int64, int64, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	db := fmt.Sprintf("cw_bench_up_%d", time.Now().UnixNano())
	defer func() {
		chCfg := c.CH
		chCfg.Addr, chCfg.Database = []string{chAddr}, db
		if conn, err := chfx.Open(context.Background(), chCfg.WithDefaults()); err == nil {
			_ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db)
			_ = conn.Close()
		}
		_ = os.RemoveAll(dataDir)
	}()
	cmd := exec.CommandContext(ctx, self, "up", "--scenario", fmt.Sprintf("synthetic:%d", n), "--speed", "0",
		"--exit-when-done", "--timeout", "60m", "--data-dir", dataDir, "--nats-listen", "127.0.0.1:-1", "--http-addr", "")
	cmd.Env = append(os.Environ(), "CW_CLICKHOUSE_ADDR="+chAddr, "CW_CLICKHOUSE_DATABASE="+db, "CW_NATS_URL=",
		"CW_FEED_CONFIG=", "CW_LOG_LEVEL=warn")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, fmt.Errorf("%w: %s", err, tailLines(errOut.String(), 5))
	}
	var rep report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || !rep.Complete || rep.Stored != n {
		return 0, 0, fmt.Errorf("up did not store the %d events: %s", n, strings.TrimSpace(out.String()))
	}
	if rep.PeakRSSKB == 0 {
		return 0, 0, fmt.Errorf("up reported no peak RSS (it reads /proc/self/status, Linux only)")
	}
	return rep.PeakRSSKB, time.Since(start).Milliseconds(), nil
}

// tailLines returns the last n lines of s.
func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func printBenchTable(w io.Writer, rep *benchReport) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "measure\tvalue\tbaseline\tratio\ttarget\n")
	fmt.Fprintf(tw, "sink (rows visible/s)\t%.0f\tmin(jetstream %.0f, clickhouse %.0f)\t%.2f\t>= 0.70\n",
		rep.Sink.Sink, rep.Sink.RawJetStream, rep.Sink.RawClickHouse, rep.Sink.Ratio)
	for _, f := range rep.Freshness {
		fmt.Fprintf(tw, "freshness p99 at %d/s (µs)\t%.0f (p50 %.0f, p99.9 %.0f)\tnats p99 %.0f\t%.2f\tp99 <= 2000 µs, ratio <= 3\n",
			f.Rate, f.P99, f.P50, f.P999, f.BaselineP99, f.LatencyRatio)
	}
	fmt.Fprintf(tw, "scorer (events/s, 1 core)\t%.0f\t\t\t>= 1,000,000\n", rep.Scorer.EventsPerSecond)
	fmt.Fprintf(tw, "scorer allocs/event\t%.3f\t(a print: %.1f)\t\t0\n", rep.Scorer.AllocsPerEvent, rep.Scorer.AllocsPerPrint)
	fmt.Fprintf(tw, "up peak RSS at %d events (MiB)\t%.0f\tat %d: %.0f\t%+.1f%%\t<= +10%%\n", rep.Memory.LargeEvents,
		float64(rep.Memory.LargeRSSKB)/1024, rep.Memory.SmallEvents, float64(rep.Memory.SmallRSSKB)/1024, 100*rep.Memory.Growth)
	_ = tw.Flush()
	for _, t := range rep.Targets {
		if t.Met {
			fmt.Fprintf(w, "target %s: met (%.4g, target %.4g)\n", t.Name, t.Value, t.Target)
		} else {
			fmt.Fprintf(w, "target %s: NOT met (%.4g, target %.4g, short by %.0f%%)\n", t.Name, t.Value, t.Target, 100*t.ShortBy)
		}
	}
}

func runtimeCPUs() int { return runtime.NumCPU() }
