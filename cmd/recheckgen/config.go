package main

import (
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/spf13/pflag"
)

// configFlags registers --config and the setting flags named (all when
// none) and returns a loader that reads the file and applies the flags.
func configFlags(fs *pflag.FlagSet, names ...string) func() (*config.Config, diag.List) {
	path := fs.String("config", config.DefaultFile, "config file (optional when it is the default and absent)")
	apply := config.Flags(fs, names...)
	return func() (*config.Config, diag.List) {
		cfg, dl := config.Load(*path, !fs.Changed("config"))
		if dl.Errors() > 0 {
			return cfg, dl
		}
		apply(cfg)
		return cfg, append(dl, config.Validate(cfg)...)
	}
}
