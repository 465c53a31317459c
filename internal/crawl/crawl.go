// Package crawl follows every link of a site served over HTTP, as a
// reader's browser would, and reports the ones that break: a same-site
// href or src that does not answer 200, or that leaves the path the site
// is served under (a project site on GitHub Pages lives under /PROJECT/).
package crawl

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// attr finds href and src attributes in the HTML the site writes.
var attr = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)

// base finds a page's <base href>.
var base = regexp.MustCompile(`<base href="([^"]*)"`)

// Result is what a crawl found.
type Result struct {
	Pages  int      // HTML pages read
	Links  int      // same-site links followed
	Broken []string // "page: link (why)"
}

// Site crawls from start (an absolute URL under prefix, such as
// http://127.0.0.1:1234/PROJECT/index.html) and checks every same-origin
// link found on the HTML pages under prefix, following only those. Extra
// pages (a 404 page reached at depth) can be listed in also.
func Site(client *http.Client, start, prefix string, also ...string) (Result, error) {
	var r Result
	startURL, err := url.Parse(start)
	if err != nil {
		return r, err
	}
	seen := map[string]bool{}
	queue := append([]string{start}, also...)
	for _, q := range queue {
		seen[q] = true
	}
	status := map[string]int{}
	get := func(u string) (int, string, string, error) {
		resp, err := client.Get(u)
		if err != nil {
			return 0, "", "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(body), err
	}
	for len(queue) > 0 {
		page := queue[0]
		queue = queue[1:]
		code, ctype, body, err := get(page)
		if err != nil {
			return r, err
		}
		if !strings.HasPrefix(ctype, "text/html") {
			continue
		}
		if code != http.StatusOK && !contains(also, page) {
			continue
		}
		r.Pages++
		pageURL, _ := url.Parse(page)
		from := pageURL
		if m := base.FindStringSubmatch(body); m != nil {
			if b, err := pageURL.Parse(html.UnescapeString(m[1])); err == nil {
				from = b
			}
		}
		for _, m := range attr.FindAllStringSubmatch(body, -1) {
			raw := html.UnescapeString(m[1])
			u, err := from.Parse(raw)
			if err != nil {
				r.Broken = append(r.Broken, fmt.Sprintf("%s: %q (%v)", page, raw, err))
				continue
			}
			if u.Host != startURL.Host || u.Scheme != startURL.Scheme {
				continue // another site
			}
			u.Fragment = ""
			target := u.String()
			if !strings.HasPrefix(u.Path, prefix) {
				r.Broken = append(r.Broken, fmt.Sprintf("%s: %q leaves %s", page, raw, prefix))
				continue
			}
			r.Links++
			if _, done := status[target]; !done {
				c, _, _, err := get(target)
				if err != nil {
					return r, err
				}
				status[target] = c
			}
			if status[target] != http.StatusOK {
				r.Broken = append(r.Broken, fmt.Sprintf("%s: %q answers %d", page, raw, status[target]))
				continue
			}
			if !seen[target] && (strings.HasSuffix(u.Path, ".html") || strings.HasSuffix(u.Path, "/")) {
				seen[target] = true
				queue = append(queue, target)
			}
		}
	}
	sort.Strings(r.Broken)
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// PagesHandler serves dir under prefix as GitHub Pages does: 404.html, with
// status 404, for any missing path.
func PagesHandler(dir, prefix string) http.Handler {
	files := http.StripPrefix(strings.TrimSuffix(prefix, "/"), http.FileServer(http.Dir(dir)))
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !strings.HasPrefix(req.URL.Path, prefix) {
			http.NotFound(w, req)
			return
		}
		rel := strings.TrimPrefix(req.URL.Path, prefix)
		if rel == "" || strings.HasSuffix(rel, "/") {
			rel += "index.html"
		}
		if f, err := http.Dir(dir).Open("/" + rel); err == nil {
			st, err := f.Stat()
			f.Close()
			if err == nil && !st.IsDir() {
				files.ServeHTTP(w, req)
				return
			}
		}
		page, err := http.Dir(dir).Open("/404.html")
		if err != nil {
			http.NotFound(w, req)
			return
		}
		defer page.Close()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.Copy(w, page)
	})
}
