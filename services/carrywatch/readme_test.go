package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every environment variable the binary reads is documented in README.md.
func TestReadmeDocumentsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	vars := envVars(reflect.TypeFor[config]())
	require.Greater(t, len(vars), 30)
	for _, v := range vars {
		assert.Contains(t, string(readme), "`"+v+"`", "README.md does not document %s", v)
	}
}

func envVars(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("env"), ","); name != "" {
			out = append(out, name)
		}
		if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() != "time" {
			out = append(out, envVars(f.Type)...)
		}
	}
	return out
}
