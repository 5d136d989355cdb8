package natsfx_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/feed"
	"github.com/carrywatch/carrywatch/pkg/feed/formats"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/scenario"
	"github.com/carrywatch/carrywatch/pkg/scorer"
	"github.com/carrywatch/carrywatch/pkg/sink"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
)

// usersOf returns user name → account name and permissions of opts.
func usersOf(opts *server.Options) map[string]string {
	out := map[string]string{}
	for _, u := range opts.Users {
		acc := ""
		if u.Account != nil {
			acc = u.Account.Name
		}
		perms, err := json.Marshal(u.Permissions)
		if err != nil {
			panic(err)
		}
		out[u.Username] = acc + " " + string(perms)
	}
	return out
}

func TestDeployConfigFiles(t *testing.T) {
	single := loadDeployConfig(t, deployDir+"/nats.conf")
	assert.Equal(t, "0.0.0.0", single.Host)
	assert.Equal(t, 4222, single.Port)
	assert.Equal(t, 8222, single.HTTPPort, "monitoring")
	assert.True(t, single.JetStream)
	assert.Equal(t, "/data/jetstream", single.StoreDir)
	assert.Equal(t, "SYS", single.SystemAccount)
	users := usersOf(single)
	names := make([]string, 0, len(users))
	for name, accPerms := range users {
		names = append(names, name)
		assert.Regexp(t, `^CARRYWATCH `, accPerms, "user %s", name)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"admin", "ingest", "quant", "scorer", "sink"}, names)
	for _, u := range single.Users {
		assert.Equal(t, deployUsers[u.Username], u.Password, "%s's password comes from CW_NATS_%s_PASSWORD", u.Username, u.Username)
	}

	t.Setenv("POD_NAME", "nats-1")
	cluster := loadDeployConfig(t, deployDir+"/nats-cluster.conf")
	assert.Equal(t, "nats-1", cluster.ServerName, "server_name from POD_NAME")
	assert.Equal(t, "carrywatch", cluster.Cluster.Name)
	assert.Equal(t, 6222, cluster.Cluster.Port)
	assert.True(t, cluster.Cluster.NoAdvertise)
	routes := make([]string, 0, len(cluster.Routes))
	for _, r := range cluster.Routes {
		routes = append(routes, r.String())
	}
	assert.Equal(t, []string{
		"nats://nats-0.nats-headless:6222", "nats://nats-1.nats-headless:6222", "nats://nats-2.nats-headless:6222",
	}, routes)
	assert.Equal(t, 4222, cluster.Port)
	assert.Equal(t, 8222, cluster.HTTPPort)
	assert.True(t, cluster.JetStream)
	assert.Equal(t, "/data/jetstream", cluster.StoreDir)
	assert.Equal(t, "SYS", cluster.SystemAccount)
	assert.Equal(t, users, usersOf(cluster), "both files include the same accounts.conf")
	assert.Nil(t, cluster.TLSConfig)

	t.Run("a missing password stops the server from starting", func(t *testing.T) {
		setDeployPasswords(t)
		require.NoError(t, os.Unsetenv("CW_NATS_QUANT_PASSWORD")) // t.Setenv restores it
		_, err := server.ProcessConfigFile(deployDir + "/nats.conf")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "CW_NATS_QUANT_PASSWORD")
	})
}

func TestDeployAuthRefusesWrongCredentials(t *testing.T) {
	srv := startDeployServer(t, loadDeployConfig(t, deployDir+"/nats.conf"))
	connect := func(cfg natsfx.Config) error {
		log, logs := testLogger(t)
		opts, err := natsfx.Options(cfg, log)
		require.NoError(t, err)
		nc, err := nats.Connect(srv.URL, append(opts, nats.MaxReconnects(0))...)
		if err == nil {
			nc.Close()
		}
		for _, pw := range deployUsers {
			assert.NotContains(t, logs.String(), pw)
		}
		return err
	}
	for user := range deployUsers {
		t.Run(user+" logs in", func(t *testing.T) {
			require.NoError(t, connect(serviceConfig(srv.URL, user)))
		})
	}
	refused := map[string]func(*natsfx.Config){
		"wrong password":          func(c *natsfx.Config) { c.User, c.Password = "ingest", "guess" },
		"another user's password": func(c *natsfx.Config) { c.User, c.Password = "ingest", deployUsers["admin"] },
		"unknown user":            func(c *natsfx.Config) { c.User, c.Password = "root", deployUsers["admin"] },
		"no credentials":          func(*natsfx.Config) {},
		"token instead of user":   func(c *natsfx.Config) { c.Token = deployUsers["admin"] },
	}
	for name, set := range refused {
		t.Run(name+" is refused", func(t *testing.T) {
			cfg := natsfx.DefaultConfig()
			cfg.URL = srv.URL
			set(&cfg)
			assert.ErrorIs(t, connect(cfg), nats.ErrAuthorization)
		})
	}
}

