package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats Write accepts.
var Formats = []string{"text", "json", "github"}

// Write prints l in the named format: "text" for people, "json" for tools,
// "github" for GitHub Actions workflow commands, which annotate the lines
// of a pull request.
func Write(w io.Writer, format string, l List) error {
	switch format {
	case "text":
		return writeText(w, l)
	case "json":
		if l == nil {
			l = List{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Errors      int  `json:"errors"`
			Warnings    int  `json:"warnings"`
			Notes       int  `json:"notes"`
			Diagnostics List `json:"diagnostics"`
		}{l.Errors(), l.Count(Warning), l.Count(Note), l})
	case "github":
		return writeGitHub(w, l)
	}
	return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

func writeText(w io.Writer, l List) error {
	for _, d := range l {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
		if d.Excerpt != "" {
			for _, ln := range strings.Split(d.Excerpt, "\n") {
				fmt.Fprintf(w, "    %s\n", ln)
			}
		}
	}
	notes := ""
	if n := l.Count(Note); n > 0 {
		notes = fmt.Sprintf(", %d note(s)", n)
	}
	_, err := fmt.Fprintf(w, "%d error(s), %d warning(s)%s\n", l.Errors(), l.Count(Warning), notes)
	return err
}

func writeGitHub(w io.Writer, l List) error {
	for _, d := range l {
		props := "file=" + ghProp(d.File)
		if d.Line > 0 {
			props += fmt.Sprintf(",line=%d", d.Line)
		}
		if d.Col > 0 {
			props += fmt.Sprintf(",col=%d", d.Col)
		}
		cmd := d.Severity.String()
		if d.Severity == Note {
			cmd = "notice" // the Actions runner's name for it
		}
		if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, props, ghData(d.Message)); err != nil {
			return err
		}
	}
	return nil
}

// ghData and ghProp escape as the Actions runner expects, so a message
// holding "::" or a newline cannot start a second command.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
