package zuul

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
)

// Getter fetches a URL and returns its body, at most limit bytes. The
// caller decides retries, concurrency and time (package fetch).
type Getter func(ctx context.Context, url string, limit int64) ([]byte, error)

// Filter narrows a builds API listing on the server: each list's values
// are ORed (the API takes a parameter repeated), the lists ANDed.
type Filter struct {
	Pipelines, Projects, Branches []string
	// Voting, when set, lists only voting (true) or non-voting jobs.
	Voting *bool
}

// Item is one build of a listing.
type Item struct {
	// Raw is the record as the server sent it: what build.json holds.
	Raw   json.RawMessage
	Build recheckgen.Build
	// ID is the record's "_id" (Zuul 4.12 and newer), 0 without one.
	ID int64
	// ManifestURL is the URL of the zuul_manifest artifact, when the
	// record lists one.
	ManifestURL string
}

// Running says the build has no result yet.
func (it Item) Running() bool { return it.Build.Result == "" }

// Page is one page of a listing as the visitor sees it.
type Page struct {
	// Items are the builds not seen on an earlier page that started at
	// or after since, and builds still running (no result).
	Items []Item
	// Known spans the start times of every build on the page, seen
	// before or not, since included or not: what the visitor may compare
	// with the builds it holds.
	Oldest, Newest time.Time
	// Warnings name the records skipped: no uuid, not a build record.
	Warnings []string
}

// Lister pages through a tenant's builds API: /api/tenant/NAME/builds.
type Lister struct {
	// Base is the tenant's API: https://HOST/api/tenant/NAME.
	Base   string
	Get    Getter
	Filter Filter
	// Limit is the page size (100 when 0); MaxPages bounds a listing
	// (10,000 when 0).
	Limit, MaxPages int
	// Now is the clock records are checked against (Build.Check).
	Now time.Time
}

// Page and record caps: a page of 100 real records is about 200 KB.
const (
	MaxPageBytes   = 32 << 20
	MaxRecordBytes = 1 << 20
)

// maxRereads bounds the pages read again when a page does not join the
// one before it (builds removed from the listing while it was read).
const maxRereads = 20

// ErrGap is returned (wrapped) when a listing could not make its pages
// join: builds may have been missed.
var ErrGap = errors.New("pages of the listing did not join")

// List reads the builds newest first, page by page, calling visit with
// each page until a page holds only builds that started before since, a
// page is short (the end), or visit says stop. Builds move between pages
// while new ones are added: with "_id" in the records (Zuul 4.12 and
// newer) the next page is asked for by idx_max, which no new build
// moves; without, by skip, each page overlapping the one before by a
// build so that a shift is seen, duplicates dropped and a gap read again.
func (l *Lister) List(ctx context.Context, since time.Time, visit func(Page) (stop bool, err error)) error {
	limit, maxPages := l.Limit, l.MaxPages
	if limit <= 0 {
		limit = 100
	}
	if maxPages <= 0 {
		maxPages = 10000
	}
	now := l.Now
	if now.IsZero() {
		now = time.Now()
	}
	seen := map[string]bool{}
	var idxMax int64 // next page by idx_max when > 0
	skip, rereads := 0, 0
	anchor := "" // last uuid of the page before, in skip mode
	for pages := 0; ; pages++ {
		if pages == maxPages {
			return fmt.Errorf("listing %s: stopped after %d pages", l.Base, maxPages)
		}
		u := l.pageURL(limit, skip, idxMax)
		raw, err := l.Get(ctx, u, MaxPageBytes)
		if err != nil {
			return fmt.Errorf("listing %s: %w", redactURL(u), err)
		}
		var records []json.RawMessage
		if err := json.Unmarshal(raw, &records); err != nil {
			return fmt.Errorf("listing %s: not a page of builds (a JSON array): %v", redactURL(u), err)
		}
		var p Page
		var items []Item
		minID := int64(0)
		for i, rec := range records {
			it, err := DecodeItem(rec, now)
			if err != nil {
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s item %d: %v: skipped", redactURL(u), i, err))
				continue
			}
			items = append(items, it)
			if it.ID > 0 && (minID == 0 || it.ID < minID) {
				minID = it.ID
			}
		}
		if idxMax == 0 && anchor != "" && len(items) > 0 {
			// skip mode: the page should start with the last build of
			// the page before.
			has, overlap := false, false
			for _, it := range items {
				has = has || it.Build.UUID == anchor
				overlap = overlap || seen[it.Build.UUID]
			}
			if !has && !overlap {
				if rereads == maxRereads {
					return fmt.Errorf("listing %s: %w after %d pages read again", l.Base, ErrGap, rereads)
				}
				rereads++
				skip = max(0, skip-limit)
				continue
			}
		}
		allOld := len(items) > 0
		for _, it := range items {
			b := it.Build
			if !b.Start.IsZero() {
				if p.Oldest.IsZero() || b.Start.Before(p.Oldest) {
					p.Oldest = b.Start
				}
				if b.Start.After(p.Newest) {
					p.Newest = b.Start
				}
			}
			if b.Start.IsZero() || !b.Start.Before(since) {
				allOld = false
			}
			if seen[b.UUID] {
				continue
			}
			seen[b.UUID] = true
			if it.Running() || (!b.Start.IsZero() && !b.Start.Before(since)) {
				p.Items = append(p.Items, it)
			}
		}
		stop, err := visit(p)
		if err != nil || stop || allOld || len(records) < limit {
			return err
		}
		if idxMax > 0 || (pages == 0 && minID > 0) {
			switch {
			case minID == 0:
				return fmt.Errorf("listing %s: a page without \"_id\" while paging by idx_max", redactURL(u))
			case idxMax > 0 && minID > idxMax:
				return fmt.Errorf("listing %s: the server ignored idx_max (a build of _id %d on the page)", redactURL(u), minID)
			}
			idxMax = minID - 1
		} else {
			anchor = lastUUID(items)
			skip += len(records) - 1
		}
	}
}

