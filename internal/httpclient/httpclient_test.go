package httpclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// gzipped is n zero bytes, gzip-compressed (a bomb: about 1/1000 the size).
func gzipped(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		zw.Write(chunk[:k])
		n -= k
	}
	zw.Close()
	return buf.Bytes()
}

func get(t *testing.T, c *Client, url string, limit int64, header ...string) ([]byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.Read(req, limit)
}

// TestBodyLimit: bodies over the limit fail with TooLargeError, counted
// after decompression however the server compressed them.
func TestBodyLimit(t *testing.T) {
	bomb := gzipped(t, 64<<20)
	var sent int64
	mux := http.NewServeMux()
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip") // whether asked or not
		n, _ := w.Write(bomb)
		sent = int64(n)
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for sent = 0; sent < 1<<30; sent += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/length", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(1<<30))
		w.Write([]byte("{}"))
	})
	mux.HandleFunc("/small", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(t, 1000))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	plain := New(Options{})
	noCompression := New(Options{Transport: &http.Transport{DisableCompression: true}})
	tests := []struct {
		name   string
		c      *Client
		path   string
		header []string
	}{
		{"gzip bomb, inflated by the transport", plain, "/bomb", nil},
		{"gzip bomb, Accept-Encoding set by the caller", plain, "/bomb", []string{"Accept-Encoding", "gzip"}},
		{"gzip bomb sent unasked", noCompression, "/bomb", nil},
		{"endless body", plain, "/endless", nil},
		{"Content-Length over the limit", plain, "/length", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := get(t, tt.c, srv.URL+tt.path, 1<<20, tt.header...)
			var tl *TooLargeError
			if !errors.As(err, &tl) || err.Error() != "response over 1048576 bytes" {
				t.Fatalf("got %d bytes, error %v; want response over 1048576 bytes", len(data), err)
			}
			if Retryable(err) {
				t.Error("a body over its limit must not be retried")
			}
		})
	}
	for _, c := range []*Client{plain, noCompression} {
		data, err := get(t, c, srv.URL+"/small", 1000)
		if err != nil || len(data) != 1000 {
			t.Errorf("a gzip body at the limit: %d bytes, %v", len(data), err)
		}
	}
	if sent > 64<<20 {
		t.Errorf("the server sent %d bytes: the client read on past its limit", sent)
	}
}

// TestRedirects: credentials go to the same scheme, host and port only.
func TestRedirects(t *testing.T) {
	var auths []string
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
		w.Write([]byte("ok"))
	}))
	defer target.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			http.Redirect(w, r, "/final", http.StatusFound)
			return
		}
		if r.URL.Path == "/final" {
			auths = append(auths, r.Header.Get("Authorization"))
			w.Write([]byte("ok"))
			return
		}
		http.Redirect(w, r, target.URL+"/elsewhere", http.StatusFound)
	}))
	defer origin.Close()
	tlsOrigin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+"/down", http.StatusMovedPermanently) // https → http, same host and port
	}))
	defer tlsOrigin.Close()

	authed := New(Options{User: "ci-reader", Password: "s3cret"})
	for _, u := range []string{origin.URL + "/other-port", tlsOrigin.URL + "/downgrade"} {
		c := authed
		if strings.HasPrefix(u, "https") {
			c = New(Options{User: "ci-reader", Password: "s3cret", Transport: tlsOrigin.Client().Transport})
		}
		_, err := get(t, c, u, 1<<10)
		var re *RedirectError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "refused: credentials are sent only to the same scheme, host and port") {
			t.Errorf("%s: %v", u, err)
		}
		if Retryable(err) {
			t.Errorf("%s: a refused redirect must not be retried", u)
		}
	}
	if len(auths) != 0 {
		t.Fatalf("credentials reached another origin: %q", auths)
	}
	if data, err := get(t, authed, origin.URL+"/same", 1<<10); err != nil || string(data) != "ok" || len(auths) != 1 || auths[0] == "" {
		t.Errorf("a same-origin redirect: %q %v %q", data, err, auths)
	}
	auths = nil
	if data, err := get(t, New(Options{}), origin.URL+"/other-port", 1<<10); err != nil || string(data) != "ok" || auths[0] != "" {
		t.Errorf("a redirect without credentials is followed: %q %v", data, err)
	}
}

