package queryimport

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var tagWord = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// File is the query file of a translated entry: its notes as comments,
// then query, title, bug and tags.
func (e Entry) File(from string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Imported by `recheckgen import` from %s, %s.\n", from, e.Source)
	for _, n := range e.Notes {
		fmt.Fprintf(&b, "# The query reads the pattern differently: %s.\n", n)
	}
	doc := struct {
		Query string   `yaml:"query"`
		Title string   `yaml:"title,omitempty"`
		Bug   string   `yaml:"bug,omitempty"`
		Tags  []string `yaml:"tags,omitempty,flow"`
	}{Query: e.Query, Title: e.Title}
	if strings.HasPrefix(e.Bug, "https://") || strings.HasPrefix(e.Bug, "http://") {
		doc.Bug = e.Bug
	}
	if doc.Title == "" {
		doc.Title = e.ID
	}
	for _, t := range e.Tags {
		if tagWord.MatchString(t) {
			doc.Tags = append(doc.Tags, t)
		}
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	_ = enc.Encode(doc) // strings and a list of strings always encode
	return b.Bytes()
}

// Write writes the translated entries into dir as <id>.yaml, never over
// an existing file unless force. It returns the files written; an entry
// whose file exists gets that as its error.
func Write(dir, from string, entries []Entry, force bool) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	seen := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		if e.Err != nil {
			continue
		}
		name := FileID(e.ID)
		for n := 2; seen[name]; n++ {
			name = fmt.Sprintf("%s-%d", FileID(e.ID), n)
		}
		seen[name] = true
		p := filepath.Join(dir, name+".yaml")
		flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if force {
			flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(p, flag, 0o644)
		if os.IsExist(err) {
			e.Err = fmt.Errorf("%s exists (--force replaces it)", p)
			continue
		}
		if err != nil {
			return written, err
		}
		_, err = f.Write(e.File(from))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("%s: %w", p, err)
		}
		written = append(written, p)
	}
	return written, nil
}
