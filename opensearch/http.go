package opensearch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/recheckgen/recheckgen/internal/httpclient"
)

// Response caps: what one answer may hold, sized from what was asked.
// Past them a response fails "response over N bytes" and is not retried.
const (
	capBase      = 1 << 20   // any answer's fixed part: shards, took, errors, metric aggregations
	capPerHit    = 256 << 10 // one recent line: its message (tracebacks joined into one event) and fields
	capPerBuild  = 2 << 10   // one build bucket: uuid, counts, times and the build's fields
	capPerBucket = 2 << 10   // one histogram bucket with its status buckets
)

// searchCap is what the answer to one query of window w with recent hits
// may hold.
func searchCap(recent, buckets int) int64 {
	return capBase + int64(recent)*capPerHit + maxBuilds*capPerBuild + int64(buckets)*capPerBucket
}

// request is one call to the server.
type request struct {
	method, path, contentType string
	root                      bool // path from the server's root, not below the index pattern
	body                      []byte
	limit                     int64 // response cap
	// read consumes the body of a 2xx answer; it is called again on a
	// retry, from the start.
	read func(io.Reader) error
}

// do sends r, retrying with exponential backoff and jitter (honouring
// Retry-After) what httpclient.Retryable allows: 429, 502, 503, 504 and
// dropped connections; never a client timeout, a response over its cap
// or a permanent error. Each attempt has the per-request timeout, and all
// of them the run's deadline.
func (c *Client) do(ctx context.Context, r request) error {
	ctx, cancel := c.runContext(ctx)
	defer cancel()
	var last error
	for attempt := 0; attempt <= c.cfg.Retries; attempt++ {
		if attempt > 0 {
			if err := httpclient.Sleep(ctx, httpclient.Delay(attempt, c.cfg.Backoff, time.Minute, last)); err != nil {
				return c.explain(ctx, err)
			}
		}
		err := c.once(ctx, r)
		if err == nil {
			return nil
		}
		last = err
		if !httpclient.Retryable(err) || ctx.Err() != nil {
			return err
		}
	}
	return fmt.Errorf("%w (gave up after %d attempts)", last, c.cfg.Retries+1)
}

// errDeadline is the cause of a context ended by the run's deadline.
type errDeadline struct{ d time.Duration }

func (e errDeadline) Error() string {
	return fmt.Sprintf("the run's deadline passed: every request to the server together may take %v (backend.opensearch.deadline)", e.d)
}

// errTimeout is the cause of an attempt ended by the per-request timeout.
type errTimeout struct{ d time.Duration }

func (e errTimeout) Error() string {
	return fmt.Sprintf("no answer within %v (backend.opensearch.timeout); not sent again, the server may still be busy with it", e.d)
}

// runContext bounds ctx by the run's deadline.
func (c *Client) runContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithDeadlineCause(ctx, c.deadline, errDeadline{c.cfg.Deadline})
}

// explain replaces a context error by the cause that ended it.
func (c *Client) explain(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); cause != nil && errors.Is(err, ctx.Err()) {
		var d errDeadline
		var t errTimeout
		if errors.As(cause, &d) || errors.As(cause, &t) {
			return cause
		}
	}
	return err
}

func (c *Client) once(ctx context.Context, r request) error {
	ctx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errTimeout{c.cfg.Timeout})
	defer cancel()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	method := r.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint(r.path, r.root), body)
	if err != nil {
		return err
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("Accept", "application/json")
	c.Requests.Add(1)
	c.Bytes.Add(int64(len(r.body)))
	resp, err := c.hc.Do(req, r.limit)
	if err != nil {
		return c.explain(ctx, err)
	}
	defer resp.Body.Close()
	cr := &countingReader{r: resp.Body}
	err = r.read(cr)
	c.Bytes.Add(cr.n)
	if err != nil {
		return c.explain(ctx, err)
	}
	return nil
}

// readAll is a read function keeping the whole body in *dst.
func readAll(dst *[]byte) func(io.Reader) error {
	return func(r io.Reader) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return fmt.Errorf("read response: %w", err)
		}
		*dst = data
		return nil
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
