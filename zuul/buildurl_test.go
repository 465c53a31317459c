package zuul

import (
	"strings"
	"testing"
)

func TestParseBuildURL(t *testing.T) {
	const id = "31a1ac657a29ce5c7497674a4bf3d253"
	for _, c := range []struct{ in, api string }{
		{"https://zuul.opendev.org/t/openstack/build/" + id, "https://zuul.opendev.org/api/tenant/openstack"},
		{"https://zuul.opendev.org/t/openstack/build/" + id + "/logs?x=1#top", "https://zuul.opendev.org/api/tenant/openstack"},
		{"https://zuul.opendev.org/t/openstack/build/31A1AC657A29CE5C7497674A4BF3D253/console", "https://zuul.opendev.org/api/tenant/openstack"},
		{"https://zuul.opendev.org/api/tenant/openstack/build/" + id, "https://zuul.opendev.org/api/tenant/openstack"},
		{"http://ci.example.org:9000/zuul/t/main/build/" + id + "/", "http://ci.example.org:9000/zuul/api/tenant/main"},
		{"https://softwarefactory-project.io/zuul/t/local/build/" + id, "https://softwarefactory-project.io/zuul/api/tenant/local"},
		{"https://zuul.example.org/build/" + id, "https://zuul.example.org/api"},
		{"https://zuul.example.org/api/build/" + id, "https://zuul.example.org/api"},
		// A tenant named "build" stays a tenant.
		{"https://zuul.example.org/t/build/build/" + id, "https://zuul.example.org/api/tenant/build"},
	} {
		got, err := ParseBuildURL(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got.API != c.api || got.UUID != id || got.Record() != c.api+"/build/"+id {
			t.Errorf("%s: %+v, want API %s", c.in, got, c.api)
		}
	}
	for _, in := range []string{
		"https://zuul.opendev.org/t/openstack/builds",
		"https://zuul.opendev.org/t/openstack/buildset/" + id,
		"https://zuul.opendev.org/t/openstack/build/31a1ac6",             // Zuul's short uuid: the store's form, not a URL's
		"https://zuul.opendev.org/t/openstack/build/" + id + "0",         // 33 digits
		"https://zuul.opendev.org/t/openstack/build/../build/" + id[:31], // no build
		"ftp://zuul.opendev.org/t/openstack/build/" + id,
		"file:///t/openstack/build/" + id,
		"https:///t/openstack/build/" + id,
		"https://zuul.opendev.org/t/openstack/build/%zz",
	} {
		if got, err := ParseBuildURL(in); err == nil {
			t.Errorf("%s: read as %+v, want an error", in, got)
		}
	}
	// Credentials in a URL never reach a message.
	if _, err := ParseBuildURL("https://user:secret@zuul.example.org/t/x/builds"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v", err)
	}
}
