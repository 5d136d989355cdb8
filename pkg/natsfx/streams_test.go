package natsfx_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestStreamConfigs(t *testing.T) {
	cfg := natsfx.StreamsConfig{
		EventsMaxAge: 90 * 24 * time.Hour,
		ScoresMaxAge: 0,
		DLQMaxAge:    30 * 24 * time.Hour,
		MaxBytes:     1 << 30,
		Replicas:     3,
		Duplicates:   48 * time.Hour,
	}
	got := natsfx.StreamConfigs(cfg)
	require.Len(t, got, 3)

	tests := []struct {
		name        string
		subject     string
		maxAge      time.Duration
		allowDirect bool
	}{
		{natsfx.StreamEvents, event.SubjectEvents, 90 * 24 * time.Hour, false},
		{natsfx.StreamScores, event.SubjectRisk, 0, true},
		{natsfx.StreamDLQ, event.SubjectDLQ, 30 * 24 * time.Hour, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := got[i]
			assert.Equal(t, tt.name, sc.Name)
			assert.Equal(t, []string{tt.subject}, sc.Subjects)
			assert.Equal(t, tt.maxAge, sc.MaxAge)
			assert.Equal(t, tt.allowDirect, sc.AllowDirect)
			assert.Equal(t, jetstream.FileStorage, sc.Storage)
			assert.Equal(t, jetstream.LimitsPolicy, sc.Retention)
			assert.Equal(t, jetstream.DiscardOld, sc.Discard)
			assert.Equal(t, 48*time.Hour, sc.Duplicates)
			assert.Equal(t, 3, sc.Replicas)
			assert.Equal(t, int64(1<<30), sc.MaxBytes)
			assert.Equal(t, int64(-1), sc.MaxMsgs)
			assert.Equal(t, int64(-1), sc.MaxMsgsPerSubject)
		})
	}
}

// requireStreams asserts the server holds exactly the CW_* streams with
// cfg's settings.
func requireStreams(t *testing.T, js jetstream.JetStream, cfg natsfx.StreamsConfig) {
	t.Helper()
	ctx := testContext(t)
	var names []string
	lister := js.StreamNames(ctx)
	for name := range lister.Name() {
		names = append(names, name)
	}
	require.NoError(t, lister.Err())
	assert.ElementsMatch(t, []string{natsfx.StreamEvents, natsfx.StreamScores, natsfx.StreamDLQ}, names)

	for _, want := range natsfx.StreamConfigs(cfg) {
		s, err := js.Stream(ctx, want.Name)
		require.NoError(t, err, want.Name)
		got := s.CachedInfo().Config
		assert.Equal(t, want.Subjects, got.Subjects, want.Name)
		assert.Equal(t, want.Duplicates, got.Duplicates, want.Name)
		assert.Equal(t, want.Replicas, got.Replicas, want.Name)
		assert.Equal(t, want.MaxAge, got.MaxAge, want.Name)
		assert.Equal(t, want.MaxBytes, got.MaxBytes, want.Name)
		assert.Equal(t, want.AllowDirect, got.AllowDirect, want.Name)
		assert.Equal(t, jetstream.FileStorage, got.Storage, want.Name)
		assert.Equal(t, jetstream.LimitsPolicy, got.Retention, want.Name)
	}
}

func TestEnsureStreamsIsIdempotent(t *testing.T) {
	srv := natstest.New(t)
	js := srv.JetStream(t)
	cfg := natsfx.DefaultConfig().Streams
	cfg.Duplicates = 48 * time.Hour
	cfg.EventsMaxAge = 90 * 24 * time.Hour

	require.NoError(t, natsfx.EnsureStreams(testContext(t), js, cfg))
	require.NoError(t, natsfx.EnsureStreams(testContext(t), js, cfg))
	requireStreams(t, js, cfg)

	// A changed retention is applied to the existing streams.
	cfg.DLQMaxAge = 7 * 24 * time.Hour
	require.NoError(t, natsfx.EnsureStreams(testContext(t), js, cfg))
	requireStreams(t, js, cfg)
}

