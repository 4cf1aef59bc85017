package modelfile

import (
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const layer = "encoder.albert_layer_groups.0.albert_layers.0."

// testModel holds every kind of tensor: F32, F16, I8 per channel and per
// tensor, plus tokenizer bytes and activation scales.
func testModel() *Model {
	f32 := make([]float32, 5*3)
	for i := range f32 {
		f32[i] = float32(i) - 7.5
	}
	i8 := make([]int8, 4*6)
	for i := range i8 {
		i8[i] = int8(i*11%255 - 127)
	}
	return &Model{
		Config: Config{
			ModelType: ALBERT, Architectures: []string{"AlbertForSequenceClassification"}, VocabSize: 5, EmbeddingSize: 3,
			HiddenSize: 6, NumHiddenLayers: 12, NumHiddenGroups: 1, InnerGroupNum: 1, NumAttentionHeads: 2,
			IntermediateSize: 8, HiddenAct: "gelu_new", MaxPositionEmbeddings: 16, TypeVocabSize: 2,
			LayerNormEps: 1e-12, NumLabels: 2, ID2Label: map[string]string{"0": "neg", "1": "pos"}, DoLowerCase: true,
		},
		Tokenizer: []byte("\x0a\x05hello spiece bytes"),
		Tensors: map[string]*Tensor{
			"embeddings.word_embeddings.weight": {DType: F32, Shape: []int{5, 3}, F32: f32},
			"embeddings.LayerNorm.bias":         {DType: F32, Shape: []int{3}, F32: []float32{1, float32(math.Inf(-1)), 3}},
			layer + "ffn.weight":                {DType: F16, Shape: []int{2, 3}, F16: []uint16{0x3c00, 0xc000, 0x7bff, 0, 1, 0x8000}},
			layer + "ffn_output.weight":         {DType: I8, Shape: []int{4, 6}, I8: i8, Scales: []float32{0.5, 0.25, 0, 1e-9}},
			"pooler.weight":                     {DType: I8, Shape: []int{3, 1}, I8: []int8{127, -127, 0}, Scales: []float32{0.125}},
			"z1.bias":                           {DType: F32, Shape: []int{2}, F32: []float32{-1, 1}},
			"z2.bias":                           {DType: F32, Shape: []int{1}, F32: []float32{2}},
		},
		ActScales: map[string][]float32{layer + "ffn": {1, 2, 3, 4}, "pooler": {0.5}},
	}
}

func encode(t testing.TB, m *Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sameModel(t *testing.T, want, got *Model) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Model{}), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("model changed in the round trip (-want +got):\n%s", diff)
	}
}

// checkAligned fails unless every payload is a 64-byte-aligned view.
func checkAligned(t *testing.T, m *Model) {
	t.Helper()
	for name, tn := range m.Tensors {
		for _, p := range []unsafe.Pointer{unsafe.Pointer(unsafe.SliceData(tn.F32)), unsafe.Pointer(unsafe.SliceData(tn.F16)),
			unsafe.Pointer(unsafe.SliceData(tn.I8)), unsafe.Pointer(unsafe.SliceData(tn.Scales))} {
			if p != nil && uintptr(p)%align != 0 {
				t.Fatalf("%s: payload at %p is not %d-byte aligned", name, p, align)
			}
		}
	}
}

func TestRoundTripDecode(t *testing.T) {
	want := testModel()
	data := encode(t, want)
	if string(data[:4]) != Magic {
		t.Fatalf("bad magic %q", data[:4])
	}
	got, err := Decode(alignedCopy(data))
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, want, got)
	checkAligned(t, got)

	// Misaligned input (as go:embed may give) is copied, not rejected.
	shifted := alignedBuffer(len(data) + 1)[1:]
	copy(shifted, data)
	got, err = Decode(shifted)
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, want, got)
	checkAligned(t, got)

	if !bytes.Equal(encode(t, got), data) {
		t.Fatal("re-encoding a decoded model changed the bytes")
	}
}

func TestRoundTripFile(t *testing.T) {
	want := testModel()
	path := filepath.Join(t.TempDir(), "m.albq")
	if err := WriteFile(path, want, false); err != nil {
		t.Fatal(err)
	}
	if err := Verify(path); err != nil {
		t.Fatal(err)
	}
	got, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, want, got)
	checkAligned(t, got)
	if err := got.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode())
	}
}

