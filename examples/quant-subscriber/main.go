// Command quant-subscriber is the smallest complete nats.go client of the
// carrywatch risk index: it prints the last print on connect, then every
// new one, one line each, until interrupted.
//
//	NATS_URL=nats://nats:4222 NATS_USER=quant NATS_PASSWORD=… go run ./examples/quant-subscriber
//
// It reads the login as the NATS CLI does (NATS_URL, NATS_USER,
// NATS_PASSWORD) and takes replies on NATS_INBOX_PREFIX, by default
// _INBOX_<NATS_USER>: a deployment lets user quant use _INBOX_quant only.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/carrywatch/carrywatch/pkg/event"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "quant-subscriber:", err)
		os.Exit(1)
	}
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	url, user := env("NATS_URL", nats.DefaultURL), os.Getenv("NATS_USER")
	inbox := "_INBOX"
	if user != "" {
		inbox += "_" + user
	}
	nc, err := nats.Connect(url,
		nats.Name("quant-subscriber"),
		nats.UserInfo(user, os.Getenv("NATS_PASSWORD")),
		nats.CustomInboxPrefix(env("NATS_INBOX_PREFIX", inbox)),
		nats.MaxReconnects(-1),
	)
	if err != nil {
		return fmt.Errorf("connect %s: %w", url, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}

	// An ordered consumer on the CW_SCORES stream, starting at the last
	// print: the one already stored, then each new one as it is published.
	cons, err := js.OrderedConsumer(ctx, "CW_SCORES", jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{event.SubjectRiskScore},
		DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
	})
	if err != nil {
		return fmt.Errorf("consumer on CW_SCORES: %w", err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		var p event.RiskScore
		if err := json.Unmarshal(m.Data(), &p); err != nil {
			fmt.Fprintln(os.Stderr, "quant-subscriber: not a print:", err)
			return
		}
		fmt.Printf("%s index=%.1f regime=%s triggers=%s drivers=%s\n",
			p.ObservedAt.Format("2006-01-02T15:04:05Z"), p.Index, p.Regime, list(p.Triggers), list(p.Drivers))
	})
	if err != nil {
		return fmt.Errorf("consume CW_SCORES: %w", err)
	}
	defer cc.Stop()

	<-ctx.Done() // SIGINT or SIGTERM
	return nil
}

// env returns the variable name, or def when it is unset or empty.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// list joins names with commas, "-" for none.
func list(names []string) string {
	if len(names) == 0 {
		return "-"
	}
	return strings.Join(names, ",")
}
