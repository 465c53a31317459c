package triage

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/recheckgen/recheckgen"
)

// Spool holds a window's explanations in a temporary file, one gob
// record each, so that a site's triage keeps in memory only a summary per
// build: its explanations (about 135 KB each on the sample) are read
// back one at a time to write their pages. Close removes the file and its
// directory.
type Spool struct {
	mu  sync.Mutex
	dir string
	f   *os.File
	w   *bufio.Writer
	enc *gob.Encoder
	err error // the first write's error: later ones are not tried
}

// newSpool makes a spool in a new temporary directory in dir (the
// system's when "").
func newSpool(dir string) (*Spool, error) {
	d, err := os.MkdirTemp(dir, "recheckgen-triage-")
	if err != nil {
		return nil, fmt.Errorf("spool the explanations: %w", err)
	}
	f, err := os.Create(filepath.Join(d, "explanations.gob"))
	if err != nil {
		os.RemoveAll(d)
		return nil, fmt.Errorf("spool the explanations: %w", err)
	}
	w := bufio.NewWriter(f)
	return &Spool{dir: d, f: f, w: w, enc: gob.NewEncoder(w)}, nil
}

// add writes an explanation to the end of the spool.
func (s *Spool) add(e *recheckgen.Explanation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		if err := s.enc.Encode(e); err != nil {
			s.err = fmt.Errorf("spool the explanations: %w", err)
		}
	}
	return s.err
}

// Each reads the explanations back in the order they were added and calls
// f with each (recheckgen.Explanations).
func (s *Spool) Each(f func(*recheckgen.Explanation) error) error {
	s.mu.Lock()
	if s.err == nil {
		if err := s.w.Flush(); err != nil {
			s.err = fmt.Errorf("spool the explanations: %w", err)
		}
	}
	err := s.err
	s.mu.Unlock()
	if err != nil {
		return err
	}
	r, err := os.Open(s.f.Name())
	if err != nil {
		return fmt.Errorf("read the spooled explanations: %w", err)
	}
	defer r.Close()
	dec := gob.NewDecoder(bufio.NewReader(r))
	for {
		e := new(recheckgen.Explanation)
		if err := dec.Decode(e); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read the spooled explanations: %w", err)
		}
		if err := f(e); err != nil {
			return err
		}
	}
}

// Close removes the spool.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.f.Close()
	if rerr := os.RemoveAll(s.dir); rerr != nil {
		err = rerr
	}
	return err
}
