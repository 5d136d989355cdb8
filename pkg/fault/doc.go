// Package fault is carrywatch's fault suite; it holds only tests, which
// `make test` runs with the rest (go test ./...):
//
//	go test -race -count=1 ./pkg/fault/...
//
// Each case runs the pipeline against real servers — an in-process
// nats-server with JetStream on a file store (natstest), a ClickHouse
// server (chtest) and, where killing a process is the fault, the sink or
// scorer binary itself, built once by TestMain and run as a child process
// configured through its CW_* environment — holds a load, injects one
// fault, and checks the outcome exactly:
//
//   - published = stored: the distinct ids visible through the v_* views
//     are exactly the ids of the valid events published;
//   - no visible duplicate: count() = uniqExact(id) through the views;
//   - every reject is in dead_letters once, with its code and reason;
//   - the sink's consumer ends with nothing pending and its ack floor at
//     the stream's last sequence;
//   - recovery within the bound below.
//
// Every recovery is bounded at 60 s (recoveryBound) and every case at
// 4 min. The cases recover in seconds on an idle machine; the bounds are
// generous on purpose, because the suite runs on loaded CI machines and
// checks that recovery happens, not how fast a machine is. Nothing waits
// by sleeping: waits are require.Eventually on a server's own state.
//
// The cases, with the load, the fault and the recovery bound:
//
//  1. TestSinkKilledMidBatchLosesNothing — load: 8,000 synthetic events
//     (scenario.Synthetic) published as a backlog, inserted in batches
//     of 250 rows. Fault: the sink process is SIGKILLed as soon as its
//     first rows are visible, holding hundreds of delivered, unacked
//     messages. A new sink process on the same durable consumer stores
//     every event once within 60 s of its start (the dead sink's messages
//     come back after the 6 s ack wait).
//  2. TestSinkKilledBesideAnotherLosesNothing — load: 8,000 events
//     published while two sink processes share the durable consumer.
//     Fault: one sink is SIGKILLed once both have consumed and a third of
//     the events are published. The other stores every event once within
//     60 s of the kill.
//  3. TestClickHouseRestartUnderLoadLosesNothing — load: 8,000 events, half
//     published before the fault and half during it, on a dedicated
//     ClickHouse server. Fault: ClickHouse is stopped once an eighth is
//     stored. While it is down the sink acks nothing (its ack floor does
//     not move while its batches are redelivered) and /readyz says 503;
//     restarted on the same data directory and port, every event is stored
//     once within 60 s.
//  4. TestNATSRestartLosesNothing — load: 8,000 events, half before the
//     fault, half published while NATS is down. Fault: the nats-server is
//     shut down while the sink stores its backlog and kept down until the
//     sink is not ready and the publisher has had to send again; a new
//     server on the same port and file store brings back streams, messages
//     and the consumer. Every event is stored once within 60 s of the
//     restart.
//  5. TestStreamLeaderLossLosesNothing — load: 8,000 events published
//     through the server leading CW_EVENTS on a 3-node in-process cluster
//     with R3 streams (CW_STREAM_REPLICAS=3). Fault: that server is shut
//     down once a third are acknowledged. A survivor leads within 60 s, the
//     publisher reconnects and sends again what was not acknowledged, and
//     every event is stored once within 60 s.
//  6. TestScorerKilledAndRestartedPrintsAsUninterrupted — load: the
//     nov-2025 scenario with 10-minute replay heartbeats (8,840 messages,
//     1,467 prints) as a backlog, scored by a scorer process saving its
//     state every 10 ms. Fault: the scorer is SIGKILLed a third of the way
//     through; restarted, it restores its last snapshot and must publish,
//     within 60 s, exactly the prints of an uninterrupted run, in order.
//  7. TestPoisonInputsAreDeadLetteredAndTheRestStored — load: 2,000 valid
//     events with 39 bad inputs spread among them (not JSON, truncated,
//     empty, wrong or unknown schema, missing or wrong id, bad times,
//     NaN-like and huge numbers, out-of-range values, duplicate keys,
//     unknown fields, invalid UTF-8, 20,000-deep nesting, wrong types, a
//     dead letter on cw.events, a 10Y yield on the 2Y subject, 1 MB
//     messages just under max_payload, …) and one odd but valid input (a
//     time with an offset). Every valid event is stored once, every bad one
//     is in dead_letters once with its code, reason and original bytes (a
//     prefix, the size and SHA-256 for the 1 MB ones) within
//     60 s of the last publish, and the sink keeps running.
//
// The child processes log JSON to a file; a failing case prints the tail
// of each log, and FAULT_DEBUG=1 prints them always. A data race a child
// built with -race reports fails the case.
package fault
