package natstest

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"
)

// ClusterTimeout bounds forming a cluster and electing a leader. Raft
// elections take seconds even on an idle machine; on a loaded one they take
// longer, so this is generous.
const ClusterTimeout = 60 * time.Second

// Cluster is a JetStream cluster of in-process servers routed to each
// other on loopback, each with its own store in t.TempDir().
type Cluster struct {
	// Name is the cluster's name.
	Name string
	// Servers are the nodes, named n1, n2, …; each may be shut down and
	// restarted on its port and store like a single Server.
	Servers []*Server
}

// NewCluster starts n JetStream servers (n ≥ 1) forming cluster "cw" on
// 127.0.0.1, each routed to all the others, and waits up to ClusterTimeout
// for a JetStream meta leader that every node follows. The servers are
// shut down when the test ends. The route ports are picked free before the
// servers start (each server must know its peers' ports), so another
// process could take one in between; the test then fails at start, it
// does not misbehave.
func NewCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 1 {
		t.Fatalf("natstest: a cluster needs at least one server, got %d", n)
	}
	ports := freePorts(t, n)
	routes := make([]*url.URL, n)
	for i, p := range ports {
		routes[i] = &url.URL{Scheme: "nats", Host: net.JoinHostPort("127.0.0.1", fmt.Sprint(p))}
	}
	c := &Cluster{Name: "cw"}
	for i := range n {
		opts := options(t)
		opts.ServerName = fmt.Sprintf("n%d", i+1)
		opts.Cluster = server.ClusterOpts{Name: c.Name, Host: "127.0.0.1", Port: ports[i]}
		opts.Routes = routes
		s := &Server{opts: opts}
		s.start(t)
		t.Cleanup(s.Shutdown)
		c.Servers = append(c.Servers, s)
	}
	c.WaitMetaLeader(t)
	return c
}

// freePorts returns n distinct ports free on 127.0.0.1 at the time of the
// call.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("natstest: pick a route port: %v", err)
		}
		defer func() { _ = l.Close() }() // held until all are picked, so they differ
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// URL returns every running server's client URL, comma-separated, as
// CW_NATS_URL takes them.
func (c *Cluster) URL() string {
	var urls []string
	for _, s := range c.Servers {
		urls = append(urls, s.URL)
	}
	return strings.Join(urls, ",")
}

// running returns the servers that have not been shut down.
func (c *Cluster) running() []*Server {
	var up []*Server
	for _, s := range c.Servers {
		if s.Srv.Running() {
			up = append(up, s)
		}
	}
	return up
}

// WaitMetaLeader waits up to ClusterTimeout until exactly one running
// server is the JetStream meta leader and every running server is current
// with it, and returns the leader.
func (c *Cluster) WaitMetaLeader(t testing.TB) *Server {
	t.Helper()
	var leader *Server
	require.Eventually(t, func() bool {
		leader = nil
		for _, s := range c.running() {
			if !s.Srv.JetStreamIsCurrent() {
				return false
			}
			if s.Srv.JetStreamIsLeader() {
				if leader != nil {
					return false
				}
				leader = s
			}
		}
		return leader != nil
	}, ClusterTimeout, 20*time.Millisecond, "natstest: no JetStream meta leader that every node follows")
	return leader
}

// StreamLeader returns the running server leading stream in the global
// account, nil if none does right now (an election is under way).
func (c *Cluster) StreamLeader(stream string) *Server {
	for _, s := range c.running() {
		if s.Srv.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, stream) {
			return s
		}
	}
	return nil
}

// WaitStreamLeader waits up to ClusterTimeout until a running server leads
// stream and every running server holding a replica of it is current, and
// returns the leader.
func (c *Cluster) WaitStreamLeader(t testing.TB, stream string) *Server {
	t.Helper()
	var leader *Server
	require.Eventually(t, func() bool {
		leader = c.StreamLeader(stream)
		if leader == nil {
			return false
		}
		for _, s := range c.running() {
			if s.Srv.JetStreamIsStreamAssigned(server.DEFAULT_GLOBAL_ACCOUNT, stream) &&
				!s.Srv.JetStreamIsStreamCurrent(server.DEFAULT_GLOBAL_ACCOUNT, stream) {
				return false
			}
		}
		return true
	}, ClusterTimeout, 20*time.Millisecond, "natstest: stream %s has no leader that its replicas follow", stream)
	return leader
}
