package store

import (
	"strings"
	"testing"
)

func TestIndexWords(t *testing.T) {
	for in, want := range map[string]string{
		"java.io.InterruptedIOException: boom": "java.io.interruptedioexception boom",
		"ovs-vsctl --may-exist 10.0.0.1":       "ovs vsctl may exist 10.0.0.1",
		"a " + strings.Repeat("x", 256) + " b": "a " + strings.Repeat("x", 255) + " x b", // cut, as Lucene 4.10 cuts it
		"צה\"ל":                                "צה\ue022ל",                              // a quote inside a word is no separator
		"-> ::":                                "",
	} {
		if got := indexWords(in); got != want {
			t.Errorf("indexWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkIndexWords(b *testing.B) {
	line := "2026-11-20 08:05:00.000 12 ERROR oslo_messaging.rpc.server [req-1f2e3d4c-aaaa-bbbb-cccc-1234567890ab - - - - -] MessagingTimeout: Timed out waiting for a reply to message ID 1f2e3d4c5b6a"
	b.SetBytes(int64(len(line)))
	for range b.N {
		indexWords(line)
	}
}
