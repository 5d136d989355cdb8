package natsfx_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// embeddedConfig is a Config for an embedded server on a random port.
func embeddedConfig(storeDir string) natsfx.Config {
	cfg := natsfx.DefaultConfig()
	cfg.Embedded = natsfx.EmbeddedConfig{Listen: "127.0.0.1:-1", StoreDir: storeDir}
	cfg.ReconnectWait = 20 * time.Millisecond
	cfg.ReconnectMaxWait = 200 * time.Millisecond
	return cfg
}

// streamMsgs returns how many messages stream holds.
func streamMsgs(t *testing.T, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	ctx := testContext(t)
	s, err := js.Stream(ctx, stream)
	require.NoError(t, err)
	info, err := s.Info(ctx)
	require.NoError(t, err)
	return info.State.Msgs
}

func TestBusEmbeddedStartStop(t *testing.T) {
	log, logs := testLogger(t)
	b := natsfx.New(embeddedConfig(""), log)
	assert.ErrorIs(t, b.Ready(), natsfx.ErrNotStarted)
	assert.Nil(t, b.Conn())
	assert.Nil(t, b.JetStream())

	require.NoError(t, b.Start(testContext(t)))
	t.Cleanup(func() { _ = b.Stop(context.Background()) })

	srv := b.Embedded()
	require.NotNil(t, srv)
	assert.NoError(t, b.Ready())
	assert.True(t, strings.HasPrefix(b.ClientURL(), "nats://127.0.0.1:"), b.ClientURL())
	assert.True(t, srv.JetStreamEnabled())
	requireStreams(t, b.JetStream(), natsfx.DefaultConfig().Streams)
	_, err := b.JetStream().Publish(testContext(t), event.SubjectRiskScore, []byte(`{"score":50}`))
	require.NoError(t, err)

	tempStore := filepath.Dir(srv.StoreDir()) // nats-server stores under <dir>/jetstream
	require.DirExists(t, tempStore)
	assert.ErrorIs(t, b.Start(testContext(t)), natsfx.ErrAlreadyStarted)

	nc := b.Conn()
	require.NoError(t, b.Stop(testContext(t)))
	assert.True(t, nc.IsClosed())
	assert.False(t, srv.Running())
	assert.NoDirExists(t, tempStore, "temporary store is removed on stop")
	assert.ErrorIs(t, b.Ready(), natsfx.ErrNotStarted)
	assert.Nil(t, b.Embedded())
	assert.Empty(t, b.ClientURL())
	assert.NoError(t, b.Stop(testContext(t)), "second stop is a no-op")

	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), `"message":"nats connection closed"`)
	}, 5*time.Second, 10*time.Millisecond)
	assert.NotContains(t, logs.String(), "disconnected", "a deliberate close is not a disconnect")
	assert.Contains(t, logs.String(), `"component":"nats"`)
	assert.Contains(t, logs.String(), `"message":"nats connected, streams ready"`)
	assert.Contains(t, logs.String(), `"component":"nats-server"`)
}

func TestBusEmbeddedStoreSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	log, _ := testLogger(t)

	b := natsfx.New(embeddedConfig(dir), log)
	require.NoError(t, b.Start(testContext(t)))
	_, err := b.JetStream().Publish(testContext(t), event.SubjectETFFlow("IBIT"), []byte(`{}`), jetstream.WithMsgID("ibit-2025-11-20"))
	require.NoError(t, err)
	require.NoError(t, b.Stop(testContext(t)))
	require.DirExists(t, filepath.Join(dir, "jetstream"), "a configured store dir is kept")

	b = natsfx.New(embeddedConfig(dir), log)
	require.NoError(t, b.Start(testContext(t)))
	t.Cleanup(func() { _ = b.Stop(context.Background()) })
	assert.Equal(t, uint64(1), streamMsgs(t, b.JetStream(), natsfx.StreamEvents))
	ack, err := b.JetStream().Publish(testContext(t), event.SubjectETFFlow("IBIT"), []byte(`{}`), jetstream.WithMsgID("ibit-2025-11-20"))
	require.NoError(t, err)
	assert.True(t, ack.Duplicate, "the de-duplication window survives a restart")
}

