// Package httpclient talks to HTTP servers that recheckgen does not control
// — search clusters, CI systems, log servers, bug trackers — and treats
// what they send as hostile:
//
//   - every response body is read through a limit the caller sizes from its
//     request, counted after decompression (whether Go's transport inflated
//     the body or the server sent Content-Encoding unasked); a body over it
//     fails with a *TooLargeError, which is never worth retrying;
//   - credentials (basic auth or a bearer token) go with every request the
//     client sends, and a redirect that would carry them to another scheme,
//     host or port is refused rather than followed;
//   - what a server wrote into an error is passed through the client's
//     Redactor first, so secrets echoed back (the user, the password, the
//     Authorization header, their base64 forms) are never printed, stored
//     or published;
//   - requests name recheckgen and its version in their User-Agent.
//
// A Client makes one attempt per call. Retries are the caller's, with
// Retryable (which failures are worth another attempt: 429, 502, 503, 504
// and dropped connections; never a timeout, a body over its limit or a
// TLS failure) and Delay (exponential backoff with jitter, honouring
// Retry-After). Use one Client per origin and set of credentials.
package httpclient

import (
	"compress/gzip"
	"compress/zlib"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/internal/version"
)

// ErrorBodyLimit is how much of an error response's body is read: enough
// for a server's reason, never a whole hostile stream.
const ErrorBodyLimit = 64 << 10

// Options configure a Client.
type Options struct {
	// User and Password, when either is set, go with every request as
	// basic auth.
	User, Password string
	// Token, when set, goes with every request as a bearer token.
	Token string
	// Secrets are other values a server might echo; they are redacted too.
	Secrets []string
	// TLS configures the default transport (CA certificates).
	TLS *tls.Config
	// Transport, when set, replaces the default transport (TLS is then
	// the transport's business).
	Transport http.RoundTripper
	// SameScheme refuses any redirect to another scheme (https to http,
	// http to https), credentials or not: a client that must not be led
	// off the scheme it was given (a log server named in a build record).
	SameScheme bool
}

// Client sends requests to untrusted servers. It is safe for concurrent
// use.
type Client struct {
	http     *http.Client
	opts     Options
	redactor *Redactor
}

// New makes a Client.
func New(o Options) *Client {
	c := &Client{opts: o}
	secrets := append([]string{o.User, o.Password, o.Token}, o.Secrets...)
	if o.User != "" || o.Password != "" {
		secrets = append(secrets, o.User+":"+o.Password)
	}
	c.redactor = NewRedactor(secrets...)
	tr := o.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = o.TLS
		tr = t
	}
	c.http = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c
}

// Redactor is the client's redactor, for any other text that came from
// the server.
func (c *Client) Redactor() *Redactor { return c.redactor }

// CloseIdleConnections closes the transport's idle connections.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// UserAgent is what every request says it is.
func UserAgent() string {
	return "recheckgen/" + strings.ReplaceAll(version.String(), " ", "-") + " (+https://github.com/recheckgen/recheckgen)"
}

func (c *Client) authenticated() bool {
	return c.opts.User != "" || c.opts.Password != "" || c.opts.Token != ""
}

// checkRedirect refuses to carry credentials anywhere but where they were
// sent first: Go's own rule keeps them on another port of the same host
// and on a downgrade from https to http.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if c.authenticated() && Origin(via[0].URL) != Origin(req.URL) {
		return &RedirectError{From: via[0].URL.Redacted(), To: req.URL.Redacted()}
	}
	if c.opts.SameScheme && !strings.EqualFold(via[0].URL.Scheme, req.URL.Scheme) {
		return &RedirectError{From: via[0].URL.Redacted(), To: req.URL.Redacted(), Scheme: true}
	}
	return nil
}

// Origin is u's scheme, host and port ("https://ci.example.org:443"),
// in lower case, the port spelled out: what credentials are bound to.
func Origin(u *url.URL) string {
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if strings.LastIndex(host, ":") <= strings.LastIndex(host, "]") {
		switch scheme {
		case "https":
			host += ":443"
		case "http":
			host += ":80"
		}
	}
	return scheme + "://" + host
}

// RedirectError is a redirect refused because the request carried
// credentials, or because it changed the scheme (Options.SameScheme).
type RedirectError struct {
	From, To string
	// Scheme says it was refused for changing the scheme (SameScheme).
	Scheme bool
}

func (e *RedirectError) Error() string {
	if e.Scheme {
		return fmt.Sprintf("redirect from %s to %s refused: another scheme", e.From, e.To)
	}
	return fmt.Sprintf("redirect from %s to %s refused: credentials are sent only to the same scheme, host and port", e.From, e.To)
}

// TooLargeError is a response body over the limit the caller set.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string { return fmt.Sprintf("response over %d bytes", e.Limit) }

// StatusError is an answer with a status other than 2xx.
type StatusError struct {
	Code int
	// RetryAfter is the server's Retry-After, 0 when it gave none.
	RetryAfter time.Duration
	// Body is the start of the body (ErrorBodyLimit at most), redacted.
	Body string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("server answered %d %s", e.Code, http.StatusText(e.Code))
	if s := Snippet(e.Body, 300); s != "" {
		msg += ": " + s
	}
	return msg
}

// Do sends req, with the client's credentials and User-Agent, and returns
// the response of a 2xx answer, whose Body yields at most limit bytes
// after decompression and then fails with a *TooLargeError. The caller
// closes the Body. Any other status is a *StatusError (the body's start,
// redacted, kept in it), and the body is closed. The request's context
// bounds the whole exchange, body included.
func (c *Client) Do(req *http.Request, limit int64) (*http.Response, error) {
	req.Header.Set("User-Agent", UserAgent())
	switch {
	case c.opts.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.opts.Token)
	case c.opts.User != "" || c.opts.Password != "":
		req.SetBasicAuth(c.opts.User, c.opts.Password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	body, err := decoded(resp)
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(io.LimitReader(body, ErrorBodyLimit))
		resp.Body.Close()
		return nil, &StatusError{Code: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After")),
			Body: c.redactor.Redact(strings.ToValidUTF8(string(data), "\uFFFD"))}
	}
	if resp.ContentLength > limit && body == resp.Body {
		resp.Body.Close()
		return nil, &TooLargeError{Limit: limit}
	}
	resp.Body = &limitedBody{r: body, c: resp.Body, limit: limit}
	return resp, nil
}

// Read is Do and the whole body.
func (c *Client) Read(req *http.Request, limit int64) ([]byte, error) {
	resp, err := c.Do(req, limit)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// decoded is the response body with its Content-Encoding undone. Go's
// transport inflates gzip itself only when it asked for it; a server may
// compress anyway, and what the caller limits is what it will parse.
func decoded(resp *http.Response) (io.Reader, error) {
	if resp.Uncompressed {
		return resp.Body, nil
	}
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		return resp.Body, nil
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip response: %w", err)
		}
		return zr, nil
	case "deflate":
		zr, err := zlib.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("deflate response: %w", err)
		}
		return zr, nil
	default:
		return nil, fmt.Errorf("response in an unsupported Content-Encoding %q", Snippet(enc, 40))
	}
}

// limitedBody fails once more than limit bytes were read.
type limitedBody struct {
	r     io.Reader
	c     io.Closer
	n     int64
	limit int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, &TooLargeError{Limit: b.limit}
	}
	if rest := b.limit + 1 - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n - int(b.n-b.limit), &TooLargeError{Limit: b.limit}
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.c.Close() }

// Snippet is s cut to at most max bytes (on a rune boundary), with an
// ellipsis when cut.
func Snippet(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
