package chlocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"regexp"
	"sync"
	"text/template"

	"github.com/rs/zerolog"
)

// ClusterConfig describes a ClickHouse cluster of local servers.
type ClusterConfig struct {
	// Name is the cluster's name in every server's remote_servers; it must
	// match ^[A-Za-z_][A-Za-z0-9_]*$.
	Name string
	// ZooKeeper is the host:port of the ZooKeeper that coordinates the
	// servers (see StartZooKeeper).
	ZooKeeper string
	// Shards and Replicas (per shard) count the servers, each at least 1.
	Shards, Replicas int
}

var reClusterName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate reports every unusable field, wrapping ErrInvalidOption.
func (c ClusterConfig) Validate() error {
	var errs []error
	if !reClusterName.MatchString(c.Name) {
		errs = append(errs, fmt.Errorf("%w: cluster name %q must match %s", ErrInvalidOption, c.Name, reClusterName))
	}
	if _, _, err := net.SplitHostPort(c.ZooKeeper); err != nil {
		errs = append(errs, fmt.Errorf("%w: zookeeper address %q is not host:port", ErrInvalidOption, c.ZooKeeper))
	}
	if c.Shards < 1 || c.Replicas < 1 {
		errs = append(errs, fmt.Errorf("%w: %d shards of %d replicas: need at least one of each", ErrInvalidOption, c.Shards, c.Replicas))
	}
	return errors.Join(errs...)
}

// Cluster is a ClickHouse cluster of local servers.
type Cluster struct {
	// Name is the cluster's name in every server's remote_servers.
	Name string
	// Shards lists the servers of each shard, replicas in order.
	Shards [][]*Server
}

// clusterConfig is each server's config.d file: the cluster of every
// server's native address, its own {shard} and {replica} macros, the
// ZooKeeper, and the ON CLUSTER queue. The root stays <yandex> for 18.16.
var clusterConfig = template.Must(template.New("cluster.xml").Parse(`<?xml version="1.0"?>
<yandex>
  <remote_servers>
    <{{.Name}}>
{{- range .Shards}}
      <shard>
        <internal_replication>true</internal_replication>
{{- range .}}
        <replica><host>{{.Host}}</host><port>{{.Port}}</port></replica>
{{- end}}
      </shard>
{{- end}}
    </{{.Name}}>
  </remote_servers>
  <zookeeper>
    <node><host>{{.ZKHost}}</host><port>{{.ZKPort}}</port></node>
    <session_timeout_ms>30000</session_timeout_ms>
  </zookeeper>
  <macros>
    <cluster>{{.Name}}</cluster>
    <shard>{{.Shard}}</shard>
    <replica>{{.Replica}}</replica>
  </macros>
  <distributed_ddl>
    <path>/clickhouse/task_queue/ddl</path>
  </distributed_ddl>
</yandex>
`))

type hostPort struct{ Host, Port string }

// StartCluster starts cfg.Shards × cfg.Replicas servers forming cluster
// cfg.Name, each on its own directory dir/s<shard>r<replica>, coordinated
// through the ZooKeeper at cfg.ZooKeeper: each server's {shard} macro is its
// shard's index, its {replica} macro s<shard>r<replica>, and every shard
// replicates internally. It returns once every server answers; if one fails
// to start, it stops those already started. The error wraps
// ErrInvalidOption or is Start's.
func StartCluster(ctx context.Context, dir string, log zerolog.Logger, cfg ClusterConfig) (*Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("start local cluster: %w", err)
	}
	zkHost, zkPort, _ := net.SplitHostPort(cfg.ZooKeeper)
	dirs := make([][]string, cfg.Shards)
	addrs := make([][]hostPort, cfg.Shards)
	for s := range cfg.Shards {
		for r := range cfg.Replicas {
			d := filepath.Join(dir, replicaName(s, r))
			addr, err := AddrFor(d)
			if err != nil {
				return nil, fmt.Errorf("start local cluster: %w", err)
			}
			host, port, _ := net.SplitHostPort(addr)
			dirs[s] = append(dirs[s], d)
			addrs[s] = append(addrs[s], hostPort{host, port})
		}
	}
	c := &Cluster{Name: cfg.Name, Shards: make([][]*Server, cfg.Shards)}
	for s := range cfg.Shards {
		for r := range cfg.Replicas {
			var xml bytes.Buffer
			if err := clusterConfig.Execute(&xml, map[string]any{
				"Name": cfg.Name, "Shards": addrs, "ZKHost": zkHost, "ZKPort": zkPort,
				"Shard": s, "Replica": replicaName(s, r),
			}); err != nil {
				return nil, errors.Join(fmt.Errorf("start local cluster: %w", err), c.Stop())
			}
			srv, err := Start(ctx, dirs[s][r], log.With().Str("replica", replicaName(s, r)).Logger(),
				WithConfigFile("cluster.xml", xml.Bytes()))
			if err != nil {
				return nil, errors.Join(fmt.Errorf("start cluster server %s: %w", replicaName(s, r), err), c.Stop())
			}
			c.Shards[s] = append(c.Shards[s], srv)
		}
	}
	return c, nil
}

// replicaName names replica r of shard s: its directory and {replica} macro.
func replicaName(s, r int) string { return fmt.Sprintf("s%dr%d", s, r) }

// Servers returns every server, shard by shard.
func (c *Cluster) Servers() []*Server {
	var all []*Server
	for _, s := range c.Shards {
		all = append(all, s...)
	}
	return all
}

// Stop stops every server at once (a replicated 18.16 server takes seconds
// to shut down) and returns their errors joined.
func (c *Cluster) Stop() error {
	servers := c.Servers()
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		wg.Go(func() { errs[i] = srv.Stop() })
	}
	wg.Wait()
	return errors.Join(errs...)
}
