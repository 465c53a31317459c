package recheckgen

import (
	"fmt"
	"strconv"
	"strings"
)

// Era is the span of years a runbook, a section of one or a query applies
// to: the builds whose logs hold what it describes. CI changes under the
// text (Jenkins gave way to Zuul, log files were renamed, scripts were
// retired), so a reader needs to know which builds a landmark belongs to.
// To is 0 for an era that has not ended.
type Era struct {
	From, To int
}

// EraFirstYear bounds the years an era may name: CI of this kind began in 2011,
// and a range may not start in the future.
const EraFirstYear = 2010

// ParseEra reads an `applies:` value: "2016" (that year), "2016-2018"
// (both included) or "2019-" (from 2019 on, still current). now is the
// current year, which no range may start after.
func ParseEra(s string, now int) (Era, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Era{}, fmt.Errorf("`applies` is empty: write a year or a range of years, 2016-2018 or 2019-")
	}
	from, to, ranged := strings.Cut(s, "-")
	var e Era
	var err error
	if e.From, err = year(from, now); err != nil {
		return Era{}, err
	}
	switch {
	case !ranged:
		e.To = e.From
	case strings.TrimSpace(to) == "":
		e.To = 0
	default:
		if e.To, err = year(to, now+1); err != nil {
			return Era{}, err
		}
		if e.To < e.From {
			return Era{}, fmt.Errorf("`applies` %q ends before it starts", s)
		}
	}
	return e, nil
}

func year(s string, max int) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 {
		return 0, fmt.Errorf("`applies` needs four-digit years (2016-2018, or 2019- for \"still current\"), not %q", s)
	}
	if n < EraFirstYear || n > max {
		return 0, fmt.Errorf("`applies` year %d is outside %d..%d", n, EraFirstYear, max)
	}
	return n, nil
}

// IsZero says no era was given: the text makes no claim about its years.
func (e Era) IsZero() bool { return e.From == 0 }

// Ended says the era closed before year: what it describes is no longer
// in the logs of builds of that year. Text and queries of an ended era are
// historical.
func (e Era) Ended(year int) bool { return !e.IsZero() && e.To != 0 && e.To < year }

// Contains says year lies in the era.
func (e Era) Contains(year int) bool {
	return !e.IsZero() && year >= e.From && (e.To == 0 || year <= e.To)
}

// String writes the era as `applies:` reads it.
func (e Era) String() string {
	switch {
	case e.IsZero():
		return ""
	case e.To == 0:
		return fmt.Sprintf("%d-", e.From)
	case e.To == e.From:
		return strconv.Itoa(e.From)
	}
	return fmt.Sprintf("%d-%d", e.From, e.To)
}

// Label is the era for readers: "2016–2018", "since 2019".
func (e Era) Label() string {
	switch {
	case e.IsZero():
		return ""
	case e.To == 0:
		return fmt.Sprintf("since %d", e.From)
	case e.To == e.From:
		return strconv.Itoa(e.From)
	}
	return fmt.Sprintf("%d–%d", e.From, e.To)
}

// Builds names the era's builds for a sentence: "builds of 2016–2018",
// "builds since 2019".
func (e Era) Builds() string {
	switch {
	case e.IsZero():
		return ""
	case e.To == 0:
		return "builds since " + strconv.Itoa(e.From)
	}
	return "builds of " + e.Label()
}

// MarshalText writes the era as `applies:` reads it, for report.json.
func (e Era) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText reads an era back from report.json (an earlier report,
// read to carry its history forward). Any year up to 9999 is taken there:
// the report was checked when it was written.
func (e *Era) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*e = Era{}
		return nil
	}
	v, err := ParseEra(string(b), 9999)
	if err != nil {
		return err
	}
	*e = v
	return nil
}
