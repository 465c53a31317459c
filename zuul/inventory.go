package zuul

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"go.yaml.in/yaml/v3"
)

// InventoryPath is where a Zuul build's logs keep the Ansible inventory
// the executor wrote for it: every host, and under each host's `nodepool:`
// key the node's label, provider, cloud, region and availability zone.
const InventoryPath = "zuul-info/inventory.yaml"

// MaxInventory caps how much of an inventory.yaml is read: real ones are
// a few KiB (one block per host and the job's variables).
const MaxInventory = 1 << 20

// Node is what a build's inventory says of one node.
type Node struct {
	Host     string // the inventory hostname: controller, compute1, undercloud
	Label    string // nodepool.label: ubuntu-noble
	Provider string // nodepool.provider: ovh-bhs1
	Cloud    string // nodepool.cloud: ovh
	Region   string // nodepool.region: BHS1
	AZ       string // nodepool.az
}

// inventory is the part of Zuul's inventory.yaml read here. Its shape is
// what the executor writes (zuul/executor/server.py make_inventory_dict):
// all.hosts.<name>.nodepool holds the node's facts; a nodeset of one
// node has one host.
type inventory struct {
	All struct {
		Hosts yaml.Node `yaml:"hosts"`
	} `yaml:"all"`
}

type hostVars struct {
	Nodepool struct {
		Label    string `yaml:"label"`
		Provider string `yaml:"provider"`
		Cloud    string `yaml:"cloud"`
		Region   string `yaml:"region"`
		AZ       string `yaml:"az"`
	} `yaml:"nodepool"`
}

// ParseInventory reads the nodes of an inventory.yaml, in the order the
// file lists them (the first is the job's primary node).
func ParseInventory(data []byte) ([]Node, error) {
	var inv inventory
	if err := yaml.Unmarshal(data, &inv); err != nil {
		return nil, fmt.Errorf("invalid inventory: %w", err)
	}
	h := inv.All.Hosts
	if h.Kind == 0 {
		return nil, nil
	}
	if h.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("invalid inventory: all.hosts is not a mapping (line %d)", h.Line)
	}
	var out []Node
	for i := 0; i+1 < len(h.Content); i += 2 {
		var v hostVars
		if err := h.Content[i+1].Decode(&v); err != nil {
			return nil, fmt.Errorf("invalid inventory: host %q: %w", h.Content[i].Value, err)
		}
		np := v.Nodepool
		out = append(out, Node{Host: h.Content[i].Value, Label: np.Label, Provider: np.Provider,
			Cloud: np.Cloud, Region: np.Region, AZ: np.AZ})
	}
	return out, nil
}

// ReadInventory reads the build's zuul-info/inventory.yaml inside root,
// if it has one, through rootfile: only a regular file inside the build
// directory, of at most MaxInventory bytes. A missing file is not an
// error: builds of the Jenkins era have none.
func ReadInventory(root *os.Root) ([]Node, error) {
	data, err := rootfile.ReadFile(root, InventoryPath, rootfile.FollowInside, MaxInventory)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	nodes, err := ParseInventory(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", InventoryPath, err)
	}
	return nodes, nil
}

// ApplyNodes fills a build's node fields from its inventory: the provider
// and region of its primary node, and the node label when build.json had
// none. A build.json's own node_provider (recheckgen's extension for
// build records written by hand) wins over nothing, never over the
// inventory, which is what Zuul itself recorded.
func ApplyNodes(b *recheckgen.Build, nodes []Node) {
	if len(nodes) == 0 {
		return
	}
	n := nodes[0]
	ok := func(v string) bool { return v != "" && len(v) <= recheckgen.MaxField }
	if ok(n.Provider) {
		b.Provider = n.Provider
	}
	if ok(n.Region) {
		b.Region = n.Region
	}
	if b.Node == "" && ok(n.Label) {
		b.Node = n.Label
	}
}
