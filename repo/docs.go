package repo

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/runbook"
	"github.com/recheckgen/recheckgen/yamlfile"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// CheckDocs checks the links of the repository's own documentation, the
// README.md and docs/*.md under root, as GitHub shows them: a relative
// link must name a file or directory inside root, and its #anchor a
// heading of the markdown file it points to (GitHub's heading ids). Links
// to other sites are not fetched. A repository without these files has
// nothing to check.
func CheckDocs(root string) diag.List {
	files := []string{filepath.Join(root, "README.md")}
	more, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	sort.Strings(more)
	files = append(files, more...)
	// GitHub's markdown: no typographer, whose dashes and quotes would
	// change the heading ids.
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	pages := map[string]*runbook.Page{}
	refused := map[string]error{}
	load := func(file string) *runbook.Page {
		if p, ok := pages[file]; ok {
			return p
		}
		// Git stores links: a doc may be one, to /dev/zero or to a file
		// outside the repository. Only regular files inside its directory
		// are read, and only MaxSource of them.
		src, err := rootfile.ReadPath(file, rootfile.FollowInside, rootfile.MaxSource)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				refused[file] = err
			}
			pages[file] = nil
			return nil
		}
		p := runbook.ParseDoc(md, file, src)
		pages[file] = p
		return p
	}
	var dl diag.List
	for _, f := range files {
		p := load(f)
		if err := refused[f]; err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			dl = append(dl, diag.Diagnostic{File: f, Severity: diag.Error, Message: err.Error()})
		}
		if p == nil {
			continue
		}
		for _, l := range p.Links {
			if msg := checkDocLink(root, f, l.Dest, load); msg != "" {
				dl = append(dl, diag.Diagnostic{File: f, Line: l.Line, Col: l.Col, Severity: diag.Error, Message: msg})
			}
		}
	}
	return dl
}

func checkDocLink(root, from, dest string, load func(string) *runbook.Page) string {
	u, err := url.Parse(dest)
	if err != nil {
		return fmt.Sprintf("link %q is not a valid URL: %v", dest, err)
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto":
		return ""
	case u.Scheme != "" || u.Host != "":
		return fmt.Sprintf("link %q: only relative, http(s) and mailto links are allowed", dest)
	}
	target := from
	if u.Path != "" {
		if strings.HasPrefix(u.Path, "/") {
			return fmt.Sprintf("link %q: write it relative to this file (GitHub reads /... from the site's root)", dest)
		}
		target = filepath.Join(filepath.Dir(from), filepath.FromSlash(u.Path))
		rel, err := filepath.Rel(root, target)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Sprintf("link %q leaves the repository", dest)
		}
		if _, err := os.Stat(target); err != nil {
			msg := fmt.Sprintf("link %q: no file %s", dest, filepath.ToSlash(rel))
			if names, err := os.ReadDir(filepath.Dir(target)); err == nil {
				var list []string
				for _, n := range names {
					list = append(list, n.Name())
				}
				if s := yamlfile.Suggest(filepath.Base(target), list); s != "" {
					msg += fmt.Sprintf("; did you mean `%s`?", s)
				}
			}
			return msg
		}
	}
	if u.Fragment == "" || !strings.HasSuffix(target, ".md") {
		return ""
	}
	p := load(target)
	if p == nil {
		return fmt.Sprintf("link %q: cannot read %s", dest, target)
	}
	ids := GitHubIDs(p)
	for _, id := range ids {
		if id == u.Fragment {
			return ""
		}
	}
	msg := fmt.Sprintf("link %q: %s has no heading with id `%s`", dest, filepath.ToSlash(filepath.Base(target)), u.Fragment)
	if s := yamlfile.Suggest(u.Fragment, ids); s != "" {
		msg += fmt.Sprintf("; did you mean `%s`?", s)
	}
	return msg
}

// GitHubIDs are the ids GitHub gives a markdown file's headings: lower
// case, spaces to '-', punctuation dropped, repeats numbered (-1, -2).
func GitHubIDs(p *runbook.Page) []string {
	seen := map[string]int{}
	var out []string
	for _, h := range p.Headings {
		id := githubSlug(h.Text)
		if n := seen[id]; n > 0 {
			seen[id]++
			id = fmt.Sprintf("%s-%d", id, n)
		} else {
			seen[id] = 1
		}
		out = append(out, id)
	}
	return out
}

func githubSlug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
