package convert

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestSafetensorsDTypes(t *testing.T) {
	data := makeSafetensors(
		stTensorSpec{"a.f32", "F32", []int{2, 2}, f32Bytes(1, -2, 0.5, float32(math.Inf(1)))},
		stTensorSpec{"b.f16", "F16", []int{4}, u16Bytes(0x3c00, 0xc000, 0x0001, 0x7bff)},
		stTensorSpec{"c.bf16", "BF16", []int{2}, u16Bytes(0x3f80, 0x4049)},
		stTensorSpec{"d.ids", "I64", []int{1, 2}, make([]byte, 16)},
		stTensorSpec{"e.scalar", "F32", []int{}, f32Bytes(7)},
		stTensorSpec{"f.empty", "F32", []int{0, 3}, nil},
	)
	ts, err := ParseSafetensors(data)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, shape []int, want ...float32) {
		t.Helper()
		got, ok := ts[name]
		if !ok {
			t.Fatalf("%s missing", name)
		}
		if !sameShape(got.Shape, shape) || len(got.F32) != len(want) {
			t.Fatalf("%s: shape %v, %d values; want %v, %d", name, got.Shape, len(got.F32), shape, len(want))
		}
		for i := range want {
			if got.F32[i] != want[i] {
				t.Errorf("%s[%d] = %g, want %g", name, i, got.F32[i], want[i])
			}
		}
	}
	check("a.f32", []int{2, 2}, 1, -2, 0.5, float32(math.Inf(1)))
	check("b.f16", []int{4}, 1, -2, 5.960464477539063e-08, 65504)
	check("c.bf16", []int{2}, 1, 3.140625)
	check("e.scalar", []int{}, 7)
	check("f.empty", []int{0, 3})
	if _, ok := ts["d.ids"]; ok {
		t.Error("integer tensor kept")
	}
}

func TestSafetensorsErrors(t *testing.T) {
	huge := []byte{0, 0, 0, 0, 0, 1, 0, 0}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"absurd header size", append(huge, "{}"...), "exceeds the 100000000-byte limit"},
		{"header past end", buildSafetensors(`{}`, nil)[:9], "runs past the end of the file"},
		{"header not JSON", buildSafetensors(`{"a":`, nil), "malformed JSON header"},
		{"header an array", buildSafetensors(`[]`, nil), "not a JSON object"},
		{"offsets past end", buildSafetensors(`{"a.b":{"dtype":"F32","shape":[97],"data_offsets":[10,400]}}`, make([]byte, 300)),
			`tensor "a.b": data offsets [10, 400] run past the end of the file (300 data bytes after the header)`},
		{"overlap", buildSafetensors(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}`, make([]byte, 24)),
			`tensors "a" [0, 16] and "b" [8, 24] overlap`},
		{"shape mismatch", buildSafetensors(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}`, make([]byte, 16)),
			"shape [3] of F32 needs 12 bytes but data offsets [0, 16] hold 16"},
		{"overflow shape", buildSafetensors(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}}`, make([]byte, 8)),
			"has more than 9 elements"},
		{"overflow shape int64", buildSafetensors(`{"a":{"dtype":"F32","shape":[9223372036854775807,2],"data_offsets":[0,8]}}`, make([]byte, 8)),
			"has more than"},
		{"negative dim", buildSafetensors(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, make([]byte, 4)), "negative dimension"},
		{"reversed offsets", buildSafetensors(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}`, make([]byte, 8)), "reversed"},
		{"three offsets", buildSafetensors(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, make([]byte, 8)), "has 3 values"},
		{"unknown dtype", buildSafetensors(`{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), `unknown dtype "Q4"`},
		{"f8", buildSafetensors(`{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), "F8_E4M3 is not supported"},
		{"missing shape", buildSafetensors(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, make([]byte, 4)), "needs dtype, shape and data_offsets"},
		{"unknown field", buildSafetensors(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, make([]byte, 4)), "malformed entry"},
		{"bad metadata", buildSafetensors(`{"__metadata__":{"format":1}}`, nil), "__metadata__ is not a map of strings"},
		{"empty name", buildSafetensors(`{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "empty name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSafetensors(tt.data)
			wantErr(t, err, tt.want)
		})
	}
}

// TestSafetensorsTruncated cuts a real file at many points: every cut must
// fail cleanly, never panic or return a short tensor.
func TestSafetensorsTruncated(t *testing.T) {
	data := readTestFile(t, "../testdata/albert-tiny/model.safetensors")
	for cut := 0; cut < len(data); cut += 1 + cut/3 {
		if _, err := ParseSafetensors(data[:cut]); err == nil {
			t.Fatalf("file cut to %d of %d bytes was accepted", cut, len(data))
		}
	}
}

func TestReadSafetensorsNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	data := buildSafetensors(`{"a.b":{"dtype":"F32","shape":[97],"data_offsets":[10,400]}}`, make([]byte, 300))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadSafetensors(path)
	wantErr(t, err, "convert: "+path+`: tensor "a.b": data offsets [10, 400] run past the end of the file`)
	_, err = ReadSafetensors(filepath.Join(t.TempDir(), "missing.safetensors"))
	wantErr(t, err, "convert: ", "missing.safetensors")
}
