package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recheckgen/recheckgen/internal/httpclient"
)

// client is the one HTTP client of a fetch run: every request goes
// through httpclient (bodies capped after decompression, User-Agent,
// redirects kept on their scheme), at most perHost at a time per host,
// each attempt under its own timeout, retried with backoff.
type client struct {
	hc      *httpclient.Client
	perHost int
	timeout time.Duration
	retries int
	// backoff's first step and ceiling (httpclient.Delay).
	base, ceiling time.Duration

	mu    sync.Mutex
	slots map[string]chan struct{}

	requests, retried, bytes atomic.Int64
}

func newClient(o Options) *client {
	tr := o.Transport
	if tr == nil {
		// Keep a connection for each request a host may have in flight:
		// the default keeps two, and a new connection costs a round trip
		// or three (TCP, TLS) before the request.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = o.PerHost
		t.MaxConnsPerHost = o.PerHost
		tr = t
	}
	return &client{
		hc:      httpclient.New(httpclient.Options{Transport: tr, SameScheme: true}),
		perHost: o.PerHost, timeout: o.Timeout, retries: o.Retries,
		base: o.backoff(), ceiling: time.Minute, slots: map[string]chan struct{}{},
	}
}

// slot waits for a free slot of host; the release function gives it back.
func (c *client) slot(ctx context.Context, host string) (func(), error) {
	c.mu.Lock()
	ch := c.slots[host]
	if ch == nil {
		ch = make(chan struct{}, c.perHost)
		c.slots[host] = ch
	}
	c.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// errAttemptTimeout marks an attempt that ran out of its own time.
var errAttemptTimeout = errors.New("no complete answer within the request timeout")

// retryable: what httpclient retries (429, 502, 503, 504, dropped
// connections), and also a 500 and an attempt that timed out — the log
// server's files are static, and asking again is how a flaky one is
// read. Never a body over its cap, a refused redirect, a 404.
func retryable(err error) bool {
	var se *httpclient.StatusError
	if errors.As(err, &se) && se.Code == http.StatusInternalServerError {
		return true
	}
	return errors.Is(err, errAttemptTimeout) || httpclient.Retryable(err)
}

// attempt runs one try of fn under a slot of u's host and the attempt's
// own timeout; a timeout of the attempt (not of the run) is
// errAttemptTimeout.
func (c *client) attempt(ctx context.Context, u *url.URL, fn func(ctx context.Context) error) error {
	release, err := c.slot(ctx, u.Host)
	if err != nil {
		return err
	}
	defer release()
	actx, cancel := context.WithTimeoutCause(ctx, c.timeout, errAttemptTimeout)
	defer cancel()
	c.requests.Add(1)
	err = fn(actx)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(actx), errAttemptTimeout) {
		return fmt.Errorf("%w (%s)", errAttemptTimeout, c.timeout)
	}
	return err
}

// do runs fn (one request) until it succeeds, fails for good, or the
// retries are spent, waiting between tries as the server asks (429's and
// 503's Retry-After) or with exponential backoff.
func (c *client) do(ctx context.Context, rawURL string, fn func(ctx context.Context) error) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	for n := 1; ; n++ {
		err := c.attempt(ctx, u, fn)
		if errors.Is(err, errRanged) { // once per download: ask again at once
			n--
			continue
		}
		if err == nil || ctx.Err() != nil || !retryable(err) || n > c.retries {
			if err != nil && ctx.Err() != nil {
				return context.Cause(ctx)
			}
			if err != nil && n > 1 {
				err = fmt.Errorf("%w (after %d tries)", err, n)
			}
			return err
		}
		c.retried.Add(1)
		if err := httpclient.Sleep(ctx, httpclient.Delay(n, c.base, c.ceiling, err)); err != nil {
			return err
		}
	}
}

// get reads a whole body of at most limit bytes (an API page, a
// manifest).
func (c *client) get(ctx context.Context, rawURL string, limit int64) ([]byte, error) {
	var out []byte
	err := c.do(ctx, rawURL, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/json")
		data, err := c.hc.Read(req, limit)
		c.bytes.Add(int64(len(data)))
		out = data
		return err
	})
	if err != nil {
		return nil, c.hc.Redactor().RedactError(err)
	}
	return out, nil
}

// sink receives a download: reset before each try, then the body.
type sink interface {
	io.Writer
	reset() error
}

// download copies the body of rawURL, decompressed as the server's
// Content-Encoding says, into w, at most limit bytes. A body longer than
// that is cut there: cut is true and the first limit bytes are kept (a
// server that announces a longer Content-Length is asked for the first
// limit bytes with a Range request).
func (c *client) download(ctx context.Context, rawURL string, limit int64, w sink) (n int64, cut bool, err error) {
	ranged := false
	err = c.do(ctx, rawURL, func(ctx context.Context) error {
		n, cut = 0, false
		if err := w.reset(); err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return err
		}
		if ranged {
			req.Header.Set("Range", fmt.Sprintf("bytes=0-%d", limit-1))
		}
		resp, err := c.hc.Do(req, limit)
		var tl *httpclient.TooLargeError
		if errors.As(err, &tl) && !ranged {
			// Refused on its Content-Length, before any byte: ask for
			// the part kept. (A server that ignores Range fails below.)
			ranged = true
			return errRanged
		}
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		n, err = io.Copy(w, resp.Body)
		c.bytes.Add(n)
		if errors.As(err, &tl) {
			cut, err = true, nil
		} else if err == nil && ranged {
			cut = resp.StatusCode == http.StatusPartialContent
		}
		return err
	})
	if err != nil {
		return n, cut, c.hc.Redactor().RedactError(err)
	}
	return n, cut, nil
}

// errRanged asks do for another try, with a Range header.
var errRanged = errors.New("body over the cap announced: asking for its start")
