package luceneref

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/internal/fixtures"
)

// TestAnalyzerAgainstLucene: recheckgen's standard analyzer gives the words
// Lucene's gives, on every message of elastic-recheck's recorded documents
// and on texts chosen for the corners of word segmentation.
func TestAnalyzerAgainstLucene(t *testing.T) {
	ref := New(t)
	texts := []string{
		"java.io.InterruptedIOException: 10.0.0.1 don't 1,000 1;2 3.14 e.g. U.S.A. a.b.c.",
		"ovs-vsctl --timeout=10 -- --may-exist add-br br-int",
		"nova.compute.manager:TestFoo_bar __init__ ___ _x_ x_1 1_x",
		"Détails: Übung İstanbul ΣΊΣΥΦΟΣ straße ǅ",
		"世界 こんにちは カタカナ 한국어 ไทย",
		"👍🐶 ok ☃ ½ ² Ⅻ ①",
		"a\u00adb a\u200bb a\u200db e\u0301x",
		"&lt;bound method&gt; &amp; &#39;x&#39; &quot;y&quot;",
		"a " + strings.Repeat("x", 300) + " b " + strings.Repeat("é", 200) + " c",
		"tab\tnew\nline\r\nend",
		"http://logs.openstack.org/99/51399/3/check/job/9ede8f0/logs/syslog.txt?x=1#y",
		"2026-11-20 08:05:00.000 12 ERROR oslo_messaging.rpc.server [req-1f2e3d4c-aaaa] x",
		"'quoted' \"double\" (paren) [bracket] {brace} <angle> a'' ''b",
		"9.9.9 v1.2.3 1.a a.1 a:1 1:a 1,a a,1",
	}
	files, _ := filepath.Glob(filepath.Join(fixtures.Dir(t), "responses", "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var resp struct {
			Hits struct {
				Hits []struct {
					Source map[string]any `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if json.Unmarshal(data, &resp) != nil {
			continue // not a hit list
		}
		for _, h := range resp.Hits.Hits {
			for _, k := range []string{"message", "@message"} {
				if s, ok := h.Source[k].(string); ok {
					texts = append(texts, s)
				}
			}
		}
	}
	if len(texts) < 500 {
		t.Fatalf("only %d texts", len(texts))
	}
	want, err := ref.Tokens(texts)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, text := range texts {
		var got []string
		analysis.Each(text, func(w []byte) bool { got = append(got, string(w)); return true })
		if got == nil {
			got = []string{}
		}
		if !slices.Equal(got, want[i]) {
			if bad++; bad <= 10 {
				t.Errorf("%.200q:\n recheckgen %.300q\n Lucene     %.300q", text, got, want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d texts analyzed differently", bad, len(texts))
	}
}
