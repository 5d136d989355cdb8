package natsfx_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"

	"github.com/carrywatch/carrywatch/pkg/natsfx"
)

// What a forming cluster answers is retried; a refusal on the request's
// merits is not.
func TestTransient(t *testing.T) {
	api := func(code jetstream.ErrorCode) error {
		return fmt.Errorf("create stream: %w", &jetstream.APIError{Code: 503, ErrorCode: code})
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "no meta leader", err: api(10008), want: true},
		{name: "insufficient resources", err: api(10023), want: true},
		{name: "no suitable peers", err: api(10005), want: true},
		{name: "stream offline", err: api(10118), want: true},
		{name: "no answer in time", err: fmt.Errorf("no answer: %w", context.DeadlineExceeded), want: true},
		{name: "request timeout", err: nats.ErrTimeout, want: true},
		{name: "no responders", err: nats.ErrNoResponders, want: true},
		{name: "stream not found", err: api(jetstream.JSErrCodeStreamNotFound)},
		{name: "replicas on a single server", err: api(10074)},
		{name: "permission", err: nats.ErrPermissionViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, natsfx.Transient(tt.err))
		})
	}
}
