package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

func newTailCmd() *cobra.Command {
	var count int
	var withSubject bool
	cmd := &cobra.Command{
		Use:   "tail SUBJECT",
		Short: "Print messages on a subject as they arrive (cw.risk.* starts with the latest print)",
		Long: `Print every message on SUBJECT (wildcards allowed) as it arrives, one per line.
For subjects of the CW_SCORES stream (cw.risk.>) the latest message of each
subject is printed first, so a new subscriber sees the current index at once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nc, js, err := clientConnect()
			if err != nil {
				return err
			}
			defer nc.Close()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			print := func(subject string, data []byte) {
				if withSubject {
					fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", subject, data)
					return
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n", data)
			}
			return tail(ctx, js, nc, args[0], count, print)
		},
	}
	cmd.Flags().IntVarP(&count, "count", "n", 0, "exit after this many messages (0 = until interrupted)")
	cmd.Flags().BoolVar(&withSubject, "subject", false, "prefix each line with the message's subject")
	return cmd
}

// tail reads subject through an ordered consumer if a stream holds it, else
// through a plain subscription, calling print for each message.
func tail(ctx context.Context, js jetstream.JetStream, nc *nats.Conn, subject string, count int, print func(string, []byte)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	n := 0
	handle := func(subj string, data []byte) {
		mu.Lock()
		defer mu.Unlock()
		if count > 0 && n >= count {
			return
		}
		print(subj, data)
		n++
		if count > 0 && n >= count {
			cancel()
		}
	}
	stream, err := js.StreamNameBySubject(ctx, subject)
	if err != nil {
		if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("find stream of %s: %w", subject, err)
		}
		sub, err := nc.Subscribe(subject, func(m *nats.Msg) { handle(m.Subject, m.Data) })
		if err != nil {
			return fmt.Errorf("subscribe %s: %w", subject, err)
		}
		defer func() { _ = sub.Unsubscribe() }()
		<-ctx.Done()
		return nil
	}
	policy := jetstream.DeliverNewPolicy
	if stream == natsfx.StreamScores || strings.HasPrefix(subject, "cw.risk.") {
		policy = jetstream.DeliverLastPerSubjectPolicy
	}
	cons, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{subject},
		DeliverPolicy:  policy,
	})
	if err != nil {
		return fmt.Errorf("consume %s from %s: %w", subject, stream, err)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) { handle(m.Subject(), m.Data()) })
	if err != nil {
		return fmt.Errorf("consume %s from %s: %w", subject, stream, err)
	}
	defer cc.Stop()
	<-ctx.Done()
	return nil
}

// clientConnect connects the client subcommands to CW_NATS_URL, or to the
// embedded server of the `carrywatch up` on CW_DATA_DIR with the login up
// keeps there.
func clientConnect() (*nats.Conn, jetstream.JetStream, error) {
	return connectNATS(true)
}

// connectNATS is clientConnect for a command that publishes events: it
// refuses the server of an up that replays a scenario unless intoReplay.
func connectNATS(intoReplay bool) (*nats.Conn, jetstream.JetStream, error) {
	c, err := loadConfig()
	if err != nil {
		return nil, nil, err
	}
	if err := checkNotReplay(c.NATS, c.DataDir, intoReplay); err != nil {
		return nil, nil, err
	}
	cfg, err := withLocalNATS(c.NATS, c.DataDir)
	if err != nil {
		return nil, nil, err
	}
	opts, err := natsfx.Options(cfg, logDiscard())
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts, nats.MaxReconnects(0))
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("connect %s (is `carrywatch up` running, or CW_NATS_URL set?): %w", cfg.RedactedURL(), err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("jetstream: %w", err)
	}
	return nc, js, nil
}
