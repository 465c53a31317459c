// Package gitchange asks git which files under a directory a change adds
// or modifies against a base ref: the query files a pull request touches.
package gitchange

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
)

// Files lists the files under dir (a path relative to the repository's
// working tree, or absolute) added, modified or renamed since the merge
// base of base and HEAD, committed or not, and new files git does not
// ignore, as paths relative to the working directory.
func Files(ctx context.Context, base, dir string) ([]string, error) {
	// git would read a base starting with "-" as an option of its own.
	if base == "" || strings.HasPrefix(base, "-") {
		return nil, fmt.Errorf("base %q is not a branch, tag or commit", base)
	}
	mb, err := git(ctx, "merge-base", base, "HEAD")
	if err != nil {
		return nil, fmt.Errorf("no merge base of %s and HEAD (fetch the base branch, with enough history): %w", base, err)
	}
	diff, err := git(ctx, "diff", "--name-only", "--relative", "--diff-filter=AMR", "-z", strings.TrimSpace(mb), "--", dir)
	if err != nil {
		return nil, err
	}
	untracked, err := git(ctx, "ls-files", "--others", "--exclude-standard", "-z", "--", dir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.Split(diff+untracked, "\x00") {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}

func git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