// A quant desk reads the latest print and every new one, and can neither
// publish a score nor read anything else.
func TestDeployQuantReadsScoresAndPublishesNothing(t *testing.T) {
	srv, admin := startDeployNATS(t)
	ctx := testContext(t)
	scorerConn := connectAs(t, srv.URL, "scorer")
	quant := connectAs(t, srv.URL, "quant")

	ack, err := scorerConn.js.Publish(ctx, event.SubjectRiskScore, riskPrint(t, 0, 41.5))
	require.NoError(t, err)
	require.Equal(t, uint64(1), ack.Sequence)

	quant.refusePublish(t, event.SubjectRiskScore)
	quant.refusePublish(t, event.SubjectComponent("carry"))
	pubCtx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err = quant.js.Publish(pubCtx, event.SubjectRiskScore, riskPrint(t, 30, 99))
	cancel()
	require.Error(t, err, "a JetStream publish by quant is not acknowledged")
	quant.requireViolation(t, event.SubjectRiskScore)

	// The next print lands right after the first: nothing of quant's did.
	latest := riskPrint(t, 1, 62.25)
	ack, err = scorerConn.js.Publish(ctx, event.SubjectRiskScore, latest)
	require.NoError(t, err)
	assert.Equal(t, uint64(2), ack.Sequence, "CW_SCORES holds only the scorer's prints")
	assert.Equal(t, uint64(2), streamMsgs(t, admin, natsfx.StreamScores))

	t.Run("direct get of the last print", func(t *testing.T) {
		scores, err := quant.js.Stream(ctx, natsfx.StreamScores)
		require.NoError(t, err)
		msg, err := scores.GetLastMsgForSubject(ctx, event.SubjectRiskScore)
		require.NoError(t, err)
		assert.Equal(t, string(latest), string(msg.Data))
	})
	t.Run("ordered consumer from the last print, as the README shows", func(t *testing.T) {
		stream, err := quant.js.StreamNameBySubject(ctx, event.SubjectRiskScore)
		require.NoError(t, err, "carrywatch tail finds the stream of a subject")
		require.Equal(t, natsfx.StreamScores, stream)
		cons, err := quant.js.OrderedConsumer(ctx, natsfx.StreamScores, jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{event.SubjectRiskScore},
			DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
		})
		require.NoError(t, err)
		msg, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		require.NoError(t, err)
		assert.Equal(t, string(latest), string(msg.Data()))
	})
	t.Run("core subscription to new prints", func(t *testing.T) {
		sub, err := quant.nc.SubscribeSync(event.SubjectRisk)
		require.NoError(t, err)
		require.NoError(t, quant.nc.Flush())
		next := riskPrint(t, 2, 70)
		_, err = scorerConn.js.Publish(ctx, event.SubjectRiskScore, next)
		require.NoError(t, err)
		msg, err := sub.NextMsg(5 * time.Second)
		require.NoError(t, err)
		assert.Equal(t, string(next), string(msg.Data))
	})
	t.Run("nothing else", func(t *testing.T) {
		quant.refuseSubscribe(t, event.SubjectEvents)
		quant.refuseSubscribe(t, event.SubjectDLQ)
		quant.refuseSubscribe(t, "_INBOX_sink.>")
		quant.refuseRequest(t, "$JS.API.STREAM.INFO.CW_EVENTS", func(ctx context.Context) error {
			_, err := quant.js.Stream(ctx, natsfx.StreamEvents)
			return err
		})
		quant.refuseRequest(t, "$JS.API.CONSUMER.CREATE.CW_SCORES.sink-scores.cw.risk.score", func(ctx context.Context) error {
			_, err := quant.js.CreateOrUpdateConsumer(ctx, natsfx.StreamScores, jetstream.ConsumerConfig{
				Durable: "sink-scores", FilterSubject: event.SubjectRiskScore, AckPolicy: jetstream.AckExplicitPolicy,
			})
			return err
		})
		quant.refuseRequest(t, "$JS.API.STREAM.DELETE.CW_SCORES", func(ctx context.Context) error {
			return quant.js.DeleteStream(ctx, natsfx.StreamScores)
		})
	})
}

