package recheckgen

import (
	"testing"
	"time"
)

func TestNewWindow(t *testing.T) {
	end := time.Date(2026, 11, 20, 10, 30, 0, 0, time.UTC)
	w, err := NewWindow(end, 10*24*time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC); !w.End.Equal(want) {
		t.Errorf("End = %v, want %v (rounded up to the hour)", w.End, want)
	}
	if w.Buckets() != 240 {
		t.Errorf("Buckets = %d, want 240", w.Buckets())
	}
	tests := []struct {
		t    time.Time
		want int
	}{
		{w.Start, 0},
		{w.Start.Add(-time.Nanosecond), -1},
		{w.Start.Add(90 * time.Minute), 1},
		{w.End.Add(-time.Nanosecond), 239},
		{w.End, -1},
	}
	for _, tt := range tests {
		if got := w.BucketOf(tt.t); got != tt.want {
			t.Errorf("BucketOf(%v) = %d, want %d", tt.t, got, tt.want)
		}
	}
	if !w.BucketStart(1).Equal(w.Start.Add(time.Hour)) {
		t.Errorf("BucketStart(1) = %v", w.BucketStart(1))
	}
	exact, _ := NewWindow(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), 24*time.Hour, time.Hour)
	if !exact.End.Equal(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("an end on the hour must stay: %v", exact.End)
	}
	for _, bad := range [][2]time.Duration{{0, time.Hour}, {time.Hour, 0}, {90 * time.Minute, time.Hour}} {
		if _, err := NewWindow(end, bad[0], bad[1]); err == nil {
			t.Errorf("NewWindow(%v, %v) gave no error", bad[0], bad[1])
		}
	}
}

func TestBuildFailed(t *testing.T) {
	for res, want := range map[string]bool{"SUCCESS": false, "SKIPPED": false, "": false,
		"FAILURE": true, "POST_FAILURE": true, "TIMED_OUT": true, "NODE_FAILURE": true, "RETRY_LIMIT": true} {
		if got := (Build{Result: res}).Failed(); got != want {
			t.Errorf("Failed(%q) = %v, want %v", res, got, want)
		}
	}
}
