// Package chlocal runs a ClickHouse server as a child process on 127.0.0.1,
// with its configuration, data and logs under one directory: what
// `carrywatch up` starts when no server is configured, and what the tests
// (package chtest) start once per package or per test.
//
// [Start] finds a server binary ([FindBinary]), writes a minimal
// configuration (plus files given with [WithConfigFile] and
// [WithUsersFile]), picks free ports that later starts on the same
// directory reuse, and returns once the server answers. The process runs in
// a process group of its own and dies with its parent; [Server.Stop] sends
// SIGTERM, then SIGKILL after [StopTimeout].
//
// [StartCluster] starts several servers forming a ClickHouse cluster
// (remote_servers, {shard} and {replica} macros, ON CLUSTER queue),
// coordinated through a ZooKeeper that [StartZooKeeper] runs the same way:
// 18.16 replicates and runs ON CLUSTER DDL through ZooKeeper only.
package chlocal
