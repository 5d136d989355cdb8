# carrywatch — `make run` runs the whole system, `make test` runs the tests.
# Both install what is missing first (Debian/Ubuntu: ClickHouse server, Node's
# chdb for the current-ClickHouse DDL tests, ZooKeeper for the cluster test,
# the NATS CLI for the quant-desk command the README gives, Chromium for the
# live page's browser test).

SHELL := /bin/bash
GO ?= go
CHDB_VERSION := 3.4.0
CHDB_DIR := $(CURDIR)/.cache/chdb
GOLANGCI_VERSION := v2.8.0
NATSCLI_VERSION := v0.5.0
BIN_DIR := $(CURDIR)/.cache/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export CHDB_NODE_MODULES := $(CHDB_DIR)/node_modules

.PHONY: run test deps deps-clickhouse deps-chdb deps-zookeeper deps-natscli deps-chromium build vet lint bench clean

## run: start every service on an embedded NATS and a local ClickHouse
# It builds bin/carrywatch first, saying so (a first build compiles every
# dependency: minutes on a loaded machine), then runs it. On a terminal the
# binary runs as a job of its own (set -m), so Ctrl-C reaches carrywatch
# alone: it shuts down cleanly and exits 0, and so does make. The "; rc=..."
# keeps bash from exec'ing the binary in place of the job.
run: deps-clickhouse
	@echo "building bin/carrywatch (the first build compiles every dependency and can take minutes; each package is listed as it compiles)"
	@mkdir -p bin
	$(GO) build -v -o bin/carrywatch ./services/carrywatch
	@echo "starting bin/carrywatch up (Ctrl-C stops it)"
	@if [ -t 0 ]; then set -m; fi; ./bin/carrywatch up; rc=$$?; exit $$rc

## test: vet and run every test with the race detector against real servers
# deploy/ is a Go module of its own: its checks of the manifests need
# kustomize, compose-go, Starlark and the Kubernetes types, which the
# services' go.mod does not carry. `./...` of the root stops at deploy/, so
# vet, test and lint visit both modules.
test: deps vet
	$(GO) test -race -count=1 -timeout 30m ./...
	cd deploy && $(GO) test -race -count=1 -timeout 30m ./...

deps: deps-clickhouse deps-chdb deps-zookeeper deps-natscli deps-chromium

# The stock NATS CLI, pinned (natstest.CLIVersion): the tests run the
# README's `nats sub` command for quant desks with it from .cache/bin.
deps-natscli:
	@if [ "$$($(BIN_DIR)/nats --version 2>&1)" = "$(NATSCLI_VERSION)" ]; then :; \
	else \
		echo "installing natscli $(NATSCLI_VERSION) into $(BIN_DIR)"; \
		GOBIN="$(BIN_DIR)" $(GO) install github.com/nats-io/natscli/nats@$(NATSCLI_VERSION); \
	fi

deps-clickhouse:
	@if command -v clickhouse >/dev/null || (command -v clickhouse-server >/dev/null && command -v clickhouse-client >/dev/null); then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing clickhouse-server and clickhouse-client (apt)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null; \
	else echo "install a ClickHouse server (https://clickhouse.com/docs/install) or set CW_CLICKHOUSE_ADDR" >&2; exit 1; fi

# ZooKeeper (Debian's package, with its Java runtime) coordinates the
# replicated tables of the 2 shards x 2 replicas cluster test; current
# ClickHouse uses its own Keeper instead, which 18.16 predates.
deps-zookeeper:
	@if [ -e /usr/share/java/zookeeper.jar ] || [ -n "$$ZOOKEEPER_CLASSPATH" ]; then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing zookeeper (apt)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq zookeeper >/dev/null; \
	else echo "install ZooKeeper and set ZOOKEEPER_CLASSPATH for the ClickHouse cluster test" >&2; exit 1; fi

# Chromium runs headless in pkg/web's test of the live page.
deps-chromium:
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null; then :; \
	elif command -v apt-get >/dev/null; then \
		echo "installing chromium (apt)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	else echo "install Chromium or Chrome for the live page's browser test" >&2; exit 1; fi

deps-chdb:
	@if [ -d "$(CHDB_DIR)/node_modules/chdb" ]; then :; \
	else \
		if ! command -v npm >/dev/null; then \
			echo "installing nodejs and npm (apt)"; \
			$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; fi; \
		echo "installing chdb $(CHDB_VERSION) into $(CHDB_DIR)"; \
		mkdir -p "$(CHDB_DIR)" && npm install --silent --no-audit --no-fund --prefix "$(CHDB_DIR)" chdb@$(CHDB_VERSION) >/dev/null; \
	fi

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ ./services/...

## bench: measure sink, freshness, scorer and memory against this machine's limits
bench: deps-clickhouse
	$(GO) run ./services/carrywatch bench

vet:
	$(GO) vet ./...
	cd deploy && $(GO) vet ./...

lint:
	@command -v golangci-lint >/dev/null || $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" golangci-lint run ./...
	cd deploy && PATH="$$PATH:$$($(GO) env GOPATH)/bin" golangci-lint run ./...

clean:
	rm -rf bin .cache
