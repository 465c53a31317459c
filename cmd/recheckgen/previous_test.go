package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPreviousCapped: an earlier report fetched from a server that sends
// without end is refused at the cap, "response over N bytes".
func TestPreviousCapped(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"bugs": [`))
		chunk := []byte(strings.Repeat(`{"id": "x"},`, 8000))
		for sent.Load() < 1<<30 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
	}))
	defer srv.Close()
	_, err := previous(context.Background(), srv.URL+"/data/report.json")
	if err == nil || !strings.Contains(err.Error(), "response over 67108864 bytes") {
		t.Errorf("previous: %v", err)
	}
	if n := sent.Load(); n > 256<<20 {
		t.Errorf("%d bytes sent before the client stopped", n)
	}
}