func TestBusExternalServer(t *testing.T) {
	srv := natstest.New(t)
	log, _ := testLogger(t)
	cfg := natsfx.DefaultConfig()
	cfg.URL = srv.URL
	b := natsfx.New(cfg, log)
	require.NoError(t, b.Start(testContext(t)))

	assert.Nil(t, b.Embedded())
	assert.Equal(t, srv.URL, b.ClientURL())
	assert.NoError(t, b.Ready())
	requireStreams(t, srv.JetStream(t), cfg.Streams)

	// Stop drains: a message being handled is finished before the
	// connection closes.
	entered, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	_, err := b.Conn().Subscribe("cw.events.>", func(m *nats.Msg) {
		close(entered)
		<-release
		finished.Store(string(m.Data) == "halt")
	})
	require.NoError(t, err)
	require.NoError(t, b.Conn().Flush())
	other := srv.Connect(t)
	require.NoError(t, other.Publish(event.SubjectVenueStatus("CME"), []byte("halt")))
	require.NoError(t, other.Flush())
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("message not delivered")
	}

	nc := b.Conn()
	ctx := testContext(t)
	stopped := make(chan error, 1)
	go func() { stopped <- b.Stop(ctx) }()
	close(release)
	require.NoError(t, <-stopped)
	assert.True(t, finished.Load(), "stop waited for the handler")
	assert.True(t, nc.IsClosed())
	assert.True(t, srv.Srv.Running(), "an external server is left alone")
}

func TestBusStartErrors(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = taken.Close() })
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedURL := "nats://" + closed.Addr().String()
	require.NoError(t, closed.Close())

	tests := []struct {
		name    string
		cfg     func(c *natsfx.Config)
		wantErr error
		wantMsg string
	}{
		{
			name:    "invalid config",
			cfg:     func(c *natsfx.Config) { c.Streams.Duplicates = time.Minute },
			wantErr: natsfx.ErrInvalidConfig,
			wantMsg: "CW_STREAM_DUPLICATES",
		},
		{
			name:    "listen address taken",
			cfg:     func(c *natsfx.Config) { c.Embedded.Listen = taken.Addr().String() },
			wantErr: natsfx.ErrEmbeddedNotReady,
			wantMsg: "address already in use",
		},
		{
			name:    "server unreachable",
			cfg:     func(c *natsfx.Config) { c.URL = closedURL; c.ConnectTimeout = time.Second },
			wantErr: nats.ErrNoServers,
			wantMsg: "connect nats " + closedURL + ": ",
		},
		{
			name: "password in url is not echoed",
			cfg: func(c *natsfx.Config) {
				c.URL = strings.Replace(closedURL, "nats://", "nats://u:s3cret@", 1)
			},
			wantErr: nats.ErrNoServers,
			wantMsg: "u:xxxxx@",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := embeddedConfig("")
			tt.cfg(&cfg)
			log, _ := testLogger(t)
			b := natsfx.New(cfg, log)
			started := time.Now()
			err := b.Start(testContext(t))
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.NotContains(t, err.Error(), "s3cret")
			assert.Less(t, time.Since(started), 5*time.Second, "fails fast")
			assert.Nil(t, b.Conn())
			assert.Nil(t, b.Embedded())
			assert.ErrorIs(t, b.Ready(), natsfx.ErrNotStarted)
		})
	}
}

func TestModule(t *testing.T) {
	var b *natsfx.Bus
	app := fxtest.New(t,
		fx.Supply(embeddedConfig("")),
		fx.Provide(func() zerolog.Logger { return zerolog.Nop() }),
		natsfx.Module(),
		fx.Populate(&b),
	)
	require.NotNil(t, b)
	assert.ErrorIs(t, b.Ready(), natsfx.ErrNotStarted, "constructing does no I/O")
	app.RequireStart()
	assert.NoError(t, b.Ready())
	assert.NotNil(t, b.Embedded())
	app.RequireStop()
	assert.ErrorIs(t, b.Ready(), natsfx.ErrNotStarted)
}

