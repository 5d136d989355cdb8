package natstest_test

import (
	"context"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

func TestNew(t *testing.T) {
	srv := natstest.New(t)
	assert.True(t, srv.Srv.Running())
	assert.True(t, srv.Srv.JetStreamEnabled())
	assert.Equal(t, srv.Srv.ClientURL(), srv.URL)

	nc := srv.Connect(t)
	sub, err := nc.SubscribeSync("cw.events.>")
	require.NoError(t, err)
	require.NoError(t, nc.Publish("cw.events.test", []byte("x")))
	msg, err := sub.NextMsg(5 * time.Second)
	require.NoError(t, err)
	assert.Equal(t, "x", string(msg.Data))

	js := srv.Streams(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{natsfx.StreamEvents, natsfx.StreamScores, natsfx.StreamDLQ} {
		s, err := js.Stream(ctx, name)
		require.NoError(t, err, name)
		assert.Equal(t, natsfx.MinDuplicates, s.CachedInfo().Config.Duplicates, name)
	}
	ack, err := js.Publish(ctx, "cw.dlq.sink", []byte("bad"))
	require.NoError(t, err)
	assert.Equal(t, natsfx.StreamDLQ, ack.Stream)
}

func TestServersAreIsolated(t *testing.T) {
	a, b := natstest.New(t), natstest.New(t)
	assert.NotEqual(t, a.URL, b.URL)
	assert.NotEqual(t, a.Srv.StoreDir(), b.Srv.StoreDir())
}

func TestNewWithOptions(t *testing.T) {
	srv := natstest.NewWithOptions(t, func(o *server.Options) {
		o.Users = []*server.User{{Username: "scorer", Password: "pw"}}
	})
	_, err := nats.Connect(srv.URL)
	require.ErrorIs(t, err, nats.ErrAuthorization)

	nc := srv.Connect(t, nats.UserInfo("scorer", "pw"))
	assert.True(t, nc.IsConnected())
	srv.Streams(t, nats.UserInfo("scorer", "pw"))
}

func TestCleanupShutsDown(t *testing.T) {
	var srv *natstest.Server
	var nc *nats.Conn
	t.Run("inner", func(t *testing.T) {
		srv = natstest.New(t)
		nc = srv.Connect(t)
	})
	assert.False(t, srv.Srv.Running())
	assert.True(t, nc.IsClosed())
}

// A restarted server listens on the same URL and brings back the streams
// and messages of its file store; a client reconnects to it by itself.
func TestRestartKeepsPortAndStore(t *testing.T) {
	srv := natstest.New(t)
	js := srv.Streams(t, nats.ReconnectWait(20*time.Millisecond), nats.MaxReconnects(-1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := js.Publish(ctx, "cw.dlq.sink", []byte("before"))
	require.NoError(t, err)
	url, old := srv.URL, srv.Srv

	srv.Restart(t)
	assert.False(t, old.Running())
	assert.Equal(t, url, srv.URL)
	require.Eventually(t, func() bool { return js.Conn().IsConnected() }, 30*time.Second, 10*time.Millisecond)
	s, err := js.Stream(ctx, natsfx.StreamDLQ)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), s.CachedInfo().State.Msgs, "the message survived the restart")
	_, err = js.Publish(ctx, "cw.dlq.sink", []byte("after"))
	require.NoError(t, err)
}

// A 3-node cluster serves R3 streams; when the leader of one is shut down a
// survivor takes over and the stream keeps its messages.
func TestClusterElectsANewStreamLeader(t *testing.T) {
	c := natstest.NewCluster(t, 3)
	require.Len(t, c.Servers, 3)
	nc, err := nats.Connect(c.URL(), nats.MaxReconnects(-1), nats.ReconnectWait(20*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), natstest.ClusterTimeout)
	defer cancel()
	cfg := natsfx.DefaultConfig().Streams
	cfg.Replicas = 3
	require.NoError(t, natsfx.EnsureStreams(ctx, js, cfg))
	_, err = js.Publish(ctx, "cw.dlq.sink", []byte("before"))
	require.NoError(t, err)

	leader := c.WaitStreamLeader(t, natsfx.StreamDLQ)
	leader.Shutdown()
	next := c.WaitStreamLeader(t, natsfx.StreamDLQ)
	assert.NotSame(t, leader, next)
	require.Eventually(t, func() bool {
		s, err := js.Stream(ctx, natsfx.StreamDLQ)
		return err == nil && s.CachedInfo().State.Msgs == 1
	}, natstest.ClusterTimeout, 20*time.Millisecond, "the message survived the leader")
}
