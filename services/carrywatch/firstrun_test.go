package main

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/carrywatch/carrywatch/pkg/testutil/browsertest"
)

// The first run, as the README tells it: `carrywatch up` with no flags
// (here on a data dir of its own, the test's ClickHouse and free ports)
// publishes the history and polls the default sources; the page at the
// URL of the ready block shows a live index in a real browser, and the
// clickhouse-client command of the ready block returns the prints with
// readable times. Offline, the sources show failing on the page.
func TestFirstRunPageAndClickHouseClient(t *testing.T) {
	browsertest.Chromium(t)
	client, err := exec.LookPath("clickhouse-client")
	if err != nil {
		client, err = exec.LookPath("clickhouse")
		if err != nil {
			msg := "no clickhouse-client: install it (`apt-get install -y clickhouse-client`, or `make deps`)"
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip("SKIPPED: " + msg + " — the first-run test did NOT run")
		}
		client += " client"
	}
	upEnv(t, "info")
	t.Setenv("CW_FEED_CONFIG", "")

	_, logs := startUp(t, "--nats-listen", "127.0.0.1:-1", "--http-addr", "127.0.0.1:0", "--web-addr", "127.0.0.1:0")
	ready := logs.String()
	assert.Contains(t, ready, "data         live: 22 sources of the default feeds")
	page := regexp.MustCompile(`page +(http://127\.0\.0\.1:\d+/)`).FindStringSubmatch(ready)
	require.NotNil(t, page, "the ready block gives the page: %s", ready)
	cmdLine := regexp.MustCompile(`\n +(clickhouse-client [^\n]+)\n`).FindStringSubmatch(ready)
	require.NotNil(t, cmdLine, "the ready block gives a clickhouse-client command: %s", ready)

	browser := browsertest.Open(t, page[1])
	ctx, cancel := context.WithTimeout(browser, browsertest.Wait)
	defer cancel()
	err = chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#regime[data-regime]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sources-card`)))
	require.NoError(t, err, "the page shows a print and the sources")
	index, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.getElementById("index").textContent`))
	require.NoError(t, err)
	assert.Regexp(t, `^\d+\.\d$`, strings.TrimSpace(index))
	rows, err := chromedp.Run(browser, chromedp.Evaluate[int](`document.querySelectorAll("#sources tbody tr").length`))
	require.NoError(t, err)
	assert.Equal(t, 22, rows, "one row per default source")
	browsertest.Screenshot(t, browser, browsertest.Artifacts(t, "first-run"), "page.png")

	// The printed command, as pasted, with a query of the prints.
	args := strings.Fields(cmdLine[1])[1:]
	base := strings.Fields(client)
	var out []byte
	require.Eventually(t, func() bool {
		cmd := exec.Command(base[0], append(append(base[1:], args...),
			"--query", "SELECT observed_at_dt, `index`, regime FROM v_risk_scores ORDER BY observed_at DESC LIMIT 1")...)
		out, err = cmd.CombinedOutput()
		return err == nil && len(out) > 0
	}, time.Minute, 100*time.Millisecond, "the prints reach ClickHouse: %s", out)
	assert.Regexp(t, `^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\t\d+(\.\d+)?\t(calm|watch|elevated|stress)\n$`, string(out))
}
