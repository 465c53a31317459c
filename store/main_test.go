package store

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain removes the sample corpus the tests and benchmarks share.
func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(filepath.Dir(corpusDir))
	}
	os.Exit(code)
}
