package report

import (
	"time"

	"github.com/recheckgen/recheckgen"
)

// SetFreshness records the newest log data the backend holds (or why it
// could not say) and whether it lags the report by more than maxLag
// (0: no limit).
func SetFreshness(r *recheckgen.Report, newest time.Time, err error, maxLag time.Duration) {
	f := &r.Freshness
	f.MaxLagSeconds = int64(maxLag / time.Second)
	f.Newest, f.NewestError, f.BehindSeconds, f.Late = time.Time{}, "", 0, false
	switch {
	case err != nil:
		f.NewestError = err.Error()
	case newest.IsZero():
		f.NewestError = "the backend holds no data"
	default:
		f.Newest = newest.UTC()
		if behind := r.Generated.Sub(newest); behind > 0 {
			f.BehindSeconds = int64(behind / time.Second)
		}
		f.Late = maxLag > 0 && r.Generated.Sub(newest) > maxLag
	}
}
