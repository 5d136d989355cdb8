package natsfx_test

import (
	"testing"

	"github.com/rs/zerolog"

	"github.com/carrywatch/carrywatch/pkg/testutil/logtest"
)

// testLogger returns a debug-level JSON logger writing to a fresh buffer
// (and to stderr with CW_TEST_LOG).
func testLogger(t testing.TB) (zerolog.Logger, *logtest.Buffer) {
	t.Helper()
	buf := &logtest.Buffer{}
	return buf.Logger(), buf
}
