package convert

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"testing"
)

func TestPyTorchViews(t *testing.T) {
	pkl := statePickle(
		// A plain contiguous [2, 3] matrix.
		pkTensor{name: "m", storageType: "FloatStorage", key: "0", numel: 6, shape: []int{2, 3}, stride: []int{3, 1}},
		// Its transpose, a non-contiguous view of the same storage.
		pkTensor{name: "mt", storageType: "FloatStorage", key: "0", numel: 6, shape: []int{3, 2}, stride: []int{1, 3}},
		// A slice at an offset.
		pkTensor{name: "row1", storageType: "FloatStorage", key: "0", numel: 6, offset: 3, shape: []int{3}, stride: []int{1}},
		pkTensor{name: "h", storageType: "HalfStorage", key: "1", numel: 2, shape: []int{2}, stride: []int{1}},
		pkTensor{name: "bf", storageType: "BFloat16Storage", key: "2", numel: 1, shape: []int{1}, stride: []int{1}},
		pkTensor{name: "ids", storageType: "LongStorage", key: "3", numel: 1, shape: []int{1}, stride: []int{1}},
	)
	data := torchZip(t, pkl, map[string][]byte{
		"0": f32Bytes(1, 2, 3, 4, 5, 6),
		"1": u16Bytes(0x3c00, 0xc000),
		"2": u16Bytes(0x4049),
		"3": make([]byte, 8),
	})
	ts, err := ParsePyTorch(data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{
		"m": {1, 2, 3, 4, 5, 6}, "mt": {1, 4, 2, 5, 3, 6}, "row1": {4, 5, 6},
		"h": {1, -2}, "bf": {3.140625},
	}
	if len(ts) != len(want) {
		t.Errorf("got %d tensors, want %d (integer tensors left out)", len(ts), len(want))
	}
	for name, w := range want {
		got := ts[name]
		if got == nil || len(got.F32) != len(w) {
			t.Fatalf("%s: got %v, want %v", name, got, w)
		}
		for i := range w {
			if got.F32[i] != w[i] {
				t.Errorf("%s = %v, want %v", name, got.F32, w)
				break
			}
		}
	}
	if !sameShape(ts["mt"].Shape, []int{3, 2}) {
		t.Errorf("mt shape %v", ts["mt"].Shape)
	}
}

func TestPyTorchBadViews(t *testing.T) {
	tests := []struct {
		name string
		t    pkTensor
		raw  []byte
		want string
	}{
		{"past storage", pkTensor{storageType: "FloatStorage", numel: 4, offset: 2, shape: []int{4}, stride: []int{1}}, f32Bytes(1, 2, 3, 4), "reaches element 5 of a 4-element storage"},
		{"offset past", pkTensor{storageType: "FloatStorage", numel: 4, offset: 2, shape: []int{3}, stride: []int{1}}, f32Bytes(1, 2, 3, 4), "reaches element 4 of a 4-element storage"},
		{"huge stride", pkTensor{storageType: "FloatStorage", numel: 4, shape: []int{2}, stride: []int{1 << 30}}, f32Bytes(1, 2, 3, 4), "runs past the 4-element storage"},
		{"expanded", pkTensor{storageType: "FloatStorage", numel: 1, shape: []int{1 << 20}, stride: []int{0}}, f32Bytes(1), "more elements than its storage"},
		{"short storage", pkTensor{storageType: "FloatStorage", numel: 4, shape: []int{4}, stride: []int{1}}, f32Bytes(1, 2, 3), "storage 0 holds 12 bytes, want 4 elements of FloatStorage"},
		{"numel too big", pkTensor{storageType: "FloatStorage", numel: 1 << 30, shape: []int{4}, stride: []int{1}}, f32Bytes(1, 2, 3, 4), "more than the file can hold"},
		{"rank mismatch", pkTensor{storageType: "FloatStorage", numel: 4, shape: []int{4}, stride: []int{1, 1}}, f32Bytes(1, 2, 3, 4), "1 sizes but 2 strides"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.t.name, tt.t.key = "x", "0"
			_, err := ParsePyTorch(torchZip(t, statePickle(tt.t), map[string][]byte{"0": tt.raw}))
			wantErr(t, err, tt.want)
		})
	}
	// A storage entry missing from the archive.
	p := pkTensor{name: "x", storageType: "FloatStorage", key: "7", numel: 1, shape: []int{1}, stride: []int{1}}
	_, err := ParsePyTorch(torchZip(t, statePickle(p), nil))
	wantErr(t, err, `tensor "x"`, `no entry "archive/data/7"`)
}

