package site

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
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
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// feed writes feed.xml: an entry for each bug that is new (first seen in
// the last 24 hours) or spiking. encoding/xml escapes every field.
func (s *site) feed() error {
	base := strings.TrimSuffix(SafeURL(s.in.Config.Site.BaseURL), "/") + "/"
	if base == "/" {
		base = "" // relative links only
	}
	updated := s.in.Report.Generated.Format(time.RFC3339)
	f := atomFeed{Title: s.in.Config.Site.Title + ": new and spiking bugs", ID: "tag:recheckgen,2026:" + s.in.Config.Site.Title,
		Updated: updated, Link: atomLink{Href: base + "index.html"}}
	since := s.in.Window.End.Add(-24 * time.Hour)
	for _, b := range s.in.Report.Bugs {
		isNew := !b.First.IsZero() && !b.First.Before(since)
		if !isNew && !b.Spike {
			continue
		}
		what := "spiking"
		if isNew {
			what = "new"
		}
		f.Entries = append(f.Entries, atomEntry{
			Title:   fmt.Sprintf("%s (%s)", b.Title, what),
			ID:      fmt.Sprintf("tag:recheckgen,2026:bug/%s/%s/%s", b.ID, what, s.in.Window.End.Format("2006-01-02")),
			Updated: updated, Link: atomLink{Href: base + "bugs/" + b.ID + ".html"},
			Summary: fmt.Sprintf("%d failed builds in the last 24 hours, %d in the window.", b.Fails24, b.Fails),
		})
	}
	data, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return s.file("feed.xml", append([]byte(xml.Header), append(data, '\n')...))
}