func TestEmptyModel(t *testing.T) {
	got, err := Decode(encode(t, &Model{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tensors) != 0 || len(got.Tokenizer) != 0 || len(got.ActScales) != 0 {
		t.Fatalf("empty model decoded as %+v", got)
	}
}

// reseal recomputes the checksum after a test edits the file.
func reseal(data []byte) {
	le.PutUint32(data[offChecksum:], crc32.Checksum(data[crcStart:], castagnoli))
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad.albq")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// openFails expects Open to fail naming the path and saying want.
func openFails(t *testing.T, data []byte, want string) error {
	t.Helper()
	path := writeTemp(t, data)
	m, err := Open(path)
	if err == nil {
		m.Close()
		t.Fatalf("Open accepted a file that should fail with %q", want)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name %s and %q", err, path, want)
	}
	return err
}

func TestTruncated(t *testing.T) {
	data := encode(t, testModel())
	for _, n := range []int{0, 3} {
		openFails(t, data[:n], "not an .albq file")
	}
	for _, n := range []int{4, headerSize - 1, headerSize, len(data) / 2, len(data) - 1} {
		openFails(t, data[:n], "truncated")
	}
	openFails(t, append(bytes.Clone(data), 0), "unexpected bytes after the end")
}

func TestChecksum(t *testing.T) {
	data := encode(t, testModel())
	for _, at := range []int{offChecksum, crcStart, offTable, headerSize + 2, len(data) - 1} {
		bad := bytes.Clone(data)
		bad[at] ^= 0x10
		if err := openFails(t, bad, "checksum"); !errors.Is(err, ErrChecksum) {
			t.Fatalf("flip at %d: %v is not ErrChecksum", at, err)
		}
	}
	// A flipped tensor byte passes with SkipVerify: only the checksum covers it.
	bad := bytes.Clone(data)
	bad[len(bad)-1] ^= 0x10
	if err := Verify(writeTemp(t, bad)); !errors.Is(err, ErrChecksum) {
		t.Fatalf("Verify: %v", err)
	}
	m, err := OpenWith(writeTemp(t, bad), OpenOptions{SkipVerify: true})
	if err != nil {
		t.Fatalf("SkipVerify: %v", err)
	}
	m.Close()
}

func TestFutureVersion(t *testing.T) {
	data := encode(t, testModel())
	le.PutUint32(data[offVersion:], Version+1)
	reseal(data)
	if err := openFails(t, data, "written by a newer albertq"); !errors.Is(err, ErrNewer) {
		t.Fatalf("%v is not ErrNewer", err)
	}
	le.PutUint32(data[offVersion:], 0)
	reseal(data)
	openFails(t, data, "invalid format version 0")
}

// entryFields returns, for each tensor in table order, the file offset of
// its name and of its data offset field.
func entryFields(t *testing.T, data []byte) (nameAt, dataOffAt []int) {
	t.Helper()
	h, err := parseHeader(data, false)
	if err != nil {
		t.Fatal(err)
	}
	r := &reader{b: h.table.of(data)}
	pos := func() int { return int(h.table.off+h.table.len) - len(r.b) }
	for range h.tensors {
		nameAt = append(nameAt, pos()+2)
		r.name()
		r.u8()
		rank := r.u8()
		r.take(8 * uint64(rank))
		dataOffAt = append(dataOffAt, pos())
		r.take(32)
	}
	return nameAt, dataOffAt
}

func TestBadTensorTable(t *testing.T) {
	good := encode(t, testModel())
	nameAt, dataOffAt := entryFields(t, good)
	n := len(nameAt)
	cases := []struct {
		name string
		edit func(d []byte)
		want string
	}{
		{"unaligned", func(d []byte) { le.PutUint64(d[dataOffAt[1]:], le.Uint64(d[dataOffAt[1]:])+4) }, "not 64-byte aligned"},
		{"overlapping", func(d []byte) { copy(d[dataOffAt[1]:dataOffAt[1]+8], d[dataOffAt[0]:]) }, "overlaps"},
		{"over the header", func(d []byte) { le.PutUint64(d[dataOffAt[0]:], 0) }, "outside the file"},
		{"past the end", func(d []byte) { le.PutUint64(d[dataOffAt[0]:], 1<<62) }, "outside the file"},
		{"wrong length", func(d []byte) { le.PutUint64(d[dataOffAt[0]+8:], 1) }, "data is 1 bytes"},
		{"huge dims", func(d []byte) {
			le.PutUint64(d[dataOffAt[2]-16:], 1<<32)
			le.PutUint64(d[dataOffAt[2]-8:], 1<<32)
		}, "larger than the file"},
		{"overflowing dims", func(d []byte) {
			le.PutUint64(d[dataOffAt[2]-16:], uint64(len(d)))
			le.PutUint64(d[dataOffAt[2]-8:], uint64(len(d)))
		}, "more than"},
		{"zero dim", func(d []byte) { le.PutUint64(d[dataOffAt[2]-8:], 0) }, "dimension < 1"},
		{"bad dtype", func(d []byte) { d[dataOffAt[2]-18] = 9 }, "unknown dtype(9)"},
		{"duplicate name", func(d []byte) { d[nameAt[n-1]+1] = '1' }, "duplicate tensor"},
		{"too many tensors", func(d []byte) { le.PutUint32(d[offTensorCnt:], maxTensors+1) }, "exceed the limits"},
		{"more entries claimed", func(d []byte) { le.PutUint32(d[offTensorCnt:], uint32(n+1)) }, "truncated entry"},
		{"fewer entries claimed", func(d []byte) { le.PutUint32(d[offTensorCnt:], uint32(n-1)) }, "bytes left after"},
		{"section outside", func(d []byte) { le.PutUint64(d[offTable+8:], 1<<63) }, "outside the file"},
		{"reserved", func(d []byte) { d[headerSize-1] = 1 }, "reserved header fields"},
		{"bad config", func(d []byte) { d[le.Uint64(d[offConfig:])] = '[' }, "config"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := bytes.Clone(good)
			c.edit(d)
			reseal(d)
			openFails(t, d, c.want)
			if _, err := Decode(d); err == nil {
				t.Fatal("Decode accepted it")
			}
		})
	}
}

func TestWriteRejectsBadModel(t *testing.T) {
	m := testModel()
	m.Tensors["pooler.weight"].Scales = []float32{1, 2}
	if err := Write(io.Discard, m); err == nil || !strings.Contains(err.Error(), "pooler.weight") {
		t.Fatalf("err = %v", err)
	}
	m = testModel()
	m.Tensors[strings.Repeat("x", maxName+1)] = m.Tensors["pooler.weight"]
	if err := Write(io.Discard, m); err == nil {
		t.Fatal("over-long name accepted")
	}
}

func TestWriteFileForce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.albq")
	if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(path, testModel(), false)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err = %v, want one naming %s and --force", err, path)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Fatalf("existing output changed to %q", b)
	}
	if err := WriteFile(path, testModel(), true); err != nil {
		t.Fatal(err)
	}
	if err := Verify(path); err != nil {
		t.Fatal(err)
	}
	onlyFile(t, dir, "out.albq")
}

