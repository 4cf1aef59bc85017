package modelfile

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"unicode/utf8"
	"unsafe"
)

// OpenOptions tunes Open and Decode.
type OpenOptions struct {
	// SkipVerify skips the CRC-32C check of the contents. Verifying reads
	// every byte once, which also faults the whole mapping in: about 7 ms
	// for albert-base in int8 (11.9 MB) against 0.06 ms without it
	// (BenchmarkOpen). The structure is always validated.
	SkipVerify bool
}

// Decode parses an .albq file held in memory (e.g. a go:embed'd default
// model). Tensors alias data when it is 64-byte aligned; otherwise data is
// copied once into an aligned buffer. Either way data must not be modified
// while the model is in use.
func Decode(data []byte) (*Model, error) {
	return DecodeWith(data, OpenOptions{})
}

// DecodeWith is Decode with options.
func DecodeWith(data []byte, opts OpenOptions) (*Model, error) {
	if len(data) > 0 && uintptr(unsafe.Pointer(unsafe.SliceData(data)))%align != 0 {
		data = alignedCopy(data)
	}
	m, err := decode(data, !opts.SkipVerify)
	if err != nil {
		return nil, fmt.Errorf("decode .albq: %w", err)
	}
	return m, nil
}

// alignedCopy copies data into a new 64-byte-aligned buffer.
func alignedCopy(data []byte) []byte {
	buf := alignedBuffer(len(data))
	copy(buf, data)
	return buf
}

// alignedBuffer allocates n bytes starting at a 64-byte-aligned address.
func alignedBuffer(n int) []byte {
	buf := make([]byte, n+align)
	skip := (align - int(uintptr(unsafe.Pointer(unsafe.SliceData(buf)))%align)) % align
	return buf[skip : skip+n]
}

// decode validates data, a whole .albq file starting at a 64-byte-aligned
// address, and builds a Model whose tensors are views onto it. Errors
// describe the problem without naming the file.
func decode(data []byte, verify bool) (*Model, error) {
	if err := checkHost(); err != nil {
		return nil, err
	}
	h, err := parseHeader(data, verify)
	if err != nil {
		return nil, err
	}
	m := &Model{Tensors: make(map[string]*Tensor, h.tensors)}
	if err := json.Unmarshal(h.config.of(data), &m.Config); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if h.version == 1 {
		m.Config.ModelType = ALBERT // the only family version 1 held
	}
	m.Tokenizer = slices.Clone(h.tokenizer.of(data)) // small; safe to keep after Close
	if m.ActScales, err = parseActScales(h.acts.of(data), h.actCount); err != nil {
		return nil, fmt.Errorf("activation scales: %w", err)
	}
	regions := []region{{0, headerSize, "header"}, h.config, h.tokenizer, h.acts, h.table}
	if regions, err = parseTable(data, h, m, regions); err != nil {
		return nil, fmt.Errorf("tensor table: %w", err)
	}
	if err := checkOverlaps(regions); err != nil {
		return nil, err
	}
	return m, nil
}

// header is the parsed fixed header.
type header struct {
	version, checksum              uint32
	config, tokenizer, acts, table region
	actCount, tensors              int
}

// region is a byte range of the file.
type region struct {
	off, len uint64
	what     string
}

func (r region) of(data []byte) []byte { return data[r.off : r.off+r.len] }

