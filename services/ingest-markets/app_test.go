package main

import (
	"testing"

	"go.uber.org/fx"
)

func TestAppValidates(t *testing.T) {
	if err := fx.ValidateApp(appOptions()); err != nil {
		t.Fatal(err)
	}
}