// The ingest services run their real poll loop as user ingest: events and
// dead letters land, and nothing else is allowed.
func TestDeployIngestPublishesEventsOnly(t *testing.T) {
	srv, admin := startDeployNATS(t)
	bus, busLogs := startBusAs(t, srv.URL, "ingest")

	dir := t.TempDir()
	good := filepath.Join(dir, "jgb.csv")
	require.NoError(t, os.WriteFile(good, []byte("date,tenor,yield_pct\n2025-11-03,10Y,1.701\n2025-11-04,10Y,1.712\n"), 0o600))
	bad := filepath.Join(dir, "broken.csv")
	require.NoError(t, os.WriteFile(bad, []byte("this is not the CSV the format expects\n"), 0o600))
	log, runnerLogs := testLogger(t)
	runner, err := feed.NewRunner([]feed.Source{
		{Name: "jgb", URL: "file://" + good, Format: "jgb-csv", Interval: time.Hour},
		{Name: "broken", URL: "file://" + bad, Format: "jgb-csv", Interval: time.Hour},
	}, formats.JGB(), bus, prometheus.NewRegistry(), log)
	require.NoError(t, err)
	require.NoError(t, runner.Start(testContext(t)))
	t.Cleanup(func() { _ = runner.Stop(context.Background()) })

	require.Eventually(t, func() bool {
		return streamMsgs(t, admin, natsfx.StreamEvents) == 2 && streamMsgs(t, admin, natsfx.StreamDLQ) == 1
	}, 20*time.Second, 10*time.Millisecond, "two yields in CW_EVENTS, the broken body in CW_DLQ")
	dlq, err := admin.Stream(testContext(t), natsfx.StreamDLQ)
	require.NoError(t, err)
	_, err = dlq.GetLastMsgForSubject(testContext(t), event.SubjectDeadLetter("ingest"))
	require.NoError(t, err, "the dead letter is on cw.dlq.ingest")
	require.NoError(t, runner.Ready(testContext(t)))
	assertNoViolation(t, "ingest bus", busLogs)
	assertNoViolation(t, "ingest runner", runnerLogs)

	ingest := connectAs(t, srv.URL, "ingest")
	ctx := testContext(t)
	ack, err := ingest.js.Publish(ctx, event.SubjectJGBYield("2Y"), jgbYield(t, 5, 0.9))
	require.NoError(t, err, "ingest publishes cw.events.* into CW_EVENTS")
	assert.Equal(t, natsfx.StreamEvents, ack.Stream)

	ingest.refusePublish(t, event.SubjectRiskScore)
	ingest.refusePublish(t, event.SubjectComponent("carry"))
	ingest.refusePublish(t, event.SubjectDeadLetter("sink"))
	ingest.refuseSubscribe(t, event.SubjectEvents)
	ingest.refuseSubscribe(t, "_INBOX.>")
	ingest.refuseRequest(t, "$JS.API.CONSUMER.CREATE.CW_EVENTS.peek.cw.events.>", func(ctx context.Context) error {
		_, err := ingest.js.CreateOrUpdateConsumer(ctx, natsfx.StreamEvents, jetstream.ConsumerConfig{
			Name: "peek", FilterSubject: event.SubjectEvents,
		})
		return err
	})
	ingest.refuseRequest(t, "$JS.API.STREAM.CREATE.CW_STOLEN", func(ctx context.Context) error {
		_, err := ingest.js.CreateStream(ctx, jetstream.StreamConfig{Name: "CW_STOLEN", Subjects: []string{"stolen.>"}})
		return err
	})
	assert.Equal(t, uint64(0), streamMsgs(t, admin, natsfx.StreamScores), "no score from ingest")
	assert.Equal(t, uint64(1), streamMsgs(t, admin, natsfx.StreamDLQ), "no sink dead letter from ingest")
}

