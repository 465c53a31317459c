package main

import (
	"github.com/recheckgen/recheckgen/diag"
)

// printDiags shows config or query problems on stderr and returns the exit
// code they call for.
func printDiags(e *env, dl diag.List) int {
	_ = diag.Write(e.stderr, "text", dl)
	if dl.Errors() > 0 {
		return exitFail
	}
	return exitOK
}
