package zuul

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/recheckgen/recheckgen/internal/rootfile"
)

// ManifestName is the file Zuul's log upload roles write at the root of a
// build's logs (zuul-jobs' generate-zuul-manifest): the tree of every
// file uploaded, which Zuul's web interface reads to show the logs.
const ManifestName = "zuul-manifest.json"

// MaxManifestEntries is the most entries (files and directories) a
// manifest may list: a devstack build lists a few thousand.
const MaxManifestEntries = 200000

// ManifestFile is one file a manifest lists.
type ManifestFile struct {
	Path string // slash path from the log root
	Size int64  // bytes as stored; -1 when the manifest does not say
	// Encoding is the manifest's "encoding": "gzip" for a compressed file
	// (a name ending in .gz), else "".
	Encoding string
}

// manifestEntry is a node of the tree: a directory (with children) or a
// file. generate_manifest.py writes name, mimetype ("application/directory"
// for directories), encoding, last_modified and size.
type manifestEntry struct {
	Name     string           `json:"name"`
	MimeType string           `json:"mimetype"`
	Encoding *string          `json:"encoding"`
	Size     *json.Number     `json:"size"`
	Children *[]manifestEntry `json:"children"`
}

// ParseManifest lists the files of a zuul-manifest.json, sorted by path.
// Entries whose name could lead out of a directory or cannot be a file
// name (see rootfile.CheckName) are refused and named in refused; a file
// that is not a manifest, or lists more than MaxManifestEntries entries,
// is an error.
func ParseManifest(data []byte) (files []ManifestFile, refused []string, err error) {
	var m struct {
		Tree *[]manifestEntry `json:"tree"`
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	if err := dec.Decode(&m); err != nil {
		return nil, nil, fmt.Errorf("invalid %s: %w", ManifestName, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("invalid %s: data after the manifest", ManifestName)
	}
	if m.Tree == nil {
		return nil, nil, fmt.Errorf("invalid %s: no \"tree\"", ManifestName)
	}
	w := walker{seen: map[string]bool{}}
	if err := w.walk(*m.Tree, "", 0); err != nil {
		return nil, nil, fmt.Errorf("invalid %s: %w", ManifestName, err)
	}
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].Path < w.files[j].Path })
	return w.files, w.refused, nil
}

type walker struct {
	files   []ManifestFile
	refused []string
	seen    map[string]bool
	entries int
}

var errTooMany = fmt.Errorf("more than %d entries", MaxManifestEntries)

func (w *walker) walk(entries []manifestEntry, dir string, depth int) error {
	for _, e := range entries {
		if w.entries++; w.entries > MaxManifestEntries {
			return errTooMany
		}
		p := e.Name
		if dir != "" {
			p = dir + "/" + e.Name
		}
		if strings.Contains(e.Name, "/") || e.Name == "" {
			w.refuse(p, errors.New("a name must be one path component"))
			continue
		}
		if err := rootfile.CheckName(p); err != nil {
			w.refuse(p, err)
			continue
		}
		if e.Children != nil || e.MimeType == "application/directory" {
			if e.Children == nil {
				continue
			}
			if depth+1 >= rootfile.MaxDepth {
				w.refuse(p, fmt.Errorf("deeper than %d directories", rootfile.MaxDepth))
				continue
			}
			if err := w.walk(*e.Children, p, depth+1); err != nil {
				return err
			}
			continue
		}
		if w.seen[p] {
			w.refuse(p, errors.New("listed twice"))
			continue
		}
		w.seen[p] = true
		f := ManifestFile{Path: p, Size: -1}
		if e.Size != nil {
			if n, err := e.Size.Int64(); err == nil && n >= 0 {
				f.Size = n
			}
		}
		if e.Encoding != nil && *e.Encoding == "gzip" {
			f.Encoding = "gzip"
		}
		w.files = append(w.files, f)
	}
	return nil
}

func (w *walker) refuse(p string, err error) {
	if len(w.refused) < 20 {
		w.refused = append(w.refused, fmt.Sprintf("%q: %v", rootfile.Short(p), err))
	} else if len(w.refused) == 20 {
		w.refused = append(w.refused, "... and more")
	}
}
