package site

import (
	"strconv"
	"strings"
)

// slugs gives each name of a kind (jobs, projects, tests) a file name of
// its own: names come from build records and logs, so they are made safe
// for paths and URLs, and two names that map to the same slug get a
// counter.
type slugs struct {
	byName map[string]string
	taken  map[string]bool
}

func newSlugs() *slugs { return &slugs{byName: map[string]string{}, taken: map[string]bool{}} }

// add gives name its slug, unless it has one.
func (s *slugs) add(name string) string {
	if slug, ok := s.byName[name]; ok {
		return slug
	}
	base := slugify(name)
	slug := base
	for n := 2; s.taken[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	s.byName[name], s.taken[slug] = slug, true
	return slug
}

// of is name's slug, "" when it has no page.
func (s *slugs) of(name string) string { return s.byName[name] }

// slugify keeps letters, digits, '.', '_' and '-', turns '/' into "--"
// (openstack/nova → openstack--nova) and anything else into '-'; a slug
// never starts with '.' (GitHub Pages' upload skips dot-files) and is at
// most 150 bytes.
func slugify(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == '/':
			b.WriteString("--")
		default:
			b.WriteByte('-')
		}
	}
	s := b.String()
	if len(s) > 150 {
		s = s[:150]
	}
	if s == "" || s[0] == '.' {
		s = "x" + s
	}
	return s
}
