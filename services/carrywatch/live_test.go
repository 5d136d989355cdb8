package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/event"
	"github.com/carrywatch/carrywatch/pkg/history"
	"github.com/carrywatch/carrywatch/pkg/natsfx"
	"github.com/carrywatch/carrywatch/pkg/testutil/natstest"
)

// mofFeeds writes a feeds file with one source, the MoF fixture read from
// disk, and returns its path.
func mofFeeds(t *testing.T) string {
	t.Helper()
	mof, err := filepath.Abs(mofFile)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "feeds.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`
sources:
  - {name: mof-jgb-current, format: mof-jgb, url: "file://`+mof+`", interval: 1h}
`), 0o600))
	return file
}

// upJetStream connects to the embedded server of the up on dataDir with
// the login up wrote there.
func upJetStream(t *testing.T, dataDir string) jetstream.JetStream {
	t.Helper()
	l, err := loadLocalNATS(dataDir)
	require.NoError(t, err)
	nc, err := nats.Connect(l.URL, nats.UserInfo(l.User, l.Password))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return js
}

// A live up publishes the embedded history into a new NATS store once,
// before its feeds, then polls them; a restart on the same store does not
// publish the history again.
func TestUpLivePublishesTheHistoryOnceThenPolls(t *testing.T) {
	_, dataDir := upEnv(t, "info")
	args := []string{"--config", mofFeeds(t), "--nats-listen", "127.0.0.1:-1", "--http-addr", "", "--web-addr", ""}

	total := 0
	for _, s := range history.Events() {
		total += s.Rows
	}
	stop, logs := startUp(t, args...)
	marker := filepath.Join(dataDir, "nats", historyMarkerName)
	require.Eventually(t, func() bool { _, err := os.Stat(marker); return err == nil }, 5*time.Minute, 50*time.Millisecond,
		"the history is published: %s", logs)
	var m historyMarker
	data, err := os.ReadFile(marker)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &m))
	assert.Equal(t, total, m.Published)

	js := upJetStream(t, dataDir)
	require.Eventually(t, func() bool { return natstest.Count(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>") >= 2*6129+45 }, 2*time.Minute, 50*time.Millisecond,
		"the history's 2 × 6129 JGB days, then the feed's 45 yields")
	msgs := natstest.Stored(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>")
	require.Len(t, msgs, 2*6129+45)
	first, err := event.Parse(msgs[0].Data(), time.Now())
	require.NoError(t, err)
	assert.Equal(t, 1999, first.Header().ObservedAt.Year(), "the history first")
	feedFirst, err := event.Parse(msgs[2*6129].Data(), time.Now())
	require.NoError(t, err)
	assert.Equal(t, "mof", feedFirst.Header().Source, "then the feed")
	assert.Contains(t, logs.String(), `"message":"history published"`)
	before := natstest.Count(t, js, natsfx.StreamEvents, ">")
	stop()

	_, logs = startUp(t, args...)
	require.Eventually(t, func() bool {
		return strings.Contains(logs.String(), "history 1999-2023 already published into this store")
	}, time.Minute, 20*time.Millisecond)
	js = upJetStream(t, dataDir)
	assert.LessOrEqual(t, natstest.Count(t, js, natsfx.StreamEvents, ">")-before, 5, "no history again: at most the scorer's heartbeats")
}

// A replay runs in a store of its own under the data dir, emptied first;
// publish refuses to send a live event into it; a live up afterwards on the
// same data dir starts from its own store, without the replay's events.
func TestReplayAndLiveNeverShareAStore(t *testing.T) {
	_, dataDir := upEnv(t, "info")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	common := []string{"--nats-listen", "127.0.0.1:-1", "--http-addr", "", "--web-addr", ""}

	stop, _ := startUp(t, append([]string{"--scenario", "smoke", "--speed", "0"}, common...)...)
	assert.DirExists(t, filepath.Join(dataDir, "replays", "smoke", "nats"))
	assert.NoDirExists(t, filepath.Join(dataDir, "nats"))
	l, err := loadLocalNATS(dataDir)
	require.NoError(t, err)
	assert.Equal(t, "smoke", l.Replay)
	_, _, err = run(t, ctx, "outage", "open", "--venue", "cme", "--severity", "halt")
	require.ErrorIs(t, err, ErrReplayRunning)
	assert.Contains(t, err.Error(), "--into-replay")
	replayJS := upJetStream(t, dataDir)
	require.Eventually(t, func() bool { return natstest.Count(t, replayJS, natsfx.StreamEvents, "cw.events.jgb.yield.>") > 0 }, time.Minute, 20*time.Millisecond)
	stop()

	stop, _ = startUp(t, append([]string{"--config", mofFeeds(t), "--history=false"}, common...)...)
	defer stop()
	l, err = loadLocalNATS(dataDir)
	require.NoError(t, err)
	assert.Empty(t, l.Replay, "a live up clears the mark")
	_, _, err = run(t, ctx, "outage", "open", "--venue", "cme", "--severity", "halt")
	require.NoError(t, err, "live events go to a live up")
	js := upJetStream(t, dataDir)
	require.Eventually(t, func() bool { return natstest.Count(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>") >= 45 }, time.Minute, 20*time.Millisecond)
	yields := natstest.Stored(t, js, natsfx.StreamEvents, "cw.events.jgb.yield.>")
	require.Len(t, yields, 45, "the feed's yields and nothing of the replay")
	for _, msg := range yields {
		ev, err := event.Parse(msg.Data(), time.Now())
		require.NoError(t, err)
		assert.Equal(t, "mof", ev.Header().Source)
	}
}
