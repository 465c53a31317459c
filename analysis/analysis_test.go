package analysis

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The expected words are what Lucene 4.10's StandardAnalyzer (with no stop
// words, as Elasticsearch configures it) makes of each text; the
// differential test in store checks the same against real Lucene.
func TestTokens(t *testing.T) {
	long := strings.Repeat("x", 256)
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"java.io.InterruptedIOException: boom", []string{"java.io.interruptedioexception", "boom"}},
		{"ping 10.0.0.1 failed", []string{"ping", "10.0.0.1", "failed"}},
		{"don't 1,000 e.g.", []string{"don't", "1,000", "e.g"}},
		{"ovs-vsctl --timeout=10", []string{"ovs", "vsctl", "timeout", "10"}},
		{"Status: BUILD", []string{"status", "build"}},
		{"nova.compute:TestFoo", []string{"nova.compute:testfoo"}},
		{"snake_case __init__", []string{"snake_case", "__init__"}},
		{"世界 abc", []string{"世", "界", "abc"}},
		{"Übung İ", []string{"übung", "i"}},
		{"::", nil},
		{" - ", nil},
		{"->", nil},
		{"''", nil},
		{"👍🐶 ok", []string{"ok"}},
		{"a " + long + " b", []string{"a", long[:255], "x", "b"}},
		{"ไทย ok", []string{"ไทย", "ok"}},
		{"", nil},
	} {
		if got := Tokens(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Lucene 4.10 cuts a word over 255 UTF-16 units into pieces; a character
// outside the BMP counts two.
func TestLongWords(t *testing.T) {
	got := Tokens("a " + strings.Repeat("y", 300) + " b")
	if len(got) != 4 || got[1] != strings.Repeat("y", 255) || got[2] != strings.Repeat("y", 45) {
		t.Errorf("Tokens = %q", got)
	}
	if got := Tokens(strings.Repeat("\U00010400", 128)); len(got) != 2 || len([]rune(got[0])) != 127 {
		t.Errorf("256 units of surrogate pairs: %q", got)
	}
}

func TestInWord(t *testing.T) {
	for r, want := range map[rune]bool{'a': true, '7': true, '.': true, ':': true, '_': true, '\'': true,
		'-': false, '/': false, ' ': false, '(': false, '*': false, '=': false} {
		if InWord(r) != want {
			t.Errorf("InWord(%q) = %v", r, !want)
		}
	}
}

func TestElastic(t *testing.T) {
	if !Elastic.Analyzed("message") || !Elastic.Analyzed("") || Elastic.Analyzed("build_name") || Elastic.Analyzed("tags") {
		t.Error("analyzed fields wrong")
	}
	if !Elastic.MultiValued("tags") || Elastic.MultiValued("build_name") {
		t.Error("multi-valued fields wrong")
	}
}

// TestASCIIWords holds the fast path for ASCII text to the general UAX #29
// segmenter, on the texts above and on random ASCII.
func TestASCIIWords(t *testing.T) {
	general := func(s string) []string {
		var out []string
		// A non-ASCII space sends the text down the general path.
		Each(s+"\u3000", func(w []byte) bool { out = append(out, string(w)); return true })
		return out
	}
	fast := func(s string) []string {
		var out []string
		asciiWords(s, nil, func(w []byte) bool { out = append(out, string(w)); return true })
		return out
	}
	const alphabet = "aZ9_ .:',;-/\"(=\t\n+*"
	r := rand.New(rand.NewPCG(1, 2))
	inputs := []string{"java.io.X: a.b.c 1,000 3.14 a:b 1:2 a'b 1'2 a,b 1;2 _a_ __ a_.b a._b 1.a a.1 x.:y", strings.Repeat("z", 300)}
	for range 20000 {
		b := make([]byte, r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		if g, f := general(s), fast(s); !slices.Equal(g, f) {
			t.Fatalf("%q: general %q, fast path %q", s, g, f)
		}
	}
}

func BenchmarkEach(b *testing.B) {
	line := "2026-11-20 08:05:00.000 12 ERROR oslo_messaging.rpc.server [req-1f2e3d4c-aaaa-bbbb-cccc-1234567890ab - - - - -] MessagingTimeout: Timed out waiting for a reply to message ID 1f2e3d4c5b6a"
	b.SetBytes(int64(len(line)))
	for range b.N {
		Each(line, func([]byte) bool { return true })
	}
}
