package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/report"
)

// generatedQueries are n queries made from the store's own lines: a
// phrase of two to four words of a random line, some narrowed to the
// line's file tag, so each finds something and they overlap as real ones
// do.
func generatedQueries(b *testing.B, st *Store, n int) []recheckgen.Query {
	rows, err := st.db.Query(`SELECT l.message, f.name FROM lines l JOIN files f ON f.id = l.file_id
		WHERE l.id % 97 = 0 LIMIT 20000`)
	if err != nil {
		b.Fatal(err)
	}
	type line struct{ msg, file string }
	var lines []line
	for rows.Next() {
		var l line
		rows.Scan(&l.msg, &l.file)
		lines = append(lines, l)
	}
	rows.Close()
	r := rand.New(rand.NewPCG(13, 17))
	seen := map[string]bool{}
	var qs []recheckgen.Query
	for len(qs) < n && len(lines) > 0 {
		l := lines[r.IntN(len(lines))]
		words := analysis.Tokens(l.msg)
		if len(words) < 4 {
			continue
		}
		k := 2 + r.IntN(3)
		i := r.IntN(len(words) - k + 1)
		text := fmt.Sprintf("message:%s", lucene.String(&lucene.Phrase{Text: strings.Join(words[i:i+k], " ")}))
		if r.IntN(3) == 0 {
			_, tags := logfile.Names(l.file)
			text += " AND tags:" + lucene.String(&lucene.Phrase{Text: tags[0]})
		}
		if seen[text] {
			continue
		}
		seen[text] = true
		expr, _, err := lucene.Parse(text, lucene.Options{Index: analysis.Elastic})
		if err != nil {
			continue
		}
		qs = append(qs, recheckgen.Query{ID: fmt.Sprintf("g%03d", len(qs)), Raw: text, Expr: expr})
	}
	return qs
}

// BenchmarkOverlapOnStore runs 500 queries made from the store's lines
// (RECHECKGEN_BENCH_SCALE picks the store, as for the query benchmarks)
// once, then computes the overlap of the first 100, 200, ... 500 of
// them: the time, and the heap the computation allocates.
func BenchmarkOverlapOnStore(b *testing.B) {
	st, _ := benchStore(b)
	qs := generatedQueries(b, st, 500)
	results := make([]report.Result, len(qs))
	for i, q := range qs {
		m, err := st.Search(context.Background(), q, sampleWindow, recheckgen.SearchOptions{})
		results[i] = report.Result{Query: q, Match: m, Err: err}
	}
	builds := map[string]bool{}
	for _, r := range results {
		if r.Match != nil {
			for _, mb := range r.Match.Builds {
				builds[mb.UUID] = true
			}
		}
	}
	b.Logf("%d queries matching %d builds", len(qs), len(builds))
	for _, n := range []int{100, 200, 300, 400, 500} {
		b.Run(fmt.Sprint(n, "-queries"), func(b *testing.B) {
			var ov recheckgen.Overlap
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			cpu0 := cpuTime()
			for range b.N {
				ov = report.Overlap(results[:n], report.DefaultOverlap)
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MiB/op")
			b.ReportMetric(float64(len(ov.Pairs)+len(ov.Subsets)+len(ov.CoOccurring)), "pairs")
		})
	}
}
