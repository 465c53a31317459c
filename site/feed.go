package site

import (
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/report"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    atomLink    `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title     string   `xml:"title"`
	ID        string   `xml:"id"`
	Published string   `xml:"published,omitempty"`
	Updated   string   `xml:"updated"`
	Link      atomLink `xml:"link"`
	Summary   string   `xml:"summary"`
}

// feed writes feed.xml: an entry for each bug that is new (first seen in
// the last 24 hours) or spiking. encoding/xml escapes every field. Ids
// are permanent (the site's address, or a name-based urn:uuid without
// one) and dates are those of the data, not of the build: two builds of
// the same data write the same feed, and a reader sees an entry again only
// when its bug has new matches.
func (s *site) feed() error {
	r := s.in.Report
	base := strings.TrimSuffix(report.SafeURL(s.in.Config.Site.BaseURL), "/") + "/"
	if base == "/" {
		base = "" // relative links only
	}
	id := func(parts ...string) string {
		if base != "" {
			if len(parts) == 0 {
				return base + "feed.xml"
			}
			return base + "bugs/" + parts[0] + ".html#" + strings.Join(parts[1:], "-")
		}
		return nameUUID(append([]string{s.in.Config.Site.Title}, parts...)...)
	}
	f := atomFeed{Title: s.in.Config.Site.Title + ": new and spiking bugs", ID: id(), Link: atomLink{Href: base + "index.html"}}
	updated := r.Window.End
	if !r.Freshness.Newest.IsZero() {
		updated = r.Freshness.Newest
	}
	since := r.Window.End.Add(-24 * time.Hour)
	var newest time.Time
	for _, b := range r.Bugs {
		isNew := !b.First.IsZero() && !b.First.Before(since)
		if !isNew && !b.Spike {
			continue
		}
		e := atomEntry{Updated: b.Last.UTC().Format(time.RFC3339), Link: atomLink{Href: base + "bugs/" + b.ID + ".html"},
			Summary: fmt.Sprintf("%d failed builds (%d changes) in the 24 hours to %s UTC, %d in the window.", b.Fails24, b.Changes24,
				r.Window.End.Format("2006-01-02 15:04"), b.Fails)}
		if isNew {
			e.Title, e.ID, e.Published = b.Title+" (new)", id(b.ID, "new", b.First.UTC().Format("20060102T150405")), b.First.UTC().Format(time.RFC3339)
		} else {
			day := r.Window.End.Add(-time.Nanosecond).UTC().Format("2006-01-02")
			e.Title, e.ID = b.Title+" (spiking)", id(b.ID, "spike", day)
		}
		if b.Last.After(newest) {
			newest = b.Last
		}
		f.Entries = append(f.Entries, e)
	}
	if !newest.IsZero() {
		updated = newest
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	data, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return s.file("feed.xml", append([]byte(xml.Header), append(data, '\n')...))
}

// nameUUID is a name-based (SHA-1, version 5) UUID URN of the parts: a
// permanent id for a site published without an address.
func nameUUID(parts ...string) string {
	h := sha1.Sum([]byte("recheckgen feed\x00" + strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