// The scorer runs its real code as user scorer: it consumes CW_EVENTS,
// publishes prints, saves and restores its state in its key-value bucket
// and publishes heartbeats, and may do nothing else.
func TestDeployScorerRunsAsScorer(t *testing.T) {
	srv, admin := startDeployNATS(t)
	data, err := scenario.Load("nov-2025")
	require.NoError(t, err)
	sc, err := scenario.Parse(data, time.Now())
	require.NoError(t, err)
	events := scenario.WithHeartbeats(sc.Events, 10*time.Minute)

	start := func(heartbeat time.Duration) (*scorer.Scorer, *logtest.Buffer, *logtest.Buffer) {
		bus, busLogs := startBusAs(t, srv.URL, "scorer")
		cfg := scorer.DefaultConfig()
		cfg.Heartbeat = heartbeat
		log, logs := testLogger(t)
		s, err := scorer.New(cfg, bus, prometheus.NewRegistry(), log)
		require.NoError(t, err)
		require.NoError(t, s.Start(testContext(t)))
		t.Cleanup(func() { _ = s.Stop(context.Background()) })
		return s, busLogs, logs
	}

	first, busLogs, logs := start(0)
	ingest := connectAs(t, srv.URL, "ingest")
	var last uint64
	for _, ev := range events {
		data, err := event.Marshal(ev)
		require.NoError(t, err)
		// A replay's heartbeats come from admin: ingest may not send them.
		js := ingest.js
		if ev.SchemaName() == event.SchemaHeartbeat {
			js = admin
		}
		ack, err := js.Publish(testContext(t), ev.Subject(), data, jetstream.WithMsgID(ev.Header().ID))
		require.NoError(t, err)
		last = ack.Sequence
	}
	require.Eventually(t, func() bool { return first.Watermark() >= last }, time.Minute, 10*time.Millisecond)
	_, prints := first.Last()
	require.Positive(t, prints)
	require.NoError(t, first.Ready(testContext(t)))
	require.NoError(t, first.Stop(testContext(t)))
	assert.Positive(t, streamMsgs(t, admin, natsfx.StreamScores), "prints and components in CW_SCORES")
	assert.NotContains(t, logs.String(), "not saved")
	assertNoViolation(t, "scorer bus", busLogs)

	second, busLogs, logs := start(50 * time.Millisecond)
	assert.Equal(t, last, second.Watermark(), "state restored from the snapshot the first scorer saved")
	assert.Contains(t, logs.String(), "state restored from snapshot")
	events0 := streamMsgs(t, admin, natsfx.StreamEvents)
	require.Eventually(t, func() bool { return streamMsgs(t, admin, natsfx.StreamEvents) > events0 }, 10*time.Second, 10*time.Millisecond)
	stream, err := admin.Stream(testContext(t), natsfx.StreamEvents)
	require.NoError(t, err)
	hb, err := stream.GetLastMsgForSubject(testContext(t), event.SubjectHeartbeat)
	require.NoError(t, err)
	ev, err := event.Parse(hb.Data, time.Now())
	require.NoError(t, err)
	assert.Equal(t, scorer.Source, ev.Header().Source, "the scorer's own heartbeat")
	assertNoViolation(t, "scorer bus", busLogs)
	assertNoViolation(t, "scorer", logs)

	// The sink's durable consumer exists before the scorer tries to use it.
	_, err = admin.CreateOrUpdateConsumer(testContext(t), natsfx.StreamEvents, jetstream.ConsumerConfig{
		Durable: "sink-events", AckPolicy: jetstream.AckExplicitPolicy,
	})
	require.NoError(t, err)
	conn := connectAs(t, srv.URL, "scorer")
	conn.refusePublish(t, event.SubjectJGBYield("10Y"))
	conn.refusePublish(t, event.SubjectVenueStatus("kraken"))
	conn.refusePublish(t, event.SubjectDeadLetter("scorer"))
	conn.refuseSubscribe(t, event.SubjectEvents)
	conn.refuseSubscribe(t, "_INBOX.>")
	conn.refusePull(t, natsfx.StreamEvents, "sink-events")
	conn.refuseRequest(t, "$JS.API.CONSUMER.DELETE.CW_EVENTS.sink-events", func(ctx context.Context) error {
		return conn.js.DeleteConsumer(ctx, natsfx.StreamEvents, "sink-events")
	})
	conn.refuseRequest(t, "$JS.API.STREAM.UPDATE.CW_SCORES", func(ctx context.Context) error {
		_, err := conn.js.UpdateStream(ctx, natsfx.StreamConfigs(natsfx.DefaultConfig().Streams)[1])
		return err
	})
}

