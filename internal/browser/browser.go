// Package browser starts headless Chromium for end-to-end tests and
// records what a reader would see go wrong: console errors, uncaught
// exceptions and JavaScript dialogs.
package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Log is what the page reported.
type Log struct {
	mu      sync.Mutex
	Errors  []string
	Dialogs []string
}

func (l *Log) add(list *[]string, s string) {
	l.mu.Lock()
	*list = append(*list, s)
	l.mu.Unlock()
}

// Snapshot returns copies of the errors and dialogs so far.
func (l *Log) Snapshot() (errs, dialogs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.Errors...), append([]string(nil), l.Dialogs...)
}

// Reset forgets what was reported so far (a test that expects a 404 on
// purpose calls it after).
func (l *Log) Reset() {
	l.mu.Lock()
	l.Errors, l.Dialogs = nil, nil
	l.mu.Unlock()
}

// Path finds Chromium. Without one the test is skipped, unless
// RECHECKGEN_REQUIRE_BROWSER=1 (CI sets it after installing Chromium).
func Path(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("RECHECKGEN_REQUIRE_BROWSER") == "1" {
		t.Fatal("no Chromium found and RECHECKGEN_REQUIRE_BROWSER=1")
	}
	t.Skip("no Chromium found (apt-get install chromium)")
	return ""
}

// New starts a browser tab for the test, closed when it ends.
func New(t testing.TB) (context.Context, *Log) {
	t.Helper()
	exe := Path(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	log := &Log{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				msg := string(ev.Type)
				for _, a := range ev.Args {
					msg += " " + string(a.Value)
				}
				log.add(&log.Errors, msg)
			}
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			log.add(&log.Errors, msg)
		case *cdplog.EventEntryAdded:
			// The browser's own errors: failed loads (a missing favicon),
			// CSP violations.
			if ev.Entry.Level == cdplog.EntryLevelError {
				log.add(&log.Errors, string(ev.Entry.Source)+": "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				log.add(&log.Errors, fmt.Sprintf("HTTP %d %s", ev.Response.Status, ev.Response.URL))
			}
		case *page.EventJavascriptDialogOpening:
			log.add(&log.Dialogs, ev.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	})
	if err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx, log
}

// Viewport sets the window's size in CSS pixels (390 wide for a phone)
// and the colour scheme pages see (prefers-color-scheme: dark when dark).
func Viewport(ctx context.Context, width, height int64, dark bool) error {
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 600}); err != nil {
		return err
	}
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
	return err
}

// NoScript turns JavaScript off for the pages loaded next; NoScript(ctx,
// false) turns it back on.
func NoScript(ctx context.Context, off bool) error {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
	return err
}

// Eval evaluates a JavaScript expression in the page and decodes its value.
func Eval[T any](ctx context.Context, js string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

// Wheel turns the mouse wheel at (x, y) in the viewport by dy pixels, as a
// reader scrolling over that point.
func Wheel(ctx context.Context, x, y, dy float64) error {
	_, err := chromedp.Call(ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
		Type: input.DispatchMouseEventTypeMouseWheel, X: x, Y: y, DeltaY: dy,
		// The protocol wants deltaX too, and the encoder leaves out a zero.
		DeltaX: 0.01})
	return err
}

// Screenshot is a PNG of the viewport.
func Screenshot(ctx context.Context) ([]byte, error) {
	res, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
	if err != nil {
		return nil, err
	}
	return res.Data, nil
}