// parseHeader checks the fixed header and, if verify, the checksum (first,
// so that corruption is reported as such rather than as a bad field).
func parseHeader(data []byte, verify bool) (*header, error) {
	if len(data) < 4 || string(data[:4]) != Magic {
		return nil, fmt.Errorf("not an .albq file (no %q magic)", Magic)
	}
	if len(data) < headerSize {
		return nil, fmt.Errorf("truncated: %d bytes, shorter than the %d-byte header", len(data), headerSize)
	}
	switch v := le.Uint32(data[offVersion:]); {
	case v > Version:
		return nil, fmt.Errorf("%w: format version %d, this build reads up to %d; upgrade albertq", ErrNewer, v, Version)
	case v < 1:
		return nil, fmt.Errorf("invalid format version %d", v)
	}
	if size := le.Uint64(data[offFileSize:]); size != uint64(len(data)) {
		if size > uint64(len(data)) {
			return nil, fmt.Errorf("truncated: header says %d bytes, found %d", size, len(data))
		}
		return nil, fmt.Errorf("%d unexpected bytes after the end (%d) the header records", uint64(len(data))-size, size)
	}
	if sum := le.Uint32(data[offChecksum:]); verify {
		if got := crc32.Checksum(data[crcStart:], castagnoli); got != sum {
			return nil, fmt.Errorf("%w (stored CRC-32C %08x, computed %08x)", ErrChecksum, sum, got)
		}
	}
	if le.Uint32(data[offFlags:]) != 0 || slices.ContainsFunc(data[offReserved:headerSize], func(b byte) bool { return b != 0 }) {
		return nil, fmt.Errorf("reserved header fields are not zero")
	}
	h := &header{
		version:  le.Uint32(data[offVersion:]),
		checksum: le.Uint32(data[offChecksum:]),
		actCount: int(le.Uint32(data[offActCount:])),
		tensors:  int(le.Uint32(data[offTensorCnt:])),
	}
	if h.tensors > maxTensors || h.actCount > maxActScales {
		return nil, fmt.Errorf("%d tensors and %d activation-scale entries exceed the limits %d and %d",
			h.tensors, h.actCount, maxTensors, maxActScales)
	}
	for _, s := range []struct {
		r     *region
		field int
		what  string
	}{{&h.config, offConfig, "config"}, {&h.tokenizer, offTokenizer, "tokenizer"},
		{&h.acts, offActScales, "activation scales"}, {&h.table, offTable, "tensor table"}} {
		*s.r = region{le.Uint64(data[s.field:]), le.Uint64(data[s.field+8:]), s.what}
		if err := inFile(*s.r, len(data)); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// inFile checks that r lies after the header and inside a file of size bytes.
func inFile(r region, size int) error {
	if r.off < headerSize && r.len > 0 || r.off > uint64(size) || r.len > uint64(size)-r.off {
		return fmt.Errorf("%s at [%d, +%d) lies outside the file's %d bytes after the header", r.what, r.off, r.len, size)
	}
	return nil
}

// reader consumes a section field by field; any overrun sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) take(n uint64) []byte {
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

func (r *reader) u8() uint8 {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.take(2); b != nil {
		return le.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return le.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return le.Uint64(b)
	}
	return 0
}

// name reads a u16-length-prefixed name and checks it.
func (r *reader) name() (string, error) {
	n := r.u16()
	s := string(r.take(uint64(n)))
	switch {
	case r.bad:
		return "", fmt.Errorf("truncated entry")
	case n == 0 || n > maxName || !utf8.ValidString(s):
		return "", fmt.Errorf("name %.40q is not valid UTF-8 of 1 to %d bytes", s, maxName)
	}
	return s, nil
}

func parseActScales(b []byte, count int) (map[string][]float32, error) {
	acts := make(map[string][]float32, min(count, 64))
	r := &reader{b: b}
	for range count {
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		if _, dup := acts[name]; dup {
			return nil, fmt.Errorf("duplicate entry %q", name)
		}
		n := r.u32()
		if n > maxActScales {
			return nil, fmt.Errorf("%q: %d scales exceed the limit %d", name, n, maxActScales)
		}
		raw := r.take(4 * uint64(n))
		if r.bad {
			return nil, fmt.Errorf("%q: truncated entry", name)
		}
		s := make([]float32, n)
		for i := range s {
			s[i] = math.Float32frombits(le.Uint32(raw[4*i:])) // copied: the bytes need not be aligned
		}
		acts[name] = s
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d bytes left after %d entries", len(r.b), count)
	}
	return acts, nil
}

// parseTable reads the tensor table into m, appending each tensor's data
// and scales regions to regions.
func parseTable(data []byte, h *header, m *Model, regions []region) ([]region, error) {
	r := &reader{b: h.table.of(data)}
	for range h.tensors {
		name, err := r.name()
		if err != nil {
			return nil, err
		}
		if _, dup := m.Tensors[name]; dup {
			return nil, fmt.Errorf("duplicate tensor %q", name)
		}
		t, dataR, scalesR, err := parseEntry(r, data)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		m.Tensors[name] = t
		dataR.what, scalesR.what = name+" data", name+" scales"
		regions = append(regions, dataR, scalesR)
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%d bytes left after %d entries", len(r.b), h.tensors)
	}
	return regions, nil
}

// parseEntry reads the rest of one table entry and makes the tensor, its
// elements and scales views onto data.
func parseEntry(r *reader, data []byte) (t *Tensor, dataR, scalesR region, err error) {
	dtype, rank := DType(r.u8()), int(r.u8())
	es := elemSize(dtype)
	if es == 0 {
		return nil, dataR, scalesR, fmt.Errorf("unknown %v", dtype)
	}
	if rank < 1 || rank > maxDims {
		return nil, dataR, scalesR, fmt.Errorf("rank %d not in [1, %d]", rank, maxDims)
	}
	t = &Tensor{DType: dtype, Shape: make([]int, rank)}
	for i := range t.Shape {
		d := r.u64()
		if d > uint64(len(data)) { // a dimension can never exceed the file size
			return nil, dataR, scalesR, fmt.Errorf("dimension %d is %d, larger than the file", i, d)
		}
		t.Shape[i] = int(d)
	}
	dataR = region{off: r.u64(), len: r.u64()}
	scalesR = region{off: r.u64()}
	nScales := r.u64()
	if r.bad {
		return nil, dataR, scalesR, fmt.Errorf("truncated entry")
	}
	n, err := elementCount(t.Shape, len(data)/es)
	if err != nil {
		return nil, dataR, scalesR, err
	}
	if dataR.len != uint64(n*es) {
		return nil, dataR, scalesR, fmt.Errorf("data is %d bytes, want %d for %v%v", dataR.len, n*es, dtype, t.Shape)
	}
	switch {
	case dtype != I8 && nScales != 0:
		return nil, dataR, scalesR, fmt.Errorf("%v tensor with %d scales", dtype, nScales)
	case dtype == I8 && nScales != 1 && nScales != uint64(t.Shape[0]):
		return nil, dataR, scalesR, fmt.Errorf("i8 tensor of shape %v with %d scales, want 1 or %d", t.Shape, nScales, t.Shape[0])
	}
	scalesR.len = 4 * nScales // nScales ≤ a dimension ≤ file size: no overflow
	for _, reg := range []region{dataR, scalesR} {
		if reg.len == 0 {
			continue
		}
		if reg.off%align != 0 {
			return nil, dataR, scalesR, fmt.Errorf("offset %d is not %d-byte aligned", reg.off, align)
		}
		reg.what = "payload"
		if err := inFile(reg, len(data)); err != nil {
			return nil, dataR, scalesR, err
		}
	}
	if nScales == 0 && scalesR.off != 0 {
		return nil, dataR, scalesR, fmt.Errorf("scales offset %d without scales", scalesR.off)
	}
	switch payload := dataR.of(data); dtype {
	case F32:
		t.F32 = viewOf[float32](payload, n)
	case F16:
		t.F16 = viewOf[uint16](payload, n)
	case I8:
		t.I8 = viewOf[int8](payload, n)
		t.Scales = viewOf[float32](scalesR.of(data), int(nScales))
	}
	return t, dataR, scalesR, nil
}

// checkOverlaps fails if two non-empty regions share a byte.
func checkOverlaps(regions []region) error {
	regions = slices.DeleteFunc(regions, func(r region) bool { return r.len == 0 })
	slices.SortFunc(regions, func(a, b region) int {
		switch {
		case a.off < b.off:
			return -1
		case a.off > b.off:
			return 1
		}
		return 0
	})
	for i := 1; i < len(regions); i++ {
		a, b := regions[i-1], regions[i]
		if b.off < a.off+a.len {
			return fmt.Errorf("%s at [%d, +%d) overlaps %s at [%d, +%d)", b.what, b.off, b.len, a.what, a.off, a.len)
		}
	}
	return nil
}
