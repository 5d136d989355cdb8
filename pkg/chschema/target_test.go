package chschema_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/carrywatch/carrywatch/pkg/chschema"
)

func TestTarget(t *testing.T) {
	assert.Equal(t, "cw on cluster main", chschema.Target{Database: "cw", Cluster: "main"}.String())
	assert.Equal(t, "cw", chschema.Target{Database: "cw"}.String())
	assert.NoError(t, chschema.Target{Database: "_cw_2", Cluster: "_cw_2"}.Validate())
	assert.ErrorIs(t, chschema.Target{Database: "cw", Cluster: "a.b"}.Validate(), chschema.ErrInvalidTarget)
	assert.ErrorIs(t, chschema.Target{Database: "a-b"}.Validate(), chschema.ErrInvalidTarget)
	assert.ErrorIs(t, chschema.Target{}.Validate(), chschema.ErrInvalidTarget, "a target needs a database")
	err := chschema.Target{Database: "a-b", Cluster: "a.b"}.Validate()
	assert.ErrorContains(t, err, `database "a-b" must match`, "every problem at once")
	assert.ErrorContains(t, err, `cluster "a.b" must match`, "every problem at once")
}
