package recheckgen

// FieldKind says how a log field's values compare in a query.
type FieldKind int

const (
	// Text is analyzed: a query matches its words (the message).
	Text FieldKind = iota
	// Keyword is an exact, case-sensitive value (or a list of them).
	Keyword
	// Number compares numerically in ranges.
	Number
	// Time is the line's time.
	Time
)

// LogField is one field of the log vocabulary.
type LogField struct {
	Name string
	Kind FieldKind
	// Build says the value is the build's, the same on all its lines.
	Build bool
}

// LogFields is the vocabulary queries are written in: elastic-recheck's
// index field names. Each backend maps them to its own columns or index
// fields; this list is their one home.
var LogFields = []LogField{
	{"message", Text, false},
	{"@timestamp", Time, false},
	{"tags", Keyword, false},
	{"filename", Keyword, false},
	{"loglevel", Keyword, false},
	{"module", Keyword, false},
	{"syslog_program", Keyword, false},
	{"build_uuid", Keyword, true},
	{"build_short_uuid", Keyword, true},
	{"build_name", Keyword, true},
	{"build_status", Keyword, true},
	{"build_queue", Keyword, true},
	{"build_branch", Keyword, true},
	{"build_change", Number, true},
	{"build_patchset", Number, true},
	{"build_ref", Keyword, true},
	{"build_node", Keyword, true},
	{"project", Keyword, true},
	{"voting", Number, true},
	{"node_provider", Keyword, true},
	{"node_region", Keyword, true},
	{"log_url", Keyword, true},
}

// FieldNames are the vocabulary's names, in its order: the fields a
// query may name unless the config says otherwise.
func FieldNames() []string {
	names := make([]string, len(LogFields))
	for i, f := range LogFields {
		names[i] = f.Name
	}
	return names
}

// FieldByName finds a field of the vocabulary.
func FieldByName(name string) (LogField, bool) {
	for _, f := range LogFields {
		if f.Name == name {
			return f, true
		}
	}
	return LogField{}, false
}
