//go:build !unix

package modelfile

import (
	"fmt"
	"io"
)

// mapFile reads the whole file into a 64-byte-aligned buffer: this platform
// has no mmap support here. release is a no-op (the GC frees the buffer).
func mapFile(path string) (data []byte, release func() error, err error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data = alignedBuffer(size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, func() error { return nil }, nil
}
