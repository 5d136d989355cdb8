package chtest

import (
	"context"
	"testing"

	"github.com/carrywatch/carrywatch/pkg/chlocal"
)

// ZooKeeper starts a standalone ZooKeeper server for t in t.TempDir() (see
// chlocal.StartZooKeeper) and returns its address; it stops when t ends,
// after logging its output if t failed. It skips or fails t like
// RequireZooKeeper.
func ZooKeeper(t testing.TB) string {
	t.Helper()
	RequireZooKeeper(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	zk, err := chlocal.StartZooKeeper(ctx, t.TempDir(), Logger(t))
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("chtest: zookeeper log:\n%s", zk.LogTail(4096))
		}
		if err := zk.Stop(); err != nil {
			t.Errorf("chtest: %v", err)
		}
	})
	return zk.Addr()
}

// RequireZooKeeper returns if java and a ZooKeeper server are installed
// (chlocal.FindZooKeeper). Otherwise it fails t when the CI variable is set,
// and skips it with a loud SKIPPED message everywhere else.
func RequireZooKeeper(t testing.TB) {
	t.Helper()
	if _, _, err := chlocal.FindZooKeeper(); err != nil {
		unavailable(t, err.Error())
	}
}

// NewCluster starts shards × replicas local servers forming cluster name,
// coordinated through zk (see ZooKeeper and chlocal.StartCluster), in
// t.TempDir(). The servers stop when t ends, after logging their error logs
// if t failed. It skips or fails t like Dedicated without a server binary.
func NewCluster(t testing.TB, zk, name string, shards, replicas int) *chlocal.Cluster {
	t.Helper()
	requireServerBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	c, err := chlocal.StartCluster(ctx, t.TempDir(), Logger(t), chlocal.ClusterConfig{
		Name: name, ZooKeeper: zk, Shards: shards, Replicas: replicas,
	})
	if err != nil {
		t.Fatalf("chtest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, srv := range c.Servers() {
				t.Logf("chtest: error log of %s:\n%s", srv.Dir(), srv.ErrorLogTail(4096))
			}
		}
		if err := c.Stop(); err != nil {
			t.Errorf("chtest: %v", err)
		}
	})
	return c
}
