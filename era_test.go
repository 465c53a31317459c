package recheckgen

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseEra(t *testing.T) {
	for _, tc := range []struct {
		in         string
		want       Era
		err        string
		str, label string
	}{
		{in: "2016-2018", want: Era{2016, 2018}, str: "2016-2018", label: "2016–2018"},
		{in: " 2019- ", want: Era{2019, 0}, str: "2019-", label: "since 2019"},
		{in: "2016", want: Era{2016, 2016}, str: "2016", label: "2016"},
		{in: "2018-2016", err: "ends before it starts"},
		{in: "16-18", err: "four-digit years"},
		{in: "2016-18", err: "four-digit years"},
		{in: "1999-2001", err: "outside 2010..2026"},
		{in: "2027-", err: "outside 2010..2026"},
		{in: "2020-2027", want: Era{2020, 2027}, str: "2020-2027", label: "2020–2027"},
		{in: "2020-2028", err: "outside 2010..2027"},
		{in: "", err: "is empty"},
		{in: "soon", err: "four-digit years"},
	} {
		got, err := ParseEra(tc.in, 2026)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want an error with %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want || got.String() != tc.str || got.Label() != tc.label || !strings.HasSuffix(got.Builds(), strings.TrimPrefix(tc.label, "since ")) {
			t.Errorf("%q: %+v %q %q %v", tc.in, got, got.String(), got.Label(), err)
		}
	}
}

func TestEraEnded(t *testing.T) {
	for _, tc := range []struct {
		e             Era
		year          int
		ended, inside bool
	}{
		{Era{2016, 2018}, 2026, true, false},
		{Era{2016, 2018}, 2017, false, true},
		{Era{2016, 2018}, 2018, false, true},
		{Era{2019, 0}, 2026, false, true},
		{Era{2019, 0}, 2018, false, false},
		{Era{}, 2026, false, false},
	} {
		if tc.e.Ended(tc.year) != tc.ended || tc.e.Contains(tc.year) != tc.inside {
			t.Errorf("%v in %d: ended %v, contains %v", tc.e, tc.year, tc.e.Ended(tc.year), tc.e.Contains(tc.year))
		}
	}
}

func TestEraJSON(t *testing.T) {
	type doc struct {
		A Era `json:"a,omitzero"`
		B Era `json:"b,omitzero"`
		C Era `json:"c,omitzero"`
	}
	in := doc{A: Era{2016, 2018}, B: Era{2019, 0}}
	data, err := json.Marshal(in)
	if err != nil || string(data) != `{"a":"2016-2018","b":"2019-"}` {
		t.Fatalf("%s %v", data, err)
	}
	var out doc
	if err := json.Unmarshal(data, &out); err != nil || out != in {
		t.Errorf("round trip: %+v %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"a":"soon"}`), &out); err == nil {
		t.Error("a bad era was read")
	}
}
