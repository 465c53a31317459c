// Package opensearch is the backend for OpenSearch and Elasticsearch. Each
// known-bug query goes to the server as a query_string, so the server's own
// semantics apply, with the window as a range filter; counts come from
// aggregations, never from downloading hits, and queries travel in
// batches through _msearch. It speaks plain HTTP with net/http: the few
// endpoints used are the same on OpenSearch 1/2 and Elasticsearch 7/8, and
// no client library serves both.
package opensearch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/recheckgen/recheckgen/internal/httpclient"
	"github.com/recheckgen/recheckgen/lucene"
)

// Fields names the index's fields; the defaults are elastic-recheck's.
type Fields struct {
	Message, Timestamp, BuildUUID, BuildName, BuildStatus, Voting, LogURL,
	Project, Pipeline, Branch, Filename string
	// Provider is the node's cloud (node_provider), Region its region and
	// Node its label (build_node): three fields, never one for another.
	Provider, Region, Node string
	// VotingValue is how the index writes a voting job ("1" in
	// elastic-recheck's indices, "true" for a boolean field).
	VotingValue string
}

// DefaultFields are elastic-recheck's field names.
func DefaultFields() Fields {
	return Fields{Message: "message", Timestamp: "@timestamp", BuildUUID: "build_uuid", BuildName: "build_name",
		BuildStatus: "build_status", Voting: "voting", LogURL: "log_url", Project: "project", Pipeline: "build_queue",
		Branch: "build_branch", Filename: "filename", Provider: "node_provider", Region: "node_region", Node: "build_node",
		VotingValue: "1"}
}

// Config says how to reach the server.
type Config struct {
	URLs           []string
	Index          string
	User, Password string // from the environment, never from a file
	CAFile         string
	Insecure       bool
	Timeout        time.Duration // per request
	// Deadline bounds every request of the run together, from New on.
	Deadline time.Duration
	// Discover reads the index's field types before the first search to
	// choose each field's names (see Discover); off, the configured names
	// are used as they are.
	Discover bool
	Fields   Fields
	Operator lucene.Operator
	Batch    int           // queries per _msearch; 50 when 0
	Retries  int           // attempts after the first; 4 when 0
	Backoff  time.Duration // first retry delay; 250ms when 0
}

// Client is an OpenSearch/Elasticsearch backend.
type Client struct {
	cfg      Config
	hc       *httpclient.Client
	deadline time.Time // the run's, from Config.Deadline
	urls     []*url.URL
	mu       sync.Mutex
	fields   map[string]Names // discovered names, by logical field
	next     atomic.Uint32    // round robin over urls
	// Requests and Bytes count what went over the wire, for benchmarks.
	Requests, Bytes atomic.Int64
}

// New checks the configuration and makes a client.
func New(cfg Config) (*Client, error) {
	if len(cfg.URLs) == 0 {
		return nil, errors.New("opensearch: no URL configured")
	}
	if cfg.Index == "" {
		cfg.Index = "logstash-*"
	}
	if cfg.Fields == (Fields{}) {
		cfg.Fields = DefaultFields()
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 50
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 4
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 250 * time.Millisecond
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Deadline <= 0 {
		cfg.Deadline = 10 * time.Minute
	}
	c := &Client{cfg: cfg, deadline: time.Now().Add(cfg.Deadline)}
	for _, raw := range cfg.URLs {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("opensearch: %q is not an http(s) URL", raw)
		}
		if u.User != nil {
			return nil, errors.New("opensearch: put credentials in the environment variables, not in the URL")
		}
		c.urls = append(c.urls, u)
	}
	tlsCfg := &tls.Config{InsecureSkipVerify: cfg.Insecure} //nolint:gosec // opt-in, for testing only
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("opensearch: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("opensearch: CA file %s holds no PEM certificate", cfg.CAFile)
		}
		tlsCfg.RootCAs = pool
	}
	c.hc = httpclient.New(httpclient.Options{User: cfg.User, Password: cfg.Password, TLS: tlsCfg})
	return c, nil
}

// Close releases idle connections.
func (c *Client) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// redact removes the credentials from text the server wrote.
func (c *Client) redact(s string) string { return c.hc.Redactor().Redact(s) }

// endpoint is the next server's URL for path below the index pattern (or
// below the root), round robin.
func (c *Client) endpoint(path string, root bool) string {
	u := *c.urls[int(c.next.Add(1)-1)%len(c.urls)]
	// The index goes into the path as written: a pattern's * and , are
	// legal in a path, and url.URL escapes what must be. (Escaping it
	// first escaped it twice: a server decodes once and looked for an
	// index named logstash-%2A.)
	p, query, _ := strings.Cut(path, "?")
	if !root {
		p = "/" + c.cfg.Index + p
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + p
	u.RawPath = ""
	u.RawQuery = query
	return u.String()
}