func lastUUID(items []Item) string {
	if len(items) == 0 {
		return ""
	}
	return items[len(items)-1].Build.UUID
}

// pageURL is the builds API request for one page.
func (l *Lister) pageURL(limit, skip int, idxMax int64) string {
	q := url.Values{}
	for _, v := range l.Filter.Pipelines {
		q.Add("pipeline", v)
	}
	for _, v := range l.Filter.Projects {
		q.Add("project", v)
	}
	for _, v := range l.Filter.Branches {
		q.Add("branch", v)
	}
	if l.Filter.Voting != nil {
		q.Set("voting", map[bool]string{true: "1", false: "0"}[*l.Filter.Voting])
	}
	q.Set("limit", strconv.Itoa(limit))
	if idxMax > 0 {
		q.Set("idx_max", strconv.FormatInt(idxMax, 10))
	} else if skip > 0 {
		q.Set("skip", strconv.Itoa(skip))
	}
	return strings.TrimSuffix(l.Base, "/") + "/builds?" + q.Encode()
}

// DecodeItem reads one build's record, as the builds API lists it, its
// build API (API/build/UUID) answers it, or a fetch kept it: checked as
// Build.Check does, with its _id and manifest artifact.
func DecodeItem(raw json.RawMessage, now time.Time) (Item, error) {
	if len(raw) > MaxRecordBytes {
		return Item{}, fmt.Errorf("record of %d bytes, over %d", len(raw), MaxRecordBytes)
	}
	b, err := Decode(raw)
	if err != nil {
		return Item{}, err
	}
	if err := b.Check(now); err != nil {
		return Item{}, fmt.Errorf("invalid build record: %w", err)
	}
	// Decode checked the JSON. These fields are optional, each read on
	// its own: a wrong type loses that field only.
	var extra struct {
		ID        json.RawMessage `json:"_id"`
		Artifacts json.RawMessage `json:"artifacts"`
	}
	_ = json.Unmarshal(raw, &extra)
	it := Item{Raw: raw, Build: b}
	var id json.Number
	if json.Unmarshal(extra.ID, &id) == nil {
		if n, err := id.Int64(); err == nil && n > 0 {
			it.ID = n
		}
	}
	var arts []json.RawMessage
	_ = json.Unmarshal(extra.Artifacts, &arts)
	for _, a := range arts {
		var art struct {
			URL      string `json:"url"`
			Metadata struct {
				Type string `json:"type"`
			} `json:"metadata"`
		}
		if json.Unmarshal(a, &art) == nil && art.Metadata.Type == "zuul_manifest" && art.URL != "" {
			it.ManifestURL = art.URL
			break
		}
	}
	return it, nil
}

// redactURL drops a URL's user information for messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}
