//go:build !unix

package modelfile

import (
	"fmt"
	"io"
	"math"
	"os"
)

// mapFile reads the whole file into a 64-byte-aligned buffer: this platform
// has no mmap support here. release is a no-op (the GC frees the buffer).
func mapFile(path string) (data []byte, release func() error, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > math.MaxInt-align {
		return nil, nil, fmt.Errorf("%s is not a regular file of a supported size", path)
	}
	data = alignedBuffer(int(fi.Size()))
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, func() error { return nil }, nil
}
