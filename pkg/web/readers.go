package web

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// startReaders seeds the State with the latest print and starts the three
// ordered consumers: prints of CW_SCORES since cfg.History, the latest
// event of each subject of CW_EVENTS and then every new one, and the dead
// letters of CW_DLQ from the last hour.
func (s *Server) startReaders(ctx context.Context, js jetstream.JetStream) error {
	start := s.now().Add(-s.cfg.History)
	if err := s.seedPrint(ctx, js); err != nil {
		return err
	}
	readers := []struct {
		stream string
		cfg    jetstream.OrderedConsumerConfig
		handle func(jetstream.Msg)
	}{
		{natsfx.StreamScores, jetstream.OrderedConsumerConfig{FilterSubjects: []string{event.SubjectRiskScore},
			DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &start}, s.onPrint},
		{natsfx.StreamEvents, jetstream.OrderedConsumerConfig{FilterSubjects: []string{event.SubjectEvents},
			DeliverPolicy: jetstream.DeliverLastPerSubjectPolicy}, s.onEvent},
		{natsfx.StreamDLQ, jetstream.OrderedConsumerConfig{FilterSubjects: []string{event.SubjectDLQ},
			DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: ptr(s.now().Add(-deadLetterWindow))}, s.onDeadLetter},
	}
	for _, r := range readers {
		c, err := js.OrderedConsumer(ctx, r.stream, r.cfg)
		if err != nil {
			return fmt.Errorf("read %s: %w", r.stream, err)
		}
		cc, err := c.Consume(r.handle, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
			s.log.Warn().Err(err).Str("stream", r.stream).Msg("page reader error, the ordered consumer recovers")
		}))
		if err != nil {
			return fmt.Errorf("read %s: %w", r.stream, err)
		}
		s.readers = append(s.readers, cc)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// seedPrint puts the latest print in the State, so the page has one even
// when it is older than the chart's history.
func (s *Server) seedPrint(ctx context.Context, js jetstream.JetStream) error {
	st, err := js.Stream(ctx, natsfx.StreamScores)
	if err != nil {
		return fmt.Errorf("read %s: %w", natsfx.StreamScores, err)
	}
	m, err := st.GetLastMsgForSubject(ctx, event.SubjectRiskScore)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the latest print from %s: %w", natsfx.StreamScores, err)
	}
	p, err := decode[*event.RiskScore](m.Data)
	if err != nil {
		s.log.Warn().Err(err).Str("subject", m.Subject).Uint64("stream_seq", m.Sequence).Msg("latest print unreadable, left off the page")
		return nil
	}
	s.state.AddPrint(m.Sequence, p)
	return nil
}

// stopReaders stops the consumers and waits until they have.
func (s *Server) stopReaders() {
	for _, cc := range s.readers {
		cc.Stop()
	}
	for _, cc := range s.readers {
		<-cc.Closed()
	}
	s.readers = nil
}

func (s *Server) onPrint(m jetstream.Msg) {
	md, err := m.Metadata()
	if err != nil {
		return // not a JetStream message: ordered consumers deliver none
	}
	p, err := decode[*event.RiskScore](m.Data())
	if err != nil {
		s.log.Debug().Err(err).Str("subject", m.Subject()).Uint64("stream_seq", md.Sequence.Stream).Msg("print unreadable, left off the page")
		return
	}
	if s.state.AddPrint(md.Sequence.Stream, p) {
		s.changed()
	}
}

func (s *Server) onEvent(m jetstream.Msg) {
	md, err := m.Metadata()
	if err != nil {
		return
	}
	e, err := event.Decode(m.Data())
	if err != nil {
		s.log.Debug().Err(err).Str("subject", m.Subject()).Uint64("stream_seq", md.Sequence.Stream).Msg("event unreadable, left off the page")
		return
	}
	if s.state.AddEvent(m.Subject(), md.Timestamp, e) {
		s.changed()
	}
}

func (s *Server) onDeadLetter(m jetstream.Msg) {
	md, err := m.Metadata()
	if err != nil {
		return
	}
	d, err := decode[*event.DeadLetter](m.Data())
	if err != nil {
		s.log.Debug().Err(err).Str("subject", m.Subject()).Uint64("stream_seq", md.Sequence.Stream).Msg("dead letter unreadable, left off the page")
		return
	}
	if s.state.AddDeadLetter(md.Timestamp, d) {
		s.changed()
	}
}

// decode decodes one message that must be of type T.
func decode[T event.Event](data []byte) (T, error) {
	var zero T
	e, err := event.Decode(data)
	if err != nil {
		return zero, err
	}
	t, ok := e.(T)
	if !ok {
		return zero, fmt.Errorf("%w: %s", event.ErrUnknownSchema, e.SchemaName())
	}
	return t, nil
}

// Compile-time check that the Bus gives what the page needs.
var _ JetStreamer = (*natsfx.Bus)(nil)