func TestReconnectAfterServerRestart(t *testing.T) {
	dir := t.TempDir()
	log, logs := testLogger(t)
	b := natsfx.New(embeddedConfig(dir), log)
	require.NoError(t, b.Start(testContext(t)))
	t.Cleanup(func() { _ = b.Stop(context.Background()) })
	nc, js := b.Conn(), b.JetStream()

	sub, err := nc.SubscribeSync("cw.events.jgb.yield.>")
	require.NoError(t, err)
	_, err = js.Publish(testContext(t), event.SubjectJGBYield("2Y"), []byte("before"), jetstream.WithMsgID("2y-before"))
	require.NoError(t, err)
	msg, err := sub.NextMsg(5 * time.Second)
	require.NoError(t, err)
	require.Equal(t, "before", string(msg.Data))

	// Stop the server under the client, then start a new one on the same
	// port and store directory.
	first := b.Embedded()
	port := first.Addr().(*net.TCPAddr).Port
	first.Shutdown()
	first.WaitForShutdown()
	require.Eventually(t, func() bool { return !nc.IsConnected() }, 10*time.Second, 10*time.Millisecond)
	assert.ErrorIs(t, b.Ready(), natsfx.ErrNotConnected)
	assert.Contains(t, b.Ready().Error(), "status RECONNECTING")

	second, err := natsfx.StartEmbedded(natsfx.EmbeddedConfig{
		Listen:   "127.0.0.1:" + strconv.Itoa(port),
		StoreDir: dir,
	}, log)
	require.NoError(t, err)
	t.Cleanup(func() {
		second.Shutdown()
		second.WaitForShutdown()
	})

	require.Eventually(t, nc.IsConnected, 10*time.Second, 10*time.Millisecond)
	assert.NoError(t, b.Ready())

	_, err = js.Publish(testContext(t), event.SubjectJGBYield("10Y"), []byte("after"), jetstream.WithMsgID("10y-after"))
	require.NoError(t, err)
	msg, err = sub.NextMsg(5 * time.Second)
	require.NoError(t, err)
	assert.Equal(t, "after", string(msg.Data))
	assert.Equal(t, uint64(2), streamMsgs(t, js, natsfx.StreamEvents), "the stream survived the restart")

	wantURL := `"url":"nats://127.0.0.1:` + strconv.Itoa(port) + `"`
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), `"message":"nats reconnected"`)
	}, 5*time.Second, 10*time.Millisecond)
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"message":"nats disconnected, reconnecting"`) ||
			strings.Contains(line, `"message":"nats reconnected"`) {
			assert.Contains(t, line, wantURL)
			assert.Contains(t, line, `"component":"nats"`)
		}
	}
	assert.Contains(t, logs.String(), `"level":"warn","component":"nats"`)
}

func TestStartEmbeddedRandomPort(t *testing.T) {
	log, _ := testLogger(t)
	for _, listen := range []string{"127.0.0.1:0", "127.0.0.1:-1"} {
		t.Run(listen, func(t *testing.T) {
			srv, err := natsfx.StartEmbedded(natsfx.EmbeddedConfig{Listen: listen, StoreDir: t.TempDir()}, log)
			require.NoError(t, err)
			t.Cleanup(func() {
				srv.Shutdown()
				srv.WaitForShutdown()
			})
			port := srv.Addr().(*net.TCPAddr).Port
			assert.NotEqual(t, 4222, port)
			assert.Equal(t, "nats://127.0.0.1:"+strconv.Itoa(port), srv.ClientURL())
			assert.True(t, srv.JetStreamEnabled())
			nc, err := nats.Connect(srv.ClientURL())
			require.NoError(t, err)
			nc.Close()
		})
	}
}

func TestStartEmbeddedWildcardListen(t *testing.T) {
	log, _ := testLogger(t)
	cfg := embeddedConfig("")
	cfg.Embedded.Listen = "0.0.0.0:-1"
	b := natsfx.New(cfg, log)
	require.NoError(t, b.Start(testContext(t)))
	t.Cleanup(func() { _ = b.Stop(context.Background()) })
	assert.True(t, strings.HasPrefix(b.ClientURL(), "nats://127.0.0.1:"), b.ClientURL())
	_, err := os.Stat(b.Embedded().StoreDir())
	assert.NoError(t, err)
}
