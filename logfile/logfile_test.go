package logfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTimestamp(t *testing.T) {
	ref := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		line string
		want string // RFC 3339 nano, "" for none
	}{
		{"2016-09-26 10:12:11.891987 | ERROR DURING PREVIOUS COMMAND ^^^", "2016-09-26T10:12:11.891987Z"},
		{"2026-11-20 10:00:00.123 1234 ERROR oslo_messaging.rpc.server [-] boom", "2026-11-20T10:00:00.123Z"},
		{"2026-11-20T10:00:00.5Z something", "2026-11-20T10:00:00.5Z"},
		{"2026-11-20T10:00:00+02:00 two hours ahead", "2026-11-20T08:00:00Z"},
		{"2026-11-20T10:00:00-0130 behind", "2026-11-20T11:30:00Z"},
		{"2026-11-20 10:00:00,250 comma fraction", "2026-11-20T10:00:00.25Z"},
		{"Nov 20 10:00:00 node-1 kernel: invoked oom-killer", "2026-11-20T10:00:00Z"},
		{"Nov  2 09:05:07 node-1 systemd[1]: started", "2026-11-02T09:05:07Z"},
		{"Dec 31 23:59:59 node-1 happy new year", "2025-12-31T23:59:59Z"},
		{"2026-13-20 10:00:00 month 13", ""},
		{"2026-11-20 25:00:00 hour 25", ""},
		{"Foo 20 10:00:00 not a month", ""},
		{"+ ./tripleo-ci/scripts/common_functions.sh", ""},
		{"12345", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := Timestamp([]byte(tt.line), ref)
		if tt.want == "" {
			if ok {
				t.Errorf("%q: got %v, want none", tt.line, got)
			}
			continue
		}
		if !ok || got.Format(time.RFC3339Nano) != tt.want {
			t.Errorf("%q: got %v %v, want %s", tt.line, got.Format(time.RFC3339Nano), ok, tt.want)
		}
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func collect(t *testing.T, p string) ([]string, Stats, error) {
	var lines []string
	st, err := Each(p, func(n int, line []byte) error {
		if n != len(lines)+1 {
			t.Errorf("line number %d after %d lines", n, len(lines))
		}
		lines = append(lines, string(line))
		return nil
	})
	return lines, st, err
}

func TestEach(t *testing.T) {
	long := strings.Repeat("x", MaxLine+100)
	tests := []struct {
		name    string
		file    string
		data    []byte
		want    []string
		stats   Stats
		wantErr string
	}{
		{"plain", "a.txt", []byte("one\r\ntwo\nthree"), []string{"one", "two", "three"}, Stats{Lines: 3, Bytes: 14}, ""},
		{"gzip by magic, any name", "job-output.txt.gz", gz(t, "a\nb\n"), []string{"a", "b"}, Stats{Lines: 2, Bytes: 4}, ""},
		{"gzip named plainly", "syslog.txt", gz(t, "a\n"), []string{"a"}, Stats{Lines: 1, Bytes: 2}, ""},
		{"invalid utf-8", "a.txt", []byte("caf\xe9\nok\n"), []string{"caf\uFFFD", "ok"}, Stats{Lines: 2, Bytes: 8, InvalidUTF8: 1}, ""},
		{"long line cut", "a.txt", []byte(long + "\nnext\n"), []string{long[:MaxLine], "next"}, Stats{Lines: 2, Bytes: int64(len(long)) + 6, LongLines: 1}, ""},
		// A line whose last buffer holds only its newline: cut all the same.
		{"long line cut at a buffer's edge", "a.txt", []byte(strings.Repeat("y", 4<<20) + "\nnext\n"),
			[]string{strings.Repeat("y", MaxLine), "next"}, Stats{Lines: 2, Bytes: 4<<20 + 6, LongLines: 1}, ""},
		{"console.html", "console.html", []byte("<span class=\"timestamp\"><b>2013-10-17 16:08:26.601</b> </span>ConnectionFailed: a &lt; b\n"),
			[]string{"2013-10-17 16:08:26.601 ConnectionFailed: a < b"}, Stats{Lines: 1, Bytes: 89}, ""},
		{"NUL past the first 8 KiB", "a.txt", []byte(strings.Repeat("x", 9000) + "\x00tail\n"), []string{strings.Repeat("x", 9000) + "\uFFFDtail"},
			Stats{Lines: 1, Bytes: 9006, NULs: 1}, ""},
		{"binary", "a.txt", []byte("ELF\x00\x01"), nil, Stats{}, "binary file"},
		{"truncated gzip", "a.txt.gz", gz(t, "first line\nsecond line\n")[:20], nil, Stats{}, "unexpected EOF"},
		{"bad gzip header", "a.txt.gz", []byte{0x1f, 0x8b, 0, 0}, nil, Stats{}, "gzip:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, st, err := collect(t, writeFile(t, tt.file, tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(lines, "|") != strings.Join(tt.want, "|") {
				t.Errorf("lines = %.200q, want %.200q", lines, tt.want)
			}
			if st != tt.stats {
				t.Errorf("stats = %+v, want %+v", st, tt.stats)
			}
		})
	}
	if _, err := Each(filepath.Join(t.TempDir(), "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseFields(t *testing.T) {
	tests := []struct {
		line string
		want Fields
	}{
		{"2026-11-20 10:00:00.123 1234 ERROR oslo_messaging.rpc.server [req-1] boom", Fields{Level: "ERROR", Module: "oslo_messaging.rpc.server"}},
		{"2026-11-20 10:00:00.123 99 WARNING nova.compute.manager msg", Fields{Level: "WARNING", Module: "nova.compute.manager"}},
		{"2016-09-26 10:12:11.891987 | ERROR DURING PREVIOUS COMMAND ^^^", Fields{}},
		{"2026-11-20 10:00:00.123 1234 NOTICE x y", Fields{}},
		{"Nov 20 10:00:00 np0012345 kernel: invoked oom-killer", Fields{Program: "kernel"}},
		{"Nov 20 10:00:00 np0012345 proxy-server[443]: 503", Fields{Program: "proxy-server"}},
		{"Nov 20 10:00:00.123456 np0012345 systemd[1]: devstack@n-cpu.service: Main process exited", Fields{Program: "systemd"}},
		{"Nov 20 10:00:00 np0012345 no colon here", Fields{}},
		{"plain text", Fields{}},
		{"2026-11-20 10:00:00.123  1234\tINFO  nova.api  tabs and runs of spaces", Fields{Level: "INFO", Module: "nova.api"}},
		{"2026-11-20 10:00:00.123 1234 ERROR", Fields{}}, // no module
		{"Nov 20 10:00:00 np0012345  sshd[7]:", Fields{Program: "sshd"}},
	}
	for _, tt := range tests {
		if got := ParseFields([]byte(tt.line)); got != tt.want {
			t.Errorf("%q: got %+v, want %+v", tt.line, got, tt.want)
		}
	}
}

// TestFileCap: reading stops at the cap, counted after decompression.
func TestFileCap(t *testing.T) {
	c := &capped{r: strings.NewReader(strings.Repeat("a", 100)), left: 60}
	data, err := io.ReadAll(c)
	if len(data) != 60 || !errors.Is(err, ErrFileCap) || err.Error() != "read stopped at 60 bytes of text, the cap per file" {
		t.Errorf("read %d bytes, err %v; want 60 and ErrFileCap", len(data), err)
	}
}
