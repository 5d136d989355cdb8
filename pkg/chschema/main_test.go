package chschema_test

import (
	"testing"

	"github.com/carrywatch/carrywatch/pkg/testutil/chtest"
)

func TestMain(m *testing.M) { chtest.Main(m) }
