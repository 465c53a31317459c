package opensearch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// post sends body to path and returns the response body. It retries, with
// exponential backoff and jitter, on 429, 502, 503 and 504 (honouring
// Retry-After) and on connection errors; each attempt has its own timeout.
func (c *Client) post(ctx context.Context, path, contentType string, body []byte) ([]byte, error) {
	var last error
	for attempt := 0; attempt <= c.cfg.Retries; attempt++ {
		if attempt > 0 {
			if err := sleep(ctx, c.delay(attempt, last)); err != nil {
				return nil, err
			}
		}
		data, retry, err := c.once(ctx, path, contentType, body)
		if err == nil {
			return data, nil
		}
		last = err
		if !retry || ctx.Err() != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w (gave up after %d attempts)", last, c.cfg.Retries+1)
}

// statusError is an HTTP error status.
type statusError struct {
	code       int
	retryAfter time.Duration
	body       string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.code, http.StatusText(e.code), e.body)
}

func (c *Client) once(ctx context.Context, path, contentType string, body []byte) (data []byte, retry bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint(path), bytes.NewReader(body))
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("Content-Type", contentType)
	if c.cfg.User != "" || c.cfg.Password != "" {
		req.SetBasicAuth(c.cfg.User, c.cfg.Password)
	}
	c.Requests.Add(1)
	c.Bytes.Add(int64(len(body)))
	resp, err := c.http.Do(req)
	if err != nil {
		var ne net.Error
		return nil, errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isConnErr(err), err
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(resp.Body)
	c.Bytes.Add(int64(len(data)))
	if err != nil {
		return nil, true, fmt.Errorf("read response: %w", err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return data, false, nil
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return nil, true, &statusError{resp.StatusCode, retryAfter(resp.Header.Get("Retry-After")), snippet(data)}
	}
	return nil, false, &statusError{code: resp.StatusCode, body: snippet(data)}
}

func isConnErr(err error) bool {
	var op *net.OpError
	return errors.As(err, &op)
}

// delay is the wait before attempt n: the server's Retry-After when it
// gave one, else base·2^(n-1) with ±50% jitter, so clients that failed
// together do not retry together.
func (c *Client) delay(n int, last error) time.Duration {
	var se *statusError
	if errors.As(last, &se) && se.retryAfter > 0 {
		return min(se.retryAfter, time.Minute)
	}
	d := c.cfg.Backoff << (n - 1)
	return d/2 + time.Duration(rand.Int64N(int64(d)))
}

func retryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return time.Until(t)
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func snippet(b []byte) string {
	const max = 300
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