// ensureConcurrently calls EnsureStreams at once with each of cfgs, each
// on a connection of its own like separate processes, checks that every
// call succeeds and returns the connections in the order of cfgs.
func ensureConcurrently(t *testing.T, srv *natstest.Server, cfgs ...natsfx.StreamsConfig) []jetstream.JetStream {
	t.Helper()
	jss := make([]jetstream.JetStream, len(cfgs))
	for i := range jss {
		jss[i] = srv.JetStream(t)
	}
	ctx := testContext(t)
	errs := make([]error, len(cfgs))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, cfg := range cfgs {
		wg.Go(func() {
			<-start
			errs[i] = natsfx.EnsureStreams(ctx, jss[i], cfg)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "caller %d", i)
	}
	return jss
}

func TestEnsureStreamsConcurrently(t *testing.T) {
	srv := natstest.New(t)
	cfg := natsfx.DefaultConfig().Streams
	cfg.DLQMaxAge = 0

	jss := ensureConcurrently(t, srv, cfg, cfg, cfg, cfg)
	requireStreams(t, jss[0], cfg)
}

// TestEnsureStreamsConcurrentlyWithDifferentConfigs is a rolling upgrade:
// old and new processes start together with different retention. Each
// call must succeed (a lost create race falls back to update) and one
// configuration wins whole.
func TestEnsureStreamsConcurrentlyWithDifferentConfigs(t *testing.T) {
	srv := natstest.New(t)
	oldCfg := natsfx.DefaultConfig().Streams
	newCfg := oldCfg
	newCfg.EventsMaxAge = 90 * 24 * time.Hour
	newCfg.ScoresMaxAge = 90 * 24 * time.Hour
	newCfg.DLQMaxAge = 7 * 24 * time.Hour

	jss := ensureConcurrently(t, srv, oldCfg, newCfg, oldCfg, newCfg)
	ctx := testContext(t)
	s, err := jss[0].Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	assert.Contains(t, []time.Duration{oldCfg.DLQMaxAge, newCfg.DLQMaxAge}, s.CachedInfo().Config.MaxAge)
	// Whichever won, re-running with the new config converges on it.
	require.NoError(t, natsfx.EnsureStreams(ctx, jss[0], newCfg))
	requireStreams(t, jss[0], newCfg)
}

func TestEnsureStreamsRefusesImpossibleReplicas(t *testing.T) {
	srv := natstest.New(t)
	cfg := natsfx.DefaultConfig().Streams
	cfg.Replicas = 3 // a single server cannot hold three replicas
	err := natsfx.EnsureStreams(testContext(t), srv.JetStream(t), cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ensure stream CW_EVENTS: ")
}

func TestJetStreamDeduplicatesByMsgID(t *testing.T) {
	srv := natstest.New(t)
	js := srv.Streams(t)
	ctx := testContext(t)
	subject := event.SubjectJGBYield("10Y")

	first, err := js.Publish(ctx, subject, []byte(`{"yield":1.86}`), jetstream.WithMsgID("jgb-10y-2025-12-01"))
	require.NoError(t, err)
	second, err := js.Publish(ctx, subject, []byte(`{"yield":1.86}`), jetstream.WithMsgID("jgb-10y-2025-12-01"))
	require.NoError(t, err)
	other, err := js.Publish(ctx, subject, []byte(`{"yield":1.87}`), jetstream.WithMsgID("jgb-10y-2025-12-02"))
	require.NoError(t, err)

	assert.Equal(t, natsfx.StreamEvents, first.Stream)
	assert.False(t, first.Duplicate)
	assert.True(t, second.Duplicate)
	assert.Equal(t, first.Sequence, second.Sequence)
	assert.False(t, other.Duplicate)

	s, err := js.Stream(ctx, natsfx.StreamEvents)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), info.State.Msgs)
}

