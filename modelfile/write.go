package modelfile

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"unicode/utf8"
)

// Write encodes m as an .albq file into w. The model is validated first, so
// a file that Write produces always decodes. Tensor elements are written
// straight from memory, without copies.
func Write(w io.Writer, m *Model) error {
	p, err := plan(m)
	if err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	h := crc32.New(castagnoli)
	if err := p.writeTo(h, crcStart); err != nil {
		return err
	}
	le.PutUint32(p.head[offChecksum:], h.Sum32())
	return p.writeTo(w, 0)
}

// WriteFile writes m to path atomically: into a temporary file in the same
// directory, synced, then renamed into place. An existing path is replaced
// only if force is set. On any failure the temporary file is removed and an
// existing output is left untouched.
func WriteFile(path string, m *Model, force bool) error {
	return writeFile(path, m, force, nil)
}

// WriteFileContext is WriteFile that gives up, leaving no file behind, when
// ctx is cancelled (an interrupted convert).
func WriteFileContext(ctx context.Context, path string, m *Model, force bool) error {
	return writeFile(path, m, force, func(w io.Writer) io.Writer { return ctxWriter{ctx, w} })
}

// ctxWriter fails its writes once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// writeFile is WriteFile with an optional wrapper around the file's writer
// (tests use it to fail half-way).
func writeFile(path string, m *Model, force bool, wrap func(io.Writer) io.Writer) (err error) {
	if !force {
		if err := refuseExisting(path); err != nil {
			return err
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	var out io.Writer = bw
	if wrap != nil {
		out = wrap(bw)
	}
	if err := Write(out, m); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !force { // checked again: the output may have appeared while writing
		if err := refuseExisting(path); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// refuseExisting fails if path exists.
func refuseExisting(path string) error {
	_, err := os.Lstat(path)
	if err == nil {
		return fmt.Errorf("%s already exists; use --force to overwrite it", path)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// syncDir makes a rename durable where the platform allows syncing a
// directory; failures are ignored because the file itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// filePlan is a laid-out file: the header and metadata bytes, then the
// tensor payloads at their 64-byte-aligned offsets.
type filePlan struct {
	head  []byte // header, config, tokenizer, activation scales, tensor table
	parts []part // in increasing offset order, all after head
}

type part struct {
	off  uint64
	data []byte
}

// writeTo writes bytes [from, file size) of the file to w, padding the gaps
// before parts with zeros.
func (p *filePlan) writeTo(w io.Writer, from int) error {
	if _, err := w.Write(p.head[from:]); err != nil {
		return err
	}
	var zeros [align]byte
	pos := uint64(len(p.head))
	for _, pt := range p.parts {
		if _, err := w.Write(zeros[:pt.off-pos]); err != nil {
			return err
		}
		if _, err := w.Write(pt.data); err != nil {
			return err
		}
		pos = pt.off + uint64(len(pt.data))
	}
	return nil
}

// plan validates m and lays it out.
func plan(m *Model) (*filePlan, error) {
	if err := checkHost(); err != nil {
		return nil, err
	}
	if err := checkWritable(m); err != nil {
		return nil, err
	}
	config, err := json.Marshal(&m.Config)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	head := make([]byte, headerSize, headerSize+len(config)+len(m.Tokenizer)+4096)
	copy(head, Magic)
	le.PutUint32(head[offVersion:], Version)
	section := func(field int, data []byte) {
		le.PutUint64(head[field:], uint64(len(head)))
		le.PutUint64(head[field+8:], uint64(len(data)))
		head = append(head, data...)
	}
	section(offConfig, config)
	section(offTokenizer, m.Tokenizer)
	section(offActScales, encodeActScales(m.ActScales))
	le.PutUint32(head[offActCount:], uint32(len(m.ActScales)))
	le.PutUint32(head[offTensorCnt:], uint32(len(m.Tensors)))

	// The table's size does not depend on the offsets it holds, so lay the
	// payloads out after a table of the final size, then fill it in.
	names := m.Names()
	tableLen := 0
	for _, name := range names {
		tableLen += tableEntrySize(name, m.Tensors[name])
	}
	next := alignUp(uint64(len(head) + tableLen))
	var table []byte
	var parts []part
	place := func(data []byte) uint64 {
		if len(data) == 0 {
			return 0
		}
		off := next
		parts = append(parts, part{off, data})
		next = alignUp(off + uint64(len(data)))
		return off
	}
	for _, name := range names {
		t := m.Tensors[name]
		data := t.payload()
		dataOff := place(data)
		scalesOff := place(bytesOf(t.Scales))
		table = appendEntry(table, name, t, dataOff, uint64(len(data)), scalesOff)
	}
	section(offTable, table)
	size := uint64(len(head))
	if n := len(parts); n > 0 {
		size = parts[n-1].off + uint64(len(parts[n-1].data))
	}
	le.PutUint64(head[offFileSize:], size)
	return &filePlan{head, parts}, nil
}

// checkWritable rejects what the reader would reject.
func checkWritable(m *Model) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if len(m.Tensors) > maxTensors || len(m.ActScales) > maxActScales {
		return fmt.Errorf("%d tensors and %d activation-scale entries; the limits are %d and %d",
			len(m.Tensors), len(m.ActScales), maxTensors, maxActScales)
	}
	check := func(kind, name string) error {
		if len(name) > maxName || !utf8.ValidString(name) {
			return fmt.Errorf("%s name %.40q... is not valid UTF-8 of at most %d bytes", kind, name, maxName)
		}
		return nil
	}
	for name := range m.Tensors {
		if err := check("tensor", name); err != nil {
			return err
		}
	}
	for name, s := range m.ActScales {
		if err := check("activation-scale", name); err != nil {
			return err
		}
		if len(s) > maxActScales {
			return fmt.Errorf("activation scales %q: %d entries, the limit is %d", name, len(s), maxActScales)
		}
	}
	return nil
}

// payload is the tensor's element bytes.
func (t *Tensor) payload() []byte {
	switch t.DType {
	case F16:
		return bytesOf(t.F16)
	case I8:
		return bytesOf(t.I8)
	}
	return bytesOf(t.F32)
}

// encodeActScales writes the entries in name order: u16 name length, name,
// u32 count, count float32s.
func encodeActScales(acts map[string][]float32) []byte {
	names := make([]string, 0, len(acts))
	for name := range acts {
		names = append(names, name)
	}
	slices.Sort(names)
	var b []byte
	for _, name := range names {
		b = le.AppendUint16(b, uint16(len(name)))
		b = append(b, name...)
		b = le.AppendUint32(b, uint32(len(acts[name])))
		b = append(b, bytesOf(acts[name])...)
	}
	return b
}

// tableEntrySize is the encoded size of a tensor table entry.
func tableEntrySize(name string, t *Tensor) int {
	return 2 + len(name) + 2 + 8*len(t.Shape) + 4*8
}

// appendEntry encodes one tensor table entry: u16 name length, name, u8
// dtype, u8 rank, u64 dims, u64 data offset, u64 data length, u64 scales
// offset, u64 scale count.
func appendEntry(b []byte, name string, t *Tensor, dataOff, dataLen, scalesOff uint64) []byte {
	b = le.AppendUint16(b, uint16(len(name)))
	b = append(b, name...)
	b = append(b, byte(t.DType), byte(len(t.Shape)))
	for _, d := range t.Shape {
		b = le.AppendUint64(b, uint64(d))
	}
	b = le.AppendUint64(b, dataOff)
	b = le.AppendUint64(b, dataLen)
	b = le.AppendUint64(b, scalesOff)
	return le.AppendUint64(b, uint64(len(t.Scales)))
}
