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

// client is what every request of a fetch run goes through: httpclient
// (bodies capped after decompression, User-Agent, redirects kept on their
// scheme), at most perHost at a time per host, each attempt under its own
// timeout, retried with backoff. Requests go without credentials (anon),
// except those of a source with credentials to that source's own origin
// (see requester): one httpclient per credentialed origin, sharing the
// transport, the per-host slots, the retries and the counters.
type client struct {
	anon    *httpclient.Client
	tr      http.RoundTripper
	perHost int
	timeout time.Duration
	retries int
	// backoff's first step and ceiling (httpclient.Delay).
	base, ceiling time.Duration

	mu     sync.Mutex
	slots  map[string]chan struct{}
	authed map[Auth]map[string]*httpclient.Client // credentials → origin → client

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
		anon: httpclient.New(httpclient.Options{Transport: tr, SameScheme: true}), tr: tr,
		perHost: o.PerHost, timeout: o.Timeout, retries: o.Retries,
		base: o.backoff(), ceiling: time.Minute, slots: map[string]chan struct{}{}, authed: map[Auth]map[string]*httpclient.Client{},
	}
}

// Auth is a source's credentials: basic auth (User and Password) or a
// bearer Token; the zero Auth is none.
type Auth struct{ User, Password, Token string }

func (a Auth) none() bool { return a == Auth{} }

// secrets are the values a server might echo.
func (a Auth) secrets() []string {
	if a.none() {
		return nil
	}
	return []string{a.User, a.Password, a.Token}
}

// requester sends one source's requests: with its credentials to the
// source's own origin (scheme, host and port: a Zuul's API, a Jenkins' API
// and console text), without them anywhere else (the log servers a build
// record names). The credentialed client refuses a redirect to another
// origin (httpclient); both refuse one to another scheme.
type requester struct {
	*client
	origin string             // httpclient.Origin of the source's URL
	authed *httpclient.Client // nil: the source has no credentials
}

// forSource is the requester of a source at rawURL with credentials a.
func (c *client) forSource(rawURL string, a Auth) (*requester, error) {
	r := &requester{client: c}
	if a.none() {
		return r, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	r.origin = httpclient.Origin(u)
	c.mu.Lock()
	defer c.mu.Unlock()
	byOrigin := c.authed[a]
	if byOrigin == nil {
		byOrigin = map[string]*httpclient.Client{}
		c.authed[a] = byOrigin
	}
	if r.authed = byOrigin[r.origin]; r.authed == nil {
		r.authed = httpclient.New(httpclient.Options{Transport: c.tr, SameScheme: true, User: a.User, Password: a.Password, Token: a.Token})
		byOrigin[r.origin] = r.authed
	}
	return r, nil
}

// pick is the client for u: the credentialed one on the source's origin.
func (r *requester) pick(u *url.URL) *httpclient.Client {
	if r.authed != nil && httpclient.Origin(u) == r.origin {
		return r.authed
	}
	return r.anon
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
func (c *client) do(ctx context.Context, u *url.URL, fn func(ctx context.Context) error) error {
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
func (r *requester) get(ctx context.Context, rawURL string, limit int64) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	hc := r.pick(u)
	var out []byte
	err = r.do(ctx, u, func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/json")
		data, err := hc.Read(req, limit)
		r.bytes.Add(int64(len(data)))
		out = data
		return err
	})
	if err != nil {
		return nil, hc.Redactor().RedactError(err)
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
func (r *requester) download(ctx context.Context, rawURL string, limit int64, w sink) (n int64, cut bool, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, false, err
	}
	hc := r.pick(u)
	ranged := false
	err = r.do(ctx, u, func(ctx context.Context) error {
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
		resp, err := hc.Do(req, limit)
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
		r.bytes.Add(n)
		if errors.As(err, &tl) {
			cut, err = true, nil
		} else if err == nil && ranged {
			cut = resp.StatusCode == http.StatusPartialContent
		}
		return err
	})
	if err != nil {
		return n, cut, hc.Redactor().RedactError(err)
	}
	return n, cut, nil
}

// errRanged asks do for another try, with a Range header.
var errRanged = errors.New("body over the cap announced: asking for its start")
