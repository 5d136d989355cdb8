package chlocal

import "context"

// Serving exposes ZooKeeper.serving to the tests: whether the ZooKeeper at
// addr serves sessions.
func Serving(ctx context.Context, addr string) error { return (&ZooKeeper{addr: addr}).serving(ctx) }
