// Package feed is carrywatch's ingest side: the Source contract, the one
// polling loop every feed runs in (scheduling with jitter, HTTP with
// timeouts, conditional GET, retries with backoff, change detection,
// publishing with Nats-Msg-Id = event id, dead letters, metrics), and the
// Parser contract the adapters in pkg/feed/<name> implement as pure
// functions from bytes to events.
package feed
