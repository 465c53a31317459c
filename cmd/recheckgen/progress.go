package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/store"
	"golang.org/x/term"
)

// progressBar returns a progress callback that redraws one line on a
// terminal, and nil (no output) when w is not a terminal: logs of a CI job
// get the one-line summary instead.
func progressBar(w io.Writer, label string) func(store.Progress) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	start := time.Now()
	var last time.Time
	return func(p store.Progress) {
		if p.Done < p.Total && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		const width = 30
		filled := width * p.Done / max(p.Total, 1)
		rate := float64(p.Lines) / max(time.Since(start).Seconds(), 1e-9)
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d builds, %d lines (%.0f lines/s)", label,
			strings.Repeat("=", filled), strings.Repeat(" ", width-filled), p.Done, p.Total, p.Lines, rate)
		if p.Done == p.Total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

// countBar is a progress bar for a count of lines (an index rebuilt or
// completed when the store opens); nil when w is not a terminal.
func countBar(w io.Writer, label, unit string) func(done, total int64) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(done, total int64) {
		const width = 30
		filled := int(width * done / max(total, 1))
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d %s", label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, total, unit)
		if done >= total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
