package recheckgen_test

import (
	"slices"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/store"
)

// TestOneVocabulary: the log fields are named once; the store searches
// every one of them and no other, and the default list of known fields
// (query.fields) is the same list.
func TestOneVocabulary(t *testing.T) {
	var names []string
	for _, f := range recheckgen.LogFields {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	storeFields := store.Fields()
	slices.Sort(storeFields)
	if !slices.Equal(names, storeFields) {
		t.Errorf("the vocabulary %v\nthe store searches %v", names, storeFields)
	}
	known := append([]string(nil), config.Default().Query.Fields...)
	slices.Sort(known)
	if !slices.Equal(names, known) {
		t.Errorf("the vocabulary %v\nquery.fields defaults to %v", names, known)
	}
}
