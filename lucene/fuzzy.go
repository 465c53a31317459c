package lucene

import "unicode/utf8"

// EditDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and transpositions of neighbours,
// each one edit), as Lucene's fuzzy query counts edits with transpositions
// on, Elasticsearch 1.x's and OpenSearch's default. It stops early and
// returns limit+1 once the distance must exceed limit.
func EditDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// AutoEdits is the edits Elasticsearch's AUTO fuzziness (a bare `~`)
// allows a term of text: none up to 2 characters, 1 up to 5, else 2.
func AutoEdits(text string) int {
	switch n := utf8.RuneCountInString(text); {
	case n <= 2:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}
