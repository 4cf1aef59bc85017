package convert

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/albertq/albertq/modelfile"
)

// Limits on a torch.save archive.
const (
	maxZipEntries = 1 << 16
	maxPickleSize = 64 << 20
	// maxInflateRatio bounds a compressed entry's declared size by its
	// compressed size: deflate cannot exceed about 1032:1, so anything
	// claiming more is a zip bomb or a lie.
	maxInflateRatio = 1100
)

// ReadPyTorch reads a pytorch_model.bin written by torch.save (the zip
// format, PyTorch 1.6 and later). Float tensors become float32; integer
// tensors are left out.
func ReadPyTorch(path string) (map[string]*modelfile.Tensor, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	tensors, err := ParsePyTorch(data)
	if err != nil {
		return nil, fmt.Errorf("convert: %s: %w", path, err)
	}
	return tensors, nil
}

// ParsePyTorch decodes a whole torch.save zip archive held in memory.
func ParsePyTorch(data []byte) (map[string]*modelfile.Tensor, error) {
	if len(data) > 0 && data[0] == 0x80 {
		return nil, fmt.Errorf("legacy (pre-1.6) torch.save format is not supported: re-save it with a newer PyTorch or as safetensors")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a readable zip archive: %w", err)
	}
	a, err := openArchive(zr, int64(len(data)))
	if err != nil {
		return nil, err
	}
	pkl, err := a.read(a.prefix + "data.pkl")
	if err != nil {
		return nil, err
	}
	names, refs, err := unpickleStateDict(pkl)
	if err != nil {
		return nil, err
	}
	tensors := make(map[string]*modelfile.Tensor, len(names))
	for _, name := range names {
		ref := refs[name]
		if !ref.storage.kind.isFloat() {
			continue
		}
		raw, err := a.storage(ref.storage)
		if err != nil {
			return nil, fmt.Errorf("tensor %s: %w", quote(name), err)
		}
		t, err := materialize(ref, raw)
		if err != nil {
			return nil, fmt.Errorf("tensor %s: %w", quote(name), err)
		}
		tensors[name] = t
	}
	return tensors, nil
}

// archive is an opened torch.save zip: its entries by name, the folder
// prefix they share, and the storages read so far.
type archive struct {
	files    map[string]*zip.File
	prefix   string // e.g. "archive/"
	size     int64  // bytes in the whole file
	storages map[string]storageData
}

type storageData struct {
	typ string
	raw []byte
}

// openArchive indexes the entries and finds the one data.pkl.
func openArchive(zr *zip.Reader, size int64) (*archive, error) {
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("zip archive has %d entries, more than %d", len(zr.File), maxZipEntries)
	}
	a := &archive{files: map[string]*zip.File{}, size: size, storages: map[string]storageData{}}
	var pkls []string
	for _, f := range zr.File {
		if _, dup := a.files[f.Name]; dup {
			return nil, fmt.Errorf("zip entry %s appears twice", quote(f.Name))
		}
		a.files[f.Name] = f
		if dir, ok := strings.CutSuffix(f.Name, "/data.pkl"); ok && dir != "" && !strings.Contains(dir, "/") {
			pkls = append(pkls, f.Name)
		}
	}
	if len(pkls) != 1 {
		return nil, fmt.Errorf("zip archive has %d <folder>/data.pkl entries, want 1 (is this a torch.save file?)", len(pkls))
	}
	a.prefix = strings.TrimSuffix(pkls[0], "data.pkl")
	if f, ok := a.files[a.prefix+"byteorder"]; ok {
		b, err := a.readFile(f, 16)
		if err != nil {
			return nil, err
		}
		if string(b) != "little" {
			return nil, fmt.Errorf("byteorder is %s; only little-endian archives are supported", quote(string(b)))
		}
	}
	return a, nil
}

// read returns the contents of the named entry (at most maxPickleSize bytes).
func (a *archive) read(name string) ([]byte, error) {
	f, ok := a.files[name]
	if !ok {
		return nil, fmt.Errorf("zip archive has no entry %s", quote(name))
	}
	return a.readFile(f, maxPickleSize)
}

