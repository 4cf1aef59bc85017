package convert

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// The builders below make small checkpoints by hand, byte by byte, so that
// the tests can say exactly what is wrong with each bad input.

// safetensorsFile builds a safetensors file from a JSON header and a body.
func buildSafetensors(header string, body []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, body...)
}

// stTensorSpec is one tensor for makeSafetensors.
type stTensorSpec struct {
	name  string
	dtype string
	shape []int
	data  []byte
}

// makeSafetensors lays tensors out back to back with a correct header.
func makeSafetensors(specs ...stTensorSpec) []byte {
	header := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var body []byte
	for _, s := range specs {
		header[s.name] = map[string]any{"dtype": s.dtype, "shape": s.shape, "data_offsets": []int{len(body), len(body) + len(s.data)}}
		body = append(body, s.data...)
	}
	h, _ := json.Marshal(header)
	return buildSafetensors(string(h), body)
}

// f32Bytes encodes float32s little-endian.
func f32Bytes(xs ...float32) []byte {
	var out []byte
	for _, x := range xs {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(x))
	}
	return out
}

// u16Bytes encodes 16-bit words little-endian (F16 and BF16 elements).
func u16Bytes(xs ...uint16) []byte {
	var out []byte
	for _, x := range xs {
		out = binary.LittleEndian.AppendUint16(out, x)
	}
	return out
}

// pk writes pickle opcodes.
type pk struct{ b []byte }

func newPickle() *pk { return &pk{b: []byte{opProto, 2}} }

func (p *pk) op(ops ...byte) *pk { p.b = append(p.b, ops...); return p }

func (p *pk) str(s string) *pk {
	p.b = append(p.b, opBinUnicode)
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(len(s)))
	p.b = append(p.b, s...)
	return p
}

func (p *pk) int(v int) *pk {
	p.b = append(p.b, opBinInt)
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(int32(v)))
	return p
}

func (p *pk) global(module, name string) *pk {
	p.b = append(p.b, opGlobal)
	p.b = append(p.b, module+"\n"+name+"\n"...)
	return p
}

func (p *pk) ints(vs []int) *pk {
	p.op(opMark)
	for _, v := range vs {
		p.int(v)
	}
	return p.op(opTuple)
}

// pkTensor is one state_dict entry for statePickle.
type pkTensor struct {
	name, storageType, key string
	numel, offset          int
	shape, stride          []int
}

// statePickle writes a state_dict pickle the way torch.save lays it out.
func statePickle(ts ...pkTensor) []byte {
	p := newPickle().op(opEmptyDict, opMark)
	for _, t := range ts {
		p.str(t.name).global("torch._utils", "_rebuild_tensor_v2").op(opMark)
		p.op(opMark).str("storage").global("torch", t.storageType).str(t.key).str("cpu").int(t.numel).op(opTuple, opBinPersID)
		p.int(t.offset).ints(t.shape).ints(t.stride).op(opNewFalse)
		p.global("collections", "OrderedDict").op(opEmptyTuple, opReduce)
		p.op(opTuple, opReduce)
	}
	return p.op(opSetItems, opStop).b
}

// torchZip packs a data.pkl and storages the way torch.save does (stored,
// under one folder).
func torchZip(t testing.TB, pkl []byte, storages map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	add("archive/data.pkl", pkl)
	for key, data := range storages {
		add("archive/data/"+key, data)
	}
	add("archive/version", []byte("3\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantErr fails unless err is non-nil and mentions every fragment.
func wantErr(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Fatalf("error %q does not mention %q", err, f)
		}
	}
}
