package chlocal_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/chlocal"
	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

func TestZooKeeperServesUntilStopped(t *testing.T) {
	chtest.RequireZooKeeper(t)
	zk, err := chlocal.StartZooKeeper(t.Context(), t.TempDir(), chtest.Logger(t))
	require.NoError(t, err)
	require.NoError(t, chlocal.Serving(t.Context(), zk.Addr()))

	require.NoError(t, zk.Stop())
	assert.Error(t, chlocal.Serving(t.Context(), zk.Addr()), "still serving after Stop")
	assert.NoError(t, zk.Stop(), "second Stop is a no-op")
}

func TestClusterConfigValidate(t *testing.T) {
	ok := chlocal.ClusterConfig{Name: "cw", ZooKeeper: "127.0.0.1:2181", Shards: 2, Replicas: 2}
	tests := []struct {
		name    string
		edit    func(*chlocal.ClusterConfig)
		wantErr bool
	}{
		{name: "valid", edit: func(*chlocal.ClusterConfig) {}},
		{name: "name with dash", edit: func(c *chlocal.ClusterConfig) { c.Name = "c-w" }, wantErr: true},
		{name: "no name", edit: func(c *chlocal.ClusterConfig) { c.Name = "" }, wantErr: true},
		{name: "zookeeper without port", edit: func(c *chlocal.ClusterConfig) { c.ZooKeeper = "localhost" }, wantErr: true},
		{name: "no shards", edit: func(c *chlocal.ClusterConfig) { c.Shards = 0 }, wantErr: true},
		{name: "no replicas", edit: func(c *chlocal.ClusterConfig) { c.Replicas = 0 }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.edit(&cfg)
			err := cfg.Validate()
			if tt.wantErr {
				assert.ErrorIs(t, err, chlocal.ErrInvalidOption)
				return
			}
			assert.NoError(t, err)
		})
	}
}
