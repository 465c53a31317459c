package opensearch

import (
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
)

// TestChoose: the names chosen for a field from its capabilities, as
// _field_caps reports them, and the refusals.
func TestChoose(t *testing.T) {
	kw := map[string]capability{"keyword": {Type: "keyword", Aggregatable: true}}
	text := map[string]capability{"text": {Type: "text"}}
	mixed := map[string]capability{"keyword": {Type: "keyword", Aggregatable: true, Indices: []string{"a"}}, "text": {Type: "text", Indices: []string{"b"}}}
	uuid, _ := recheckgen.FieldByName("build_uuid")
	project, _ := recheckgen.FieldByName("project")
	message, _ := recheckgen.FieldByName("message")
	tests := []struct {
		name               string
		f                  recheckgen.LogField
		configured         string
		fields             map[string]map[string]capability
		agg, source, query string
		err                string
	}{
		{"keyword", uuid, "build_uuid", map[string]map[string]capability{"build_uuid": kw}, "build_uuid", "build_uuid", "build_uuid", ""},
		{"text with .keyword", uuid, "build_uuid", map[string]map[string]capability{"build_uuid": text, "build_uuid.keyword": kw}, "build_uuid.keyword", "build_uuid", "build_uuid.keyword", ""},
		{"configured sub-field", uuid, "build_uuid.keyword", map[string]map[string]capability{"build_uuid": text, "build_uuid.keyword": kw}, "build_uuid.keyword", "build_uuid", "build_uuid.keyword", ""},
		{"keyword here, text there, .keyword everywhere", uuid, "build_uuid", map[string]map[string]capability{"build_uuid": mixed, "build_uuid.keyword": kw}, "build_uuid.keyword", "build_uuid", "build_uuid.keyword", ""},
		{"text only, required", uuid, "build_uuid", map[string]map[string]capability{"build_uuid": text}, "", "", "", `field "build_uuid" (build_uuid) is text and has no keyword sub-field`},
		{"keyword here, text there, required", uuid, "build_uuid", map[string]map[string]capability{"build_uuid": mixed}, "", "", "", "is keyword or text and has no keyword sub-field"},
		{"missing, required", uuid, "build_uuid", nil, "", "", "", `the index has no field "build_uuid" for build_uuid (set backend.opensearch.fields.build_uuid)`},
		{"text only, optional: matched as analyzed", project, "project", map[string]map[string]capability{"project": text}, "", "project", "project", ""},
		{"missing, optional", project, "project", nil, "project", "project", "project", ""},
		{"message", message, "message", map[string]map[string]capability{"message": text, "message.keyword": kw}, "", "message", "message", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := choose(tt.f, tt.configured, tt.fields)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || n.Agg != tt.agg || n.Source != tt.source || n.Query != tt.query {
				t.Errorf("got agg %q source %q query %q, %v; want %q %q %q", n.Agg, n.Source, n.Query, err, tt.agg, tt.source, tt.query)
			}
		})
	}
}
