package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// interruptible is a context cancelled by the first interrupt (Ctrl-C) or
// SIGTERM, so that a command stops its work and removes what it made; a
// second signal ends the process as usual.
func interruptible() (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}
