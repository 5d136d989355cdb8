package chlocal

import "errors"

// Sentinel errors. Errors returned by this package wrap at most one of them,
// so callers can branch with errors.Is.
var (
	// ErrNoBinary means no ClickHouse server binary was found on this
	// machine.
	ErrNoBinary = errors.New("no clickhouse server binary found (install it with `apt-get install -y clickhouse-server` or the official packages from https://clickhouse.com/docs/install)")
	// ErrNoZooKeeper means java or a ZooKeeper server was not found on this
	// machine.
	ErrNoZooKeeper = errors.New("no zookeeper server found")
	// ErrExited means a server process exited before it became ready.
	ErrExited = errors.New("server process exited")
	// ErrInvalidOption means an option or a ClusterConfig field has a value
	// that cannot work.
	ErrInvalidOption = errors.New("invalid local server option")
)
