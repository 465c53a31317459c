package termsafe

import (
	"bytes"
	"testing"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, tabs\tand\nnewlines":        "plain text, tabs\tand\nnewlines",
		"café ✓":                                 "café ✓",
		"\x1b]0;owned\x07":                       "␛]0;owned␇",
		"\x1b]52;c;aGk=\x07":                     "␛]52;c;aGk=␇",
		"\x1b[2J\x1b[H":                          "␛[2J␛[H",
		"a\rb\bc\x00d\x7f":                       "a␍b␈c␀d␡",
		"\u009b2J\u0085":                         `\u009b2J\u0085`,
		"bad \xff byte":                          `bad \xff byte`,
		"evil\u202egnp.exe \u2066x\u2069 \u061c": `evil\u202egnp.exe \u2066x\u2069 \u061c`,
		"bad \xe2x lead":                         `bad \xe2x lead`,
		"“quoted” — ok":                          "“quoted” — ok",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"logs/plain.txt":                      "logs/plain.txt",
		"logs/a\n::error title=x::forged.txt": "logs/a␊::error title=x::forged.txt",
		"a\r\nb\tc\x1b[2J":                    "a␍␊b\tc␛[2J",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterHoldsSplitCharacters(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	in := []byte("x\u009by é\x1b")
	for _, c := range in { // one byte at a time
		if n, err := w.Write([]byte{c}); n != 1 || err != nil {
			t.Fatal(n, err)
		}
	}
	if got := b.String(); got != `x\u009by é␛` {
		t.Errorf("got %q", got)
	}
}
