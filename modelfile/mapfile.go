package modelfile

import (
	"fmt"
	"math"
	"os"
)

// openRegular opens path for reading with its size, refusing anything but a
// regular file that fits in the address space (with room for alignment).
func openRegular(path string) (*os.File, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > math.MaxInt-align {
		f.Close()
		return nil, 0, fmt.Errorf("%s is not a regular file of a supported size", path)
	}
	return f, int(fi.Size()), nil
}
