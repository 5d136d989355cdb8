package scorer

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// testBus is a Bus on a plain JetStream connection, for a scorer started
// without natsfx (whose start ensures the streams first).
type testBus struct {
	js       jetstream.JetStream
	replicas int
}

func (b testBus) JetStream() jetstream.JetStream { return b.js }
func (b testBus) StreamReplicas() int            { return b.replicas }

// freePorts returns n TCP ports free on 127.0.0.1 a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		require.NoError(t, l.Close())
	}
	return ports
}

// clusterNode starts node i of a three-node JetStream cluster whose route
// ports are routes; the others may start later.
func clusterNode(t *testing.T, i int, routes []int) *natstest.Server {
	t.Helper()
	return natstest.NewWithOptions(t, func(o *server.Options) {
		o.ServerName = fmt.Sprintf("n%d", i)
		o.Cluster = server.ClusterOpts{Name: "cw", Host: "127.0.0.1", Port: routes[i]}
		var urls []string
		for j, p := range routes {
			if j != i {
				urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", p))
			}
		}
		o.Routes = server.RoutesFromStr(strings.Join(urls, ","))
	})
}

// newBareScorer returns a scorer on its own connection to url whose state
// bucket has replicas.
func newBareScorer(t *testing.T, url string, replicas int, log io.Writer) *Scorer {
	t.Helper()
	conn := natstest.Server{URL: url}
	s, err := New(DefaultConfig(), testBus{js: conn.JetStream(t), replicas: replicas}, prometheus.NewRegistry(), zerolog.New(log))
	require.NoError(t, err)
	return s
}

// A scorer started with the first node of a cluster waits, retrying,
// while there is no meta leader and then too few peers for the state
// bucket's three replicas, and starts once the cluster has formed.
func TestStartRetriesWhileTheClusterForms(t *testing.T) {
	routes := freePorts(t, 3)
	first := clusterNode(t, 0, routes)
	var logs logtest.Buffer
	s := newBareScorer(t, first.URL, 3, &logs)
	started := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		started <- s.Start(ctx)
	}()
	t.Cleanup(func() { _ = s.Stop(context.Background()) })
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "jetstream not ready, will retry") },
		time.Minute, 10*time.Millisecond)

	clusterNode(t, 1, routes)
	js := first.JetStream(t)
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return natsfx.EnsureStreams(ctx, js, natsfx.DefaultConfig().Streams) == nil
	}, 2*time.Minute, 100*time.Millisecond, "two nodes elect a meta leader")
	select {
	case err := <-started:
		t.Fatalf("started with two of three nodes: %v", err)
	default:
	}

	clusterNode(t, 2, routes)
	select {
	case err := <-started:
		require.NoError(t, err)
	case <-time.After(3 * time.Minute):
		t.Fatal("Start did not return")
	}
	kv, err := js.KeyValue(context.Background(), DefaultConfig().StateBucket)
	require.NoError(t, err)
	status, err := kv.Status(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 3, status.(*jetstream.KeyValueBucketStatus).StreamInfo().Config.Replicas)
	assert.Contains(t, logs.String(), `"step":"state bucket CW_SCORER_STATE"`)
}

// When the cluster never forms, Start fails at its deadline naming the
// step and JetStream's last answer.
func TestStartNamesTheStepThatTimedOut(t *testing.T) {
	first := clusterNode(t, 0, freePorts(t, 3))
	s := newBareScorer(t, first.URL, 3, io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	err := s.Start(ctx)
	require.Error(t, err)
	assert.NoError(t, ctx.Err(), "Start returned before its deadline, with the step named")
	assert.True(t, strings.HasPrefix(err.Error(), "state bucket CW_SCORER_STATE: gave up after "), err.Error())
}

// Without CW_EVENTS the consumer step fails at once and says so.
func TestStartNamesTheConsumerStep(t *testing.T) {
	ns := natstest.New(t)
	s := newBareScorer(t, ns.URL, 1, io.Discard)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := s.Start(ctx)
	require.ErrorIs(t, err, jetstream.ErrStreamNotFound)
	assert.True(t, strings.HasPrefix(err.Error(), "ordered consumer on CW_EVENTS: "), err.Error())
}