// readFile inflates one entry after checking its declared size against
// limit, the file's size and the best compression ratio deflate can reach,
// so that a small archive cannot make us inflate gigabytes.
func (a *archive) readFile(f *zip.File, limit uint64) ([]byte, error) {
	n := f.UncompressedSize64
	switch {
	case n > limit:
		return nil, fmt.Errorf("zip entry %s declares %d bytes, more than the %d expected", quote(f.Name), n, limit)
	case f.CompressedSize64 > uint64(a.size):
		return nil, fmt.Errorf("zip entry %s declares %d compressed bytes in a %d-byte file", quote(f.Name), f.CompressedSize64, a.size)
	case f.Method == zip.Store && n != f.CompressedSize64:
		return nil, fmt.Errorf("stored zip entry %s declares %d bytes but holds %d", quote(f.Name), n, f.CompressedSize64)
	case f.Method != zip.Store && n/maxInflateRatio > f.CompressedSize64:
		return nil, fmt.Errorf("zip entry %s would inflate %d bytes to %d: refusing a zip bomb", quote(f.Name), f.CompressedSize64, n)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("zip entry %s: %w", quote(f.Name), err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(n)+1))
	if err != nil {
		return nil, fmt.Errorf("zip entry %s: %w", quote(f.Name), err)
	}
	if uint64(len(b)) != n {
		return nil, fmt.Errorf("zip entry %s holds %d bytes, declares %d", quote(f.Name), len(b), n)
	}
	return b, nil
}

// storage returns the bytes of a storage, read once and checked against the
// persistent id's element count.
func (a *archive) storage(s *storageRef) ([]byte, error) {
	if d, ok := a.storages[s.key]; ok {
		if d.typ != s.typ {
			return nil, fmt.Errorf("storage %s is used both as %s and as %s", s.key, d.typ, s.typ)
		}
		if int64(len(d.raw))/s.size != s.numel {
			return nil, fmt.Errorf("storage %s is declared with %d and %d elements", s.key, int64(len(d.raw))/s.size, s.numel)
		}
		return d.raw, nil
	}
	if s.numel > a.size/s.size {
		return nil, fmt.Errorf("storage %s declares %d elements, more than the file can hold", s.key, s.numel)
	}
	f, ok := a.files[a.prefix+"data/"+s.key]
	if !ok {
		return nil, fmt.Errorf("zip archive has no entry %q for storage %s", a.prefix+"data/"+s.key, s.key)
	}
	want := uint64(s.numel * s.size)
	raw, err := a.readFile(f, want)
	if err != nil {
		return nil, err
	}
	if uint64(len(raw)) != want {
		return nil, fmt.Errorf("storage %s holds %d bytes, want %d elements of %s", s.key, len(raw), s.numel, s.typ)
	}
	a.storages[s.key] = storageData{typ: s.typ, raw: raw}
	return raw, nil
}

// materialize copies a tensor view out of its storage as float32, following
// its offset and strides.
func materialize(t *tensorRef, raw []byte) (*modelfile.Tensor, error) {
	numel := t.storage.numel
	count, err := elements(t.shape, numel)
	if err != nil {
		return nil, fmt.Errorf("more elements than its storage %s holds: %w", t.storage.key, err)
	}
	if count == 0 {
		return newTensor(t.shape, []float32{}), nil
	}
	last, err := lastIndex(t, numel)
	if err != nil {
		return nil, err
	}
	if last >= numel {
		return nil, fmt.Errorf("view (offset %d, size %v, stride %v) reaches element %d of a %d-element storage", t.offset, t.shape, t.stride, last, numel)
	}
	size := t.storage.size
	if isContiguous(t.shape, t.stride) {
		return newTensor(t.shape, decodeFloats(t.storage.kind, raw[t.offset*size:], int(count))), nil
	}
	gathered := make([]byte, 0, count*size)
	idx := make([]int64, len(t.shape))
	for n := int64(0); n < count; n++ {
		at := t.offset
		for d, i := range idx {
			at += i * t.stride[d]
		}
		gathered = append(gathered, raw[at*size:(at+1)*size]...)
		for d := len(idx) - 1; d >= 0; d-- { // odometer, last dimension fastest
			if idx[d]++; idx[d] < t.shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return newTensor(t.shape, decodeFloats(t.storage.kind, gathered, int(count))), nil
}

// lastIndex is the storage index of a non-empty view's last element,
// offset + Σ (size−1)·stride, computed without overflow.
func lastIndex(t *tensorRef, numel int64) (int64, error) {
	if t.offset > numel {
		return 0, fmt.Errorf("storage offset %d is past the %d-element storage %s", t.offset, numel, t.storage.key)
	}
	last := t.offset
	for d, n := range t.shape {
		if n > 1 && t.stride[d] > numel/(n-1) {
			return 0, fmt.Errorf("stride %v runs past the %d-element storage %s", t.stride, numel, t.storage.key)
		}
		last += (n - 1) * t.stride[d] // each term ≤ numel, at most maxTensorDims of them
	}
	return last, nil
}

// isContiguous reports whether strides are row-major for the shape
// (dimensions of size 1 may have any stride).
func isContiguous(shape, stride []int64) bool {
	want := int64(1)
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] != 1 && stride[d] != want {
			return false
		}
		want *= shape[d]
	}
	return true
}
