// Package replay serves a directory of build directories (the sample
// corpus) as a CI system would, for tests: Zuul's builds API and a log
// server with each build's zuul-manifest.json, or Jenkins' JSON API and
// console text. The servers are as strict as the real ones — they route
// by path and refuse parameters the real API does not take — and inject
// faults on demand: error statuses with Retry-After, slow answers,
// dropped connections, truncated gzip, files listed but missing, builds
// added while a client pages, and any hostile body a test asks for.
package replay

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/zuul"
)

// Build is one build of the corpus as the servers serve it.
type Build struct {
	UUID  string
	Dir   string // its directory in the corpus
	Start time.Time
	// Record is its build.json, as a JSON object the servers edit.
	Record map[string]json.RawMessage
	// Files are its log files: slash path → content as stored.
	Files map[string][]byte
	// Job and Result, for Jenkins.
	Job, Result string
	End         time.Time
}

// Load reads every build directory of dir that has a valid build.json;
// the others (the corpus's broken ones) are left out, as no CI system
// would list them. Builds come oldest first.
func Load(dir string) ([]*Build, error) {
	var out []*Build
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		data, err := os.ReadFile(filepath.Join(p, "build.json"))
		if err != nil {
			return nil
		}
		b, err := zuul.Decode(data)
		if err != nil {
			return filepath.SkipDir
		}
		var rec map[string]json.RawMessage
		if json.Unmarshal(data, &rec) != nil {
			return filepath.SkipDir
		}
		build := &Build{UUID: b.UUID, Dir: p, Start: b.Start, End: b.End, Record: rec, Files: map[string][]byte{},
			Job: b.Job, Result: b.Result}
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(p, f)
			rel = filepath.ToSlash(rel)
			if rel == "build.json" {
				return nil
			}
			data, err := os.ReadFile(f)
			build.Files[rel] = data
			return err
		})
		if err != nil {
			return err
		}
		out = append(out, build)
		return filepath.SkipDir
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].UUID < out[j].UUID
	})
	return out, err
}

// Manifest is the zuul-manifest.json of files, as zuul-jobs'
// generate_manifest.py writes it: a tree of directories (mimetype
// application/directory, children) and files (mimetype, encoding, size),
// each level's directories first, then files, sorted by name.
func Manifest(files map[string][]byte) []byte {
	type node struct {
		dirs  map[string]*node
		files map[string][]byte
	}
	root := &node{dirs: map[string]*node{}, files: map[string][]byte{}}
	for p, data := range files {
		parts := strings.Split(p, "/")
		n := root
		for _, d := range parts[:len(parts)-1] {
			if n.dirs[d] == nil {
				n.dirs[d] = &node{dirs: map[string]*node{}, files: map[string][]byte{}}
			}
			n = n.dirs[d]
		}
		n.files[parts[len(parts)-1]] = data
	}
	type entry struct {
		Name         string   `json:"name"`
		MimeType     string   `json:"mimetype"`
		Encoding     *string  `json:"encoding"`
		Children     *[]entry `json:"children,omitempty"`
		LastModified *int64   `json:"last_modified,omitempty"`
		Size         *int     `json:"size,omitempty"`
	}
	var walk func(n *node) []entry
	walk = func(n *node) []entry {
		out := []entry{}
		for _, name := range sortedKeys(n.dirs) {
			kids := walk(n.dirs[name])
			out = append(out, entry{Name: name, MimeType: "application/directory", Children: &kids})
		}
		for _, name := range sortedKeys(n.files) {
			mt, enc := "text/plain", (*string)(nil)
			if strings.HasSuffix(name, ".gz") {
				g := "gzip"
				enc = &g
			}
			if strings.HasSuffix(name, ".json") {
				mt = "application/json"
			}
			size, mod := len(n.files[name]), int64(1763640000)
			out = append(out, entry{Name: name, MimeType: mt, Encoding: enc, LastModified: &mod, Size: &size})
		}
		return out
	}
	data, _ := json.Marshal(map[string]any{"tree": walk(root), "index_links": false})
	return data
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Gunzip is data decompressed when it is gzip (as far as it reads), else
// data.
func Gunzip(data []byte) []byte {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return data
	}
	out, _ := io.ReadAll(zr)
	return out
}

// Gzip compresses data.
func Gzip(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}