// The sink runs its real code as user sink against a real ClickHouse: it
// creates its durable consumers, stores, acks, terminates and dead-letters,
// and may do nothing else.
func TestDeploySinkRunsAsSink(t *testing.T) {
	db := chtest.New(t)
	srv, admin := startDeployNATS(t)
	ctx := testContext(t)

	ingest := connectAs(t, srv.URL, "ingest")
	_, err := ingest.js.Publish(ctx, event.SubjectJGBYield("10Y"), jgbYield(t, 3, 1.701))
	require.NoError(t, err)
	malformed := []byte(`{"schema":"cw.jgb.yield/v1","tenor":"10Y","yield_pct":`)
	_, err = ingest.js.Publish(ctx, event.SubjectJGBYield("10Y"), malformed)
	require.NoError(t, err)
	now := time.Now()
	dlData, err := event.Marshal(event.NewDeadLetter("ingest", "", []byte("garbage"), 0, feed.ErrBadBody, now, now))
	require.NoError(t, err)
	_, err = ingest.js.Publish(ctx, event.SubjectDeadLetter("ingest"), dlData)
	require.NoError(t, err)
	scorerConn := connectAs(t, srv.URL, "scorer")
	_, err = scorerConn.js.Publish(ctx, event.SubjectRiskScore, riskPrint(t, 0, 41.5))
	require.NoError(t, err)

	bus, busLogs := startBusAs(t, srv.URL, "sink")
	ch := chtest.Client(t, db)
	cfg := sink.DefaultConfig()
	cfg.BatchMaxWait = 50 * time.Millisecond
	cfg.LagInterval = 50 * time.Millisecond
	log, logs := testLogger(t)
	s, err := sink.New(cfg, bus, ch, prometheus.NewRegistry(), log)
	require.NoError(t, err)
	require.NoError(t, s.Start(ctx))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Stop(stopCtx)
	})

	count := func(table string) uint64 {
		return chtest.Count(t, db, "SELECT count() FROM "+db.Database+"."+table)
	}
	require.Eventually(t, func() bool {
		return count("v_jgb_yields") == 1 && count("v_risk_scores") == 1 && count("v_dead_letters") == 2
	}, time.Minute, 20*time.Millisecond, "the yield, the print, ingest's dead letter and the sink's own")
	dlqStream, err := admin.Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	_, err = dlqStream.GetLastMsgForSubject(ctx, event.SubjectDeadLetter(sink.Stage))
	require.NoError(t, err, "the sink published the malformed message on cw.dlq.sink")
	for stream, name := range map[string]string{
		natsfx.StreamEvents: "sink-events", natsfx.StreamScores: "sink-scores", natsfx.StreamDLQ: "sink-dlq",
	} {
		cons, err := admin.Consumer(ctx, stream, name)
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			info, err := cons.Info(ctx)
			return err == nil && info.NumAckPending == 0 && info.NumPending == 0
		}, 20*time.Second, 10*time.Millisecond, "%s: every message acked or terminated", name)
	}
	require.Eventually(t, func() bool { return s.Ready(ctx) == nil }, 20*time.Second, 10*time.Millisecond)
	assertNoViolation(t, "sink bus", busLogs)
	assertNoViolation(t, "sink", logs)
	assert.NotContains(t, logs.String(), "pull error")
	assert.NotContains(t, logs.String(), "read consumer lag")

	conn := connectAs(t, srv.URL, "sink")
	conn.refusePublish(t, event.SubjectJGBYield("10Y"))
	conn.refusePublish(t, event.SubjectRiskScore)
	conn.refusePublish(t, event.SubjectDeadLetter("ingest"))
	conn.refuseSubscribe(t, event.SubjectEvents)
	conn.refuseSubscribe(t, "_INBOX.>")
	conn.refuseRequest(t, "$JS.API.CONSUMER.CREATE.CW_EVENTS.peek", func(ctx context.Context) error {
		_, err := conn.js.CreateOrUpdateConsumer(ctx, natsfx.StreamEvents, jetstream.ConsumerConfig{Name: "peek"})
		return err
	})
	conn.refuseRequest(t, "$JS.API.STREAM.PURGE.CW_EVENTS", func(ctx context.Context) error {
		st, err := conn.js.Stream(ctx, natsfx.StreamEvents)
		if err != nil {
			return err
		}
		return st.Purge(ctx)
	})
	assert.Equal(t, uint64(2), streamMsgs(t, admin, natsfx.StreamEvents))
}

