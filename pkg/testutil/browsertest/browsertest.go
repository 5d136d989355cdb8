// Package browsertest runs a real headless Chromium for tests of the live
// page (github.com/chromedp/chromedp): it finds the browser, starts it for
// a test, and keeps screenshots where CI collects them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Wait bounds one wait on a page: generous, the machine is shared and the
// browser slow to start.
const Wait = 2 * time.Minute

// Chromium returns the path of a Chromium or Chrome binary. Without one it
// fails t when the CI variable is set and skips it loudly otherwise.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium: install it (`apt-get install -y chromium`, or `make deps`)"
	if os.Getenv("CI") != "" {
		t.Fatal("browsertest: " + msg)
	}
	t.Skip("SKIPPED: " + msg + " — the browser test did NOT run")
	return ""
}

// Artifacts returns where a test keeps its screenshots: the directory sub
// of CW_TEST_ARTIFACTS, or of one under the system temp dir that outlives
// the test.
func Artifacts(t testing.TB, sub string) string {
	t.Helper()
	dir := os.Getenv("CW_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "carrywatch-test-artifacts")
	}
	dir = filepath.Join(dir, sub)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// Open starts a headless browser at 1280 × 1000 on url for the rest of t
// and returns its context.
func Open(t testing.TB, url string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)), chromedp.NoSandbox, chromedp.WindowSize(1280, 1000))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	// The first Run starts the browser and must not have a deadline.
	require.NoError(t, chromedp.Do(browser, chromedp.Navigate(url)))
	return browser
}

// Screenshot saves a full-page PNG of the browser's page as name in dir.
func Screenshot(t testing.TB, browser context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, png, 0o644))
	t.Logf("screenshot %s", path)
}
