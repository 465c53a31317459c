package store

import (
	"context"
	"database/sql"
	"fmt"
	"path"
	"slices"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/lucene"
)

// retag gives every stored file the tags of the log pipeline's map
// (logfile.Names) when the store was tagged by another version of it: the
// tags are derived from the files' names.
func (s *Store) retag(ctx context.Context, notify func(string)) error {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'tagmap'").Scan(&v); err != nil && err != sql.ErrNoRows {
		return err
	}
	if v.Int64 == logfile.TagMapVersion {
		return nil
	}
	files := 0
	err := s.exclusive(ctx, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, "SELECT id, name FROM files")
		if err != nil {
			return err
		}
		type file struct {
			id   int64
			name string
		}
		var all []file
		for rows.Next() {
			var f file
			if err := rows.Scan(&f.id, &f.name); err != nil {
				rows.Close()
				return err
			}
			all = append(all, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM file_tags"); err != nil {
			return err
		}
		for _, f := range all {
			_, tags := logfile.Names(f.name)
			for _, tag := range tags {
				if _, err := conn.ExecContext(ctx, "INSERT OR IGNORE INTO file_tags (tag, file_id) VALUES (?, ?)", tag, f.id); err != nil {
					return err
				}
			}
		}
		files = len(all)
		_, err = conn.ExecContext(ctx, "INSERT OR REPLACE INTO meta VALUES ('tagmap', ?)", logfile.TagMapVersion)
		return err
	})
	if err != nil {
		return fmt.Errorf("tag files: %w", err)
	}
	if files > 0 && v.Valid {
		notify(fmt.Sprintf("tagged %d stored file(s) again with the log pipeline's tag map (version %d)", files, logfile.TagMapVersion))
	}
	return nil
}

// tags matches the tags of a line: its file's (logfile.Names), and
// multiline for an event joined from several lines, as logstash tagged it.
func (w *where) tags(n lucene.Node) error {
	w.add("(EXISTS (SELECT 1 FROM file_tags t WHERE t.file_id = l.file_id AND ")
	if err := w.keyword(n, "t.tag", false); err != nil {
		return err
	}
	w.add(")")
	if matchesValue(n, logfile.Multiline) {
		w.add(" OR instr(l.message, char(10)) > 0")
	}
	w.add(")")
	return nil
}

// matchesValue reports whether an exact-value condition holds for v.
func matchesValue(n lucene.Node, v string) bool {
	switch n := n.(type) {
	case *lucene.Term:
		return n.Fuzzy == -1 && n.Text == v || n.Fuzzy != -1 && fuzzyMatch(v, n.Text, fuzziness(n))
	case *lucene.Phrase:
		return n.Text == v
	case *lucene.Wildcard:
		re, err := compile(lucene.WildcardRE2(n.Pattern))
		return err == nil && re.MatchString(v)
	case *lucene.Regexp:
		pattern, err := lucene.RE2(n.Pattern)
		if err != nil {
			return false
		}
		re, err := compile(pattern)
		return err == nil && re.MatchString(v)
	case *lucene.Range:
		return (n.From.Unbounded || v > n.From.Value || n.From.Inclusive && v == n.From.Value) &&
			(n.To.Unbounded || v < n.To.Value || n.To.Inclusive && v == n.To.Value)
	}
	return false
}

// TagProduced reports whether the store gives some line the tag: one of
// the log pipeline's category tags, or the base name of a file globs read.
func TagProduced(tag string, globs []string) bool {
	if slices.Contains(logfile.CategoryTags(), tag) {
		return true
	}
	for _, g := range globs {
		if ok, _ := doublestar.Match(path.Base(g), tag); ok {
			return true
		}
	}
	return false
}