// TestStatusErrorRedacted: a server that echoes the Authorization header
// in its error never gets the credentials into the error.
func TestStatusErrorRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.UserAgent(), "recheckgen/") {
			t.Errorf("User-Agent %q", r.UserAgent())
		}
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"error": {"reason": "bad header [%s] from user ci-reader"}}`, r.Header.Get("Authorization"))
		w.Write(bytes.Repeat([]byte("x"), 1<<20)) // the rest is not read
	}))
	defer srv.Close()
	_, err := get(t, New(Options{User: "ci-reader", Password: "s3cret"}), srv.URL, 1<<10)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 503 || se.RetryAfter != 7*time.Second || len(se.Body) > ErrorBodyLimit {
		t.Fatalf("%v", err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("ci-reader:s3cret"))
	for _, s := range []string{"s3cret", "ci-reader", basic} {
		if strings.Contains(err.Error(), s) || strings.Contains(se.Body, s) {
			t.Errorf("the error holds %q: %v", s, err)
		}
	}
	if !strings.Contains(err.Error(), "bad header [Basic [redacted]] from user [redacted]") {
		t.Errorf("error: %v", err)
	}
	if !Retryable(err) || Delay(1, time.Millisecond, time.Minute, err) != 7*time.Second {
		t.Errorf("503 with Retry-After: retryable %v, delay %v", Retryable(err), Delay(1, time.Millisecond, time.Minute, err))
	}
}

func TestRedactor(t *testing.T) {
	const user, pass = "ci-reader", `p"a/ss w0rd+long`
	r := NewRedactor(user, pass, user+":"+pass, "tok-123456")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct{ in, want string }{
		{"user ci-reader failed", "user [redacted] failed"},
		{`reason: "p\"a/ss w0rd+long"`, `reason: "[redacted]"`},
		{"q=p%22a%2Fss+w0rd%2Blong", "q=[redacted]"},
		{"Authorization: Basic " + b64(user+":"+pass), "Authorization: Basic [redacted]"},
		{"token " + b64(pass), "token [redacted]"},
		{"header=" + b64(user+":"+pass), "header=[redacted]"},
		{"Bearer abc.def-ghi", "Bearer [redacted]"},
		{"bearer%20tok-123456", "bearer [redacted]"},
		{"the word basic alone", "the word basic alone"},
		{"no secret here", "no secret here"},
	}
	for _, tt := range tests {
		if got := r.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// The password's base64 inside a longer encoding, at each alignment.
	for k := 0; k < 3; k++ {
		enc := base64.StdEncoding.EncodeToString(append(append(bytes.Repeat([]byte("z"), k), pass...), "tail!"...))
		if got := r.Redact(enc); !strings.Contains(got, Redacted) {
			t.Errorf("offset %d: %q kept the secret's encoding", k, got)
		}
	}
	err := r.RedactError(fmt.Errorf("wrap: %w", io.EOF))
	if !errors.Is(err, io.EOF) {
		t.Error("RedactError loses the cause")
	}
	if err := r.RedactError(fmt.Errorf("login ci-reader: %w", io.EOF)); err.Error() != "login [redacted]: EOF" || !errors.Is(err, io.EOF) {
		t.Errorf("RedactError: %v", err)
	}
}

func TestRetryable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/drop":
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		case "/slow":
			time.Sleep(200 * time.Millisecond)
		case "/400":
			w.WriteHeader(400)
		case "/429":
			w.WriteHeader(429)
		}
	}))
	defer srv.Close()
	c := New(Options{})
	do := func(path string, timeout time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		_, err := c.Read(req, 1<<10)
		return err
	}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"dropped connection", do("/drop", time.Second), true},
		{"429", do("/429", time.Second), true},
		{"400", do("/400", time.Second), false},
		{"client timeout", do("/slow", 20*time.Millisecond), false},
		{"connection refused", do("", time.Second), true}, // replaced below
		{"no such host", func() error {
			req, _ := http.NewRequest(http.MethodGet, "http://no-such-host.invalid/", nil)
			_, err := c.Read(req, 1)
			return err
		}(), false},
	}
	srv.Close()
	tests[4].err = do("/", time.Second)
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if got := Retryable(tt.err); got != tt.want {
			t.Errorf("%s: Retryable(%v) = %v", tt.name, tt.err, got)
		}
	}
	if d := Delay(3, 100*time.Millisecond, time.Minute, nil); d < 200*time.Millisecond || d > 600*time.Millisecond {
		t.Errorf("third attempt waits %v, want 400ms ± 50%%", d)
	}
}

// TestSameScheme: with SameScheme, a redirect to another scheme is refused
// with or without credentials; one on the same scheme is followed.
func TestSameScheme(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/final" {
			w.Write([]byte("ok"))
			return
		}
		http.Redirect(w, r, "/final", http.StatusFound)
	}))
	defer plain.Close()
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/final", http.StatusFound) // https → http
	}))
	defer secure.Close()
	c := New(Options{SameScheme: true, Transport: secure.Client().Transport})
	_, err := get(t, c, secure.URL+"/down", 1<<10)
	var re *RedirectError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "refused: another scheme") || Retryable(err) {
		t.Errorf("https → http: %v", err)
	}
	if data, err := get(t, c, plain.URL+"/same", 1<<10); err != nil || string(data) != "ok" {
		t.Errorf("same scheme: %q %v", data, err)
	}
	if data, err := get(t, New(Options{Transport: secure.Client().Transport}), secure.URL+"/down", 1<<10); err != nil || string(data) != "ok" {
		t.Errorf("without SameScheme a downgrade without credentials is followed: %q %v", data, err)
	}
}

func TestOrigin(t *testing.T) {
	for raw, want := range map[string]string{
		"https://CI.example.org/job/x":      "https://ci.example.org:443",
		"https://ci.example.org:443/":       "https://ci.example.org:443",
		"http://ci.example.org/":            "http://ci.example.org:80",
		"http://ci.example.org:8080/a":      "http://ci.example.org:8080",
		"HTTP://[::1]/":                     "http://[::1]:80",
		"http://[::1]:8080/":                "http://[::1]:8080",
		"https://user:pw@ci.example.org/x?": "https://ci.example.org:443",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := Origin(u); got != want {
			t.Errorf("Origin(%s) = %s, want %s", raw, got, want)
		}
	}
}