// A service user with a reply prefix other than its own gets no reply and
// says why at start-up; without CW_NATS_INBOX_PREFIX it uses its own.
func TestDeployServiceWithoutItsInboxPrefixFailsAtStart(t *testing.T) {
	srv, _ := startDeployNATS(t)
	tests := []struct {
		name, prefix string
		wantErr      string // "" means it starts
	}{
		{name: "the default _INBOX", prefix: "_INBOX", wantErr: `Permissions Violation for Subscription to "_INBOX.`},
		{name: "another user's", prefix: "_INBOX_ingest", wantErr: `Permissions Violation for Subscription to "_INBOX_ingest.`},
		{name: "none: _INBOX_<user>", prefix: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := serviceConfig(srv.URL, "sink")
			cfg.InboxPrefix = tt.prefix
			log, _ := testLogger(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			bus := natsfx.New(cfg, log)
			err := bus.Start(ctx)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.NoError(t, bus.Stop(context.Background()))
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

// Heartbeats advance the scorer's event time: only the scorer, and admin,
// may publish them; every other user is refused and nothing is stored.
func TestDeployOnlyTheScorerPublishesHeartbeats(t *testing.T) {
	srv, admin := startDeployNATS(t)
	ctx := testContext(t)
	heartbeat := func(t *testing.T, minute int) []byte {
		return sealed(t, &event.Heartbeat{Meta: event.Meta{Source: "scorer", ObservedAt: time.Date(2030, 1, 1, 0, minute, 0, 0, time.UTC)}})
	}
	stored := func() uint64 {
		st, err := admin.Stream(ctx, natsfx.StreamEvents)
		require.NoError(t, err)
		info, err := st.Info(ctx, jetstream.WithSubjectFilter(event.SubjectHeartbeat))
		require.NoError(t, err)
		return info.State.Subjects[event.SubjectHeartbeat]
	}

	for i, user := range []string{"ingest", "sink", "quant"} {
		t.Run(user+" is refused", func(t *testing.T) {
			conn := connectAs(t, srv.URL, user)
			conn.refusePublish(t, event.SubjectHeartbeat)
			pubCtx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			defer cancel()
			_, err := conn.js.Publish(pubCtx, event.SubjectHeartbeat, heartbeat(t, i))
			require.Error(t, err, "a JetStream publish is not acknowledged")
			conn.requireViolation(t, event.SubjectHeartbeat)
		})
	}
	assert.Zero(t, stored(), "no refused heartbeat reached CW_EVENTS")

	for i, user := range []string{"scorer", "admin"} {
		t.Run(user+" publishes", func(t *testing.T) {
			conn := connectAs(t, srv.URL, user)
			ack, err := conn.js.Publish(ctx, event.SubjectHeartbeat, heartbeat(t, 10+i))
			require.NoError(t, err)
			assert.Equal(t, natsfx.StreamEvents, ack.Stream)
		})
	}
	assert.Equal(t, uint64(2), stored())
}

// ingest may publish yields, but a heartbeat sent on a yield subject does
// not move the scorer's event time: the scorer reads each subject's own
// kind only, as the sink does.
func TestDeployScorerIgnoresAHeartbeatOffItsSubject(t *testing.T) {
	srv, _ := startDeployNATS(t)
	ctx := testContext(t)
	bus, busLogs := startBusAs(t, srv.URL, "scorer")
	cfg := scorer.DefaultConfig()
	cfg.Heartbeat = 0
	log, _ := testLogger(t)
	s, err := scorer.New(cfg, bus, prometheus.NewRegistry(), log)
	require.NoError(t, err)
	require.NoError(t, s.Start(ctx))
	t.Cleanup(func() { _ = s.Stop(context.Background()) })

	ingest := connectAs(t, srv.URL, "ingest")
	forged := sealed(t, &event.Heartbeat{Meta: event.Meta{Source: scorer.Source, ObservedAt: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}})
	var last uint64
	for _, data := range [][]byte{jgbYield(t, 3, 1.70), forged, jgbYield(t, 4, 1.71)} {
		ack, err := ingest.js.Publish(ctx, event.SubjectJGBYield("10Y"), data)
		require.NoError(t, err)
		last = ack.Sequence
	}
	require.Eventually(t, func() bool { return s.Watermark() >= last }, 20*time.Second, 10*time.Millisecond)
	p, prints := s.Last()
	require.NotNil(t, p)
	require.Positive(t, prints)
	assert.False(t, p.ObservedAt.After(time.Date(2025, 11, 4, 6, 0, 0, 0, time.UTC)),
		"the scorer's event time is %s, past the last yield", p.ObservedAt)
	assertNoViolation(t, "scorer bus", busLogs)
}
