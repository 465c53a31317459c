// Package recheckgen holds the domain of the tool: known-bug queries, the
// bugs they point to, CI builds and the log lines that matched, and the
// time window a report covers. Every outside system (YAML files, SQLite,
// OpenSearch, HTML) lives in its own package and speaks these types.
package recheckgen