// failAfter is a writer that fails once n bytes have gone through.
type failAfter struct {
	w io.Writer
	n int
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n, _ := f.w.Write(p[:f.n])
		f.n = 0
		return n, errors.New("disk full")
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestWriteFileFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.albq")
	size := len(encode(t, testModel()))
	fail := func(w io.Writer) io.Writer { return &failAfter{w, size / 2} }
	if err := writeFile(path, testModel(), false, fail); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	onlyFile(t, dir)

	// With --force over an existing file, the old file survives a failure.
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(path, testModel(), true, fail); err == nil {
		t.Fatal("failing writer reported success")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("existing output changed to %q", b)
	}
	onlyFile(t, dir, "out.albq")
}

// onlyFile fails unless dir holds exactly the named files (no temp files).
func onlyFile(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !cmp.Equal(got, names, cmpopts.EquateEmpty()) {
		t.Fatalf("directory holds %v, want %v", got, names)
	}
}

func TestOpenMissingAndDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "nope.albq")); err == nil || !strings.Contains(err.Error(), "nope.albq") {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("opened a directory")
	}
}

// A version 1 file (written before the BERT family; the embedded debsec
// model is one) opens as an ALBERT model.
func TestVersion1IsALBERT(t *testing.T) {
	path := "../cmd/albertq/models/debsec.albq"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if v := le.Uint32(data[offVersion:]); v != 1 {
		t.Fatalf("%s is version %d, the test needs a version 1 file", path, v)
	}
	m, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.ModelType != ALBERT || m.Config.Validate() != nil {
		t.Errorf("model_type %q, Validate: %v", m.Config.ModelType, m.Config.Validate())
	}
}
