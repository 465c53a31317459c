package analysis

// Mapping is how elastic-recheck's index (OpenStack's logstash mapping)
// held its fields: `message` (and its old name `@message`) analyzed, `tags`
// a list of exact values, every other field one exact value. A query's
// bare words and phrases, which recheckgen reads as `message`, are
// analyzed too. It is what the query parser reads queries with
// (lucene.Index).
type Mapping struct{}

// Elastic is elastic-recheck's index.
var Elastic Mapping

// Analyzed reports a field whose text the index splits into words.
func (Mapping) Analyzed(field string) bool {
	return field == "" || field == "message" || field == "@message"
}

// MultiValued reports a field a document may hold several values of.
func (Mapping) MultiValued(field string) bool { return field == "tags" || field == "@tags" }

// Tokens is Tokens: the standard analyzer's words.
func (Mapping) Tokens(text string) []string { return Tokens(text) }

// InWord is InWord.
func (Mapping) InWord(r rune) bool { return InWord(r) }
