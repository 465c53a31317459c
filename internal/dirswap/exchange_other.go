//go:build !linux

package dirswap

import (
	"errors"
	"syscall"
)

func exchange(a, b string) error { return errNoExchange }

func isEINVAL(err error) bool { return errors.Is(err, syscall.EINVAL) }
