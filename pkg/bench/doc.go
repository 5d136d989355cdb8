// Package bench measures carrywatch against the limits of the machine it
// runs on, in the same run: the sink against raw JetStream consumption and
// raw ClickHouse inserts, score freshness against a NATS round trip, the
// scorer alone, and memory growth. Results are ratios, since absolute times
// drift from machine to machine and run to run.
package bench