// PublishEvent stores an event once on its subject, under its id: the
// same event again is acknowledged as a duplicate of the first.
func TestPublishEvent(t *testing.T) {
	js := natstest.New(t).Streams(t)
	ctx := context.Background()
	ev := &event.JGBYield{Meta: event.Meta{Source: "test", ObservedAt: time.Date(2025, 12, 1, 6, 0, 0, 0, time.UTC)}, Tenor: "10Y", YieldPct: 1.881}
	event.Seal(ev, time.Now())

	first, err := natsfx.PublishEvent(ctx, js, ev)
	require.NoError(t, err)
	assert.False(t, first.Duplicate)
	again, err := natsfx.PublishEvent(ctx, js, ev)
	require.NoError(t, err)
	assert.True(t, again.Duplicate)
	assert.Equal(t, first.Sequence, again.Sequence)

	stored := natstest.Stored(t, js, natsfx.StreamEvents, ev.Subject())
	require.Len(t, stored, 1)
	assert.Equal(t, ev.ID, stored[0].Headers().Get(jetstream.MsgIDHeader))
}

func TestScoresKeepLastPerSubject(t *testing.T) {
	srv := natstest.New(t)
	js := srv.Streams(t)
	ctx := testContext(t)
	for i, body := range []string{`{"score":41}`, `{"score":63}`} {
		_, err := js.Publish(ctx, event.SubjectRiskScore, []byte(body), jetstream.WithMsgID("score-"+string(rune('a'+i))))
		require.NoError(t, err)
	}
	_, err := js.Publish(ctx, event.SubjectComponent("jgb"), []byte(`{"score":80}`))
	require.NoError(t, err)

	s, err := js.Stream(ctx, natsfx.StreamScores)
	require.NoError(t, err)
	last, err := s.GetLastMsgForSubject(ctx, event.SubjectRiskScore)
	require.NoError(t, err)
	assert.Equal(t, `{"score":63}`, string(last.Data))
	assert.Equal(t, uint64(2), last.Sequence)
}

// Without CW_NATS_MANAGE_STREAMS a Bus only checks the streams: it names a
// missing one, and leaves existing ones as the administrator made them.
func TestBusVerifiesStreamsWithoutManagingThem(t *testing.T) {
	srv := natstest.New(t)
	cfg := natsfx.DefaultConfig()
	cfg.URL = srv.URL
	cfg.ManageStreams = false
	log, _ := testLogger(t)

	err := natsfx.New(cfg, log).Start(testContext(t))
	require.ErrorIs(t, err, natsfx.ErrStreamMissing)
	assert.Contains(t, err.Error(), "CW_EVENTS does not exist")

	admin := srv.JetStream(t)
	made := natsfx.DefaultConfig().Streams
	made.EventsMaxAge = 90 * 24 * time.Hour
	require.NoError(t, natsfx.EnsureStreams(testContext(t), admin, made))

	bus := natsfx.New(cfg, log) // cfg.Streams keeps events forever
	require.NoError(t, bus.Start(testContext(t)))
	t.Cleanup(func() { _ = bus.Stop(context.Background()) })
	requireStreams(t, admin, made)

	t.Run("a stream that does not capture its subjects", func(t *testing.T) {
		dlq := natsfx.StreamConfigs(made)[2]
		dlq.Subjects = []string{"cw.dead.>"}
		_, err := admin.UpdateStream(testContext(t), dlq)
		require.NoError(t, err)
		err = natsfx.New(cfg, log).Start(testContext(t))
		require.ErrorIs(t, err, natsfx.ErrStreamMissing)
		assert.Contains(t, err.Error(), "CW_DLQ captures [cw.dead.>], not cw.dlq.>")
	})
}

// A request the server refuses gets no reply; the start error says why.
func TestBusStartQuotesThePermissionViolation(t *testing.T) {
	srv := natstest.NewWithOptions(t, func(o *server.Options) {
		o.Users = []*server.User{{Username: "reader", Password: "pw", Permissions: &server.Permissions{
			Publish:   &server.SubjectPermission{Allow: []string{"cw.events.>"}},
			Subscribe: &server.SubjectPermission{Allow: []string{"_INBOX.>"}},
		}}}
	})
	cfg := natsfx.DefaultConfig()
	cfg.URL, cfg.User, cfg.Password = srv.URL, "reader", "pw"
	cfg.ManageStreams = false
	log, _ := testLogger(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := natsfx.New(cfg, log).Start(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "look up stream CW_EVENTS")
	assert.Contains(t, err.Error(), `Permissions Violation for Publish to "$JS.API.STREAM.INFO.CW_EVENTS"`)
}
