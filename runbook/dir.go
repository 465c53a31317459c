package runbook

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/yamlfile"
	"github.com/yuin/goldmark"
)

// Set is every page of a content directory, by slash path.
type Set struct {
	Dir   string
	Pages []*Page
	byRel map[string]*Page
}

// LoadDir reads every *.md file below dir. Pages with front-matter errors
// are still returned, so their links are checked too.
func LoadDir(dir string, md goldmark.Markdown) (*Set, diag.List) {
	s := &Set{Dir: dir, byRel: map[string]*Page{}}
	var dl diag.List
	if err := rootfile.CheckDir(dir); errors.Is(err, rootfile.ErrSymlink) {
		return s, diag.List{{File: dir, Severity: diag.Error, Message: "read content: " + rootfile.ErrSymlink.Error()}}
	}
	err := filepath.WalkDir(dir, func(file string, e fs.DirEntry, err error) error {
		if err != nil {
			dl = append(dl, diag.Diagnostic{File: file, Severity: diag.Error, Message: fmt.Sprintf("read content: %v", err)})
			return nil
		}
		if e.IsDir() || !strings.HasSuffix(file, ".md") {
			return nil
		}
		src, err := rootfile.ReadSource(file)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			dl = append(dl, diag.Diagnostic{File: file, Severity: diag.Error, Message: err.Error()})
			return nil
		}
		rel, _ := filepath.Rel(dir, file)
		p, pdl := Parse(md, file, filepath.ToSlash(rel), src)
		dl = append(dl, pdl...)
		s.Pages = append(s.Pages, p)
		s.byRel[p.Path] = p
		return nil
	})
	if err != nil {
		dl = append(dl, diag.Diagnostic{File: dir, Severity: diag.Error, Message: fmt.Sprintf("read content: %v", err)})
	}
	sort.Slice(s.Pages, func(i, j int) bool { return s.Pages[i].Path < s.Pages[j].Path })
	return s, dl
}

// Page returns the page at slash path rel, or nil.
func (s *Set) Page(rel string) *Page { return s.byRel[rel] }

// CheckLinks reports links that would break on the site: a scheme other
// than http(s) or mailto, a missing page, or a missing heading anchor.
func (s *Set) CheckLinks() diag.List {
	var dl diag.List
	for _, p := range s.Pages {
		for _, l := range p.Links {
			if msg := s.checkLink(p, l.Dest); msg != "" {
				dl = append(dl, diag.Diagnostic{File: p.File, Line: l.Line, Col: l.Col, Severity: diag.Error, Message: msg})
			}
		}
	}
	return dl
}

func (s *Set) checkLink(p *Page, dest string) string {
	u, err := url.Parse(dest)
	if err != nil {
		return fmt.Sprintf("link %s is not a valid URL: %v", diag.Quote(dest), err)
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto":
		return ""
	case u.Scheme != "":
		return fmt.Sprintf("link %s: only http(s) and mailto links are allowed", diag.Quote(dest))
	case u.Host != "":
		return fmt.Sprintf("link %s: write the scheme, https://", diag.Quote(dest))
	}
	return s.CheckRef(p, dest)
}

// CheckRef checks a reference from page p (nil: from the content root) to
// another page, "page.md#anchor", and says what is wrong or "".
func (s *Set) CheckRef(p *Page, dest string) string {
	var target, anchor string
	if p != nil {
		target, anchor = p.Resolve(dest)
	} else {
		target, anchor, _ = strings.Cut(dest, "#")
	}
	if strings.HasPrefix(target, "../") || target == ".." {
		return fmt.Sprintf("link %s leaves the content directory", diag.Quote(dest))
	}
	if !strings.HasSuffix(target, ".md") {
		if _, err := os.Stat(filepath.Join(s.Dir, filepath.FromSlash(target))); err != nil {
			return fmt.Sprintf("link %s: no file %s in the content directory", diag.Quote(dest), target)
		}
		return ""
	}
	t := s.byRel[target]
	if t == nil {
		msg := fmt.Sprintf("link %s: no page %s in the content directory", diag.Quote(dest), target)
		if sug := yamlfile.Suggest(target, s.paths()); sug != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", sug)
		}
		return msg
	}
	if anchor != "" && !t.Anchor(anchor) {
		msg := fmt.Sprintf("link %s: %s has no heading with id `%s`", diag.Quote(dest), target, anchor)
		if sug := yamlfile.Suggest(anchor, t.ids()); sug != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", sug)
		}
		return msg
	}
	return ""
}

func (s *Set) paths() []string {
	var out []string
	for _, p := range s.Pages {
		out = append(out, p.Path)
	}
	return out
}

func (p *Page) ids() []string {
	var out []string
	for _, h := range p.Headings {
		out = append(out, h.ID)
	}
	return out
}