func TestPyTorchArchiveErrors(t *testing.T) {
	_, err := ParsePyTorch([]byte("not a zip"))
	wantErr(t, err, "not a readable zip archive")
	_, err = ParsePyTorch(newPickle().op(opEmptyDict, opStop).b)
	wantErr(t, err, "legacy (pre-1.6) torch.save format")

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.Create("weights.npy")
	zw.Close()
	_, err = ParsePyTorch(buf.Bytes())
	wantErr(t, err, "0 <folder>/data.pkl entries")
}

// TestPyTorchTruncatedAndFlipped damages a real archive: every cut and
// every flipped byte in a stored entry must give an error, never a panic.
func TestPyTorchTruncatedAndFlipped(t *testing.T) {
	data := readTestFile(t, "../testdata/albert-tiny/pytorch_model.bin")
	for cut := 0; cut < len(data); cut += 1 + cut/2 {
		if _, err := ParsePyTorch(data[:cut]); err == nil {
			t.Fatalf("archive cut to %d of %d bytes was accepted", cut, len(data))
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		switch f.Name { // position_ids (data/0) is an integer storage, never read
		case "pytorch_model/data.pkl", "pytorch_model/data/1", "pytorch_model/data/10", "pytorch_model/data/11":
		default:
			continue
		}
		start, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		for i := start; i < start+int64(f.CompressedSize64); i += 1 + int64(f.CompressedSize64)/16 {
			bad := bytes.Clone(data)
			bad[i] ^= 0x10
			_, err := ParsePyTorch(bad)
			wantErr(t, err, f.Name)
		}
	}
	// Flips anywhere else must not panic (some, e.g. in a comment field, are harmless).
	for i := 0; i < len(data); i += 1009 {
		bad := bytes.Clone(data)
		bad[i] ^= 0xff
		ParsePyTorch(bad)
	}
}

// rawEntry adds an entry whose header (sizes, CRC) is written as given, so
// that it may lie about its size.
func rawEntry(t *testing.T, zw *zip.Writer, fh *zip.FileHeader, raw []byte) {
	t.Helper()
	w, err := zw.CreateRaw(fh)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
}

func deflate(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

func TestPyTorchZipBomb(t *testing.T) {
	pkl := statePickle(pkTensor{name: "x", storageType: "FloatStorage", key: "0", numel: 4, shape: []int{4}, stride: []int{1}})
	build := func(pklHeader *zip.FileHeader, pklRaw []byte, storage []byte, storageMethod uint16) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		rawEntry(t, zw, pklHeader, pklRaw)
		if storageMethod == zip.Store {
			rawEntry(t, zw, &zip.FileHeader{Name: "archive/data/0", Method: zip.Store, CRC32: crc32.ChecksumIEEE(storage),
				CompressedSize64: uint64(len(storage)), UncompressedSize64: uint64(len(storage))}, storage)
		} else {
			comp := deflate(t, storage)
			rawEntry(t, zw, &zip.FileHeader{Name: "archive/data/0", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(storage),
				CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(len(storage))}, comp)
		}
		zw.Close()
		return buf.Bytes()
	}
	honest := &zip.FileHeader{Name: "archive/data.pkl", Method: zip.Store, CRC32: crc32.ChecksumIEEE(pkl),
		CompressedSize64: uint64(len(pkl)), UncompressedSize64: uint64(len(pkl))}
	if _, err := ParsePyTorch(build(honest, pkl, f32Bytes(1, 2, 3, 4), zip.Deflate)); err != nil {
		t.Fatalf("deflated storage: %v", err)
	}

	// data.pkl claims 10 GB from a few hundred compressed bytes.
	comp := deflate(t, pkl)
	bomb := &zip.FileHeader{Name: "archive/data.pkl", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(pkl),
		CompressedSize64: uint64(len(comp)), UncompressedSize64: 10 << 30}
	_, err := ParsePyTorch(build(bomb, comp, f32Bytes(1, 2, 3, 4), zip.Store))
	wantErr(t, err, `"archive/data.pkl" declares 10737418240 bytes`)

	// Within the size limit but past what deflate can reach.
	bomb.UncompressedSize64 = 32 << 20
	_, err = ParsePyTorch(build(bomb, comp, f32Bytes(1, 2, 3, 4), zip.Store))
	wantErr(t, err, "refusing a zip bomb")

	// A real, honest 8 MB run of zeros where a 16-byte storage belongs.
	_, err = ParsePyTorch(build(honest, pkl, make([]byte, 8<<20), zip.Deflate))
	wantErr(t, err, `"archive/data/0" declares 8388608 bytes, more than the 16 expected`)

	// A stored entry whose two sizes disagree.
	liar := *honest
	liar.UncompressedSize64 = 1 << 20
	_, err = ParsePyTorch(build(&liar, pkl, f32Bytes(1, 2, 3, 4), zip.Store))
	wantErr(t, err, "declares 1048576 bytes but holds")
}
