package convert

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/albertq/albertq/modelfile"
)

// Seeds beyond those below live in testdata/fuzz/<Name>/; go test runs them
// all as ordinary tests.

// checkTensors fails unless every tensor holds exactly its shape's elements.
func checkTensors(t *testing.T, tensors map[string]*modelfile.Tensor) {
	for name, tensor := range tensors {
		if tensor.DType != modelfile.F32 || len(tensor.F32) != tensor.Elements() {
			t.Fatalf("tensor %q: dtype %v, shape %v, %d values", name, tensor.DType, tensor.Shape, len(tensor.F32))
		}
	}
}

func FuzzSafetensors(f *testing.F) {
	f.Add(makeSafetensors(
		stTensorSpec{"a", "F32", []int{2}, f32Bytes(1, 2)},
		stTensorSpec{"b", "F16", []int{1, 1}, u16Bytes(0x3c00)},
		stTensorSpec{"c", "BF16", []int{}, u16Bytes(0x3f80)},
		stTensorSpec{"d", "I64", []int{1}, make([]byte, 8)},
	))
	f.Add(buildSafetensors(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}`, make([]byte, 24)))
	f.Fuzz(func(t *testing.T, data []byte) {
		tensors, err := ParseSafetensors(data)
		if err == nil {
			checkTensors(t, tensors)
		}
	})
}

func FuzzPickle(f *testing.F) {
	f.Add(statePickle(
		pkTensor{name: "w", storageType: "FloatStorage", key: "0", numel: 6, shape: []int{2, 3}, stride: []int{3, 1}},
		pkTensor{name: "b", storageType: "HalfStorage", key: "1", numel: 2, offset: 1, shape: []int{1}, stride: []int{1}},
	))
	f.Add(newPickle().global("os", "system").str("id").op(opTuple1, opReduce, opStop).b)
	if pkl, err := fixturePickle("../testdata/albert-tiny-mlm/pytorch_model.bin"); err == nil {
		f.Add(pkl)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		names, refs, err := unpickleStateDict(data)
		if err != nil {
			return
		}
		if len(names) != len(refs) {
			t.Fatalf("%d names, %d tensors", len(names), len(refs))
		}
		for _, r := range refs {
			if r.storage == nil || len(r.shape) != len(r.stride) || r.offset < 0 || r.storage.numel < 0 {
				t.Fatalf("bad tensor %+v", r)
			}
			// Copy the view out of a zeroed storage of the declared size:
			// offsets and strides are the fuzzer's to choose.
			if r.storage.kind.isFloat() && r.storage.numel <= 1<<16 {
				tensor, err := materialize(r, make([]byte, r.storage.numel*r.storage.size))
				if err == nil && len(tensor.F32) != tensor.Elements() {
					t.Fatalf("view %+v gave %d values for shape %v", r, len(tensor.F32), tensor.Shape)
				}
			}
		}
	})
}

func FuzzPyTorchZip(f *testing.F) {
	pkl := statePickle(
		pkTensor{name: "w", storageType: "FloatStorage", key: "0", numel: 6, shape: []int{3, 2}, stride: []int{1, 3}},
		pkTensor{name: "b", storageType: "BFloat16Storage", key: "1", numel: 2, shape: []int{2}, stride: []int{1}},
	)
	f.Add(torchZip(f, pkl, map[string][]byte{"0": f32Bytes(1, 2, 3, 4, 5, 6), "1": u16Bytes(0x3f80, 0x4049)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		tensors, err := ParsePyTorch(data)
		if err == nil {
			checkTensors(t, tensors)
		}
	})
}

func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"architectures": ["AlbertForSequenceClassification"], "hidden_size": 64, "num_attention_heads": 4,
		"num_hidden_layers": 3, "id2label": {"0": "a", "1": "b"}, "hidden_act": "gelu"}`))
	f.Add([]byte(`{"model_type": "albert", "num_labels": 7, "layer_norm_eps": 1e-5}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("accepted config fails its own check: %v", err)
		}
		if n := len(c.Labels()); n != c.NumLabels {
			t.Fatalf("%d labels, num_labels %d", n, c.NumLabels)
		}
	})
}

// fixturePickle extracts data.pkl from a torch.save archive.
func fixturePickle(path string) ([]byte, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	for _, f := range zr.File {
		if bytes.HasSuffix([]byte(f.Name), []byte("/data.pkl")) {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	return nil, io.ErrUnexpectedEOF
}
