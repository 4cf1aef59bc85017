//go:build unix

package modelfile

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// mapFile maps the whole file read-only; release unmaps it. The mapping is
// page-aligned, so 64-byte-aligned offsets in the file are aligned in memory.
func mapFile(path string) (data []byte, release func() error, err error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if size == 0 {
		return nil, func() error { return nil }, nil // decode reports the empty file
	}
	data, err = unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	return data, func() error { return unix.Munmap(data) }, nil
}
