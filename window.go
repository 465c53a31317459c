package recheckgen

import (
	"fmt"
	"time"
)

// Window is the time span a report covers, split into equal buckets.
type Window struct {
	Start, End time.Time // [Start, End)
	Bucket     time.Duration
}

// NewWindow ends at end (rounded up to a whole bucket, as elastic-recheck
// ends its graphs at the current hour) and reaches back length.
func NewWindow(end time.Time, length, bucket time.Duration) (Window, error) {
	if bucket <= 0 || length <= 0 {
		return Window{}, fmt.Errorf("window length and bucket must be positive (got %v and %v)", length, bucket)
	}
	if length%bucket != 0 {
		return Window{}, fmt.Errorf("window length %v is not a whole number of %v buckets", length, bucket)
	}
	end = end.UTC()
	if t := end.Truncate(bucket); !t.Equal(end) {
		end = t.Add(bucket)
	}
	return Window{Start: end.Add(-length), End: end, Bucket: bucket}, nil
}

// Buckets is how many buckets the window holds.
func (w Window) Buckets() int { return int(w.End.Sub(w.Start) / w.Bucket) }

// BucketOf returns the index of the bucket holding t, or -1 outside.
func (w Window) BucketOf(t time.Time) int {
	if t.Before(w.Start) || !t.Before(w.End) {
		return -1
	}
	return int(t.Sub(w.Start) / w.Bucket)
}

// BucketStart is the start time of bucket i.
func (w Window) BucketStart(i int) time.Time { return w.Start.Add(time.Duration(i) * w.Bucket) }

// Contains says whether t falls inside the window.
func (w Window) Contains(t time.Time) bool { return w.BucketOf(t) >= 0 }
