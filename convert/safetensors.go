package convert

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/albertq/albertq/modelfile"
)

// maxSafetensorsHeader bounds the JSON header, as the reference
// implementation does (100 MB).
const maxSafetensorsHeader = 100_000_000

// safetensorsKinds maps every dtype of the safetensors format to its element
// kind and size in bytes.
var safetensorsKinds = map[string]struct {
	kind elemKind
	size int64
}{
	"F64": {kindF64, 8}, "F32": {kindF32, 4}, "F16": {kindF16, 2}, "BF16": {kindBF16, 2},
	"F8_E5M2": {kindF8, 1}, "F8_E4M3": {kindF8, 1},
	"I64": {kindInt, 8}, "I32": {kindInt, 4}, "I16": {kindInt, 2}, "I8": {kindInt, 1},
	"U64": {kindInt, 8}, "U32": {kindInt, 4}, "U16": {kindInt, 2}, "U8": {kindInt, 1},
	"BOOL": {kindInt, 1},
}

// stEntry is one tensor's header entry.
type stEntry struct {
	DType       *string  `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// stTensor is a validated header entry.
type stTensor struct {
	name       string
	kind       elemKind
	shape      []int64
	count      int64 // elements
	begin, end int64 // offsets into the data section
}

// ReadSafetensors reads a .safetensors file: F32, F16, BF16 and F64 tensors
// become float32; integer tensors (e.g. position_ids) are left out.
func ReadSafetensors(path string) (map[string]*modelfile.Tensor, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	tensors, err := ParseSafetensors(data)
	if err != nil {
		return nil, fmt.Errorf("convert: %s: %w", path, err)
	}
	return tensors, nil
}

// ParseSafetensors decodes a whole safetensors file held in memory. The
// header is validated strictly: bounded size, well-formed JSON, known dtypes,
// byte ranges that match their shapes, lie inside the file and do not overlap.
func ParseSafetensors(data []byte) (map[string]*modelfile.Tensor, error) {
	entries, body, err := parseSafetensorsHeader(data)
	if err != nil {
		return nil, err
	}
	tensors := make(map[string]*modelfile.Tensor, len(entries))
	for _, e := range entries {
		if !e.kind.isFloat() {
			continue
		}
		tensors[e.name] = newTensor(e.shape, decodeFloats(e.kind, body[e.begin:e.end], int(e.count)))
	}
	return tensors, nil
}

// parseSafetensorsHeader validates the header and returns its tensors sorted
// by name, and the data section that their offsets index.
func parseSafetensorsHeader(data []byte) ([]stTensor, []byte, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("file is %d bytes, too short for the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if n > maxSafetensorsHeader {
		return nil, nil, fmt.Errorf("header length %d exceeds the %d-byte limit", n, maxSafetensorsHeader)
	}
	if n > uint64(len(data)-8) {
		return nil, nil, fmt.Errorf("header length %d runs past the end of the file (%d bytes)", n, len(data))
	}
	header, body := data[8:8+n], data[8+n:]
	if !isJSONObject(header) {
		return nil, nil, fmt.Errorf("header is not a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, nil, fmt.Errorf("malformed JSON header: %w", err)
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	entries := make([]stTensor, 0, len(names))
	for _, name := range names {
		if name == "__metadata__" {
			var meta map[string]string
			if err := json.Unmarshal(raw[name], &meta); err != nil {
				return nil, nil, fmt.Errorf("__metadata__ is not a map of strings: %w", err)
			}
			continue
		}
		e, err := parseSafetensorsEntry(name, raw[name], int64(len(body)))
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if err := checkNoOverlap(entries); err != nil {
		return nil, nil, err
	}
	return entries, body, nil
}

// parseSafetensorsEntry validates one tensor's entry against the size of the
// data section.
func parseSafetensorsEntry(name string, msg json.RawMessage, bodyLen int64) (stTensor, error) {
	if name == "" {
		return stTensor{}, fmt.Errorf("tensor with an empty name")
	}
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	var e stEntry
	if err := dec.Decode(&e); err != nil {
		return stTensor{}, fmt.Errorf("tensor %q: malformed entry: %w", name, err)
	}
	if e.DType == nil || e.Shape == nil || e.DataOffsets == nil {
		return stTensor{}, fmt.Errorf("tensor %q: entry needs dtype, shape and data_offsets", name)
	}
	dt, ok := safetensorsKinds[*e.DType]
	if !ok {
		return stTensor{}, fmt.Errorf("tensor %q: unknown dtype %q", name, *e.DType)
	}
	if dt.kind == kindF8 {
		return stTensor{}, fmt.Errorf("tensor %q: dtype %s is not supported", name, *e.DType)
	}
	if len(e.DataOffsets) != 2 {
		return stTensor{}, fmt.Errorf("tensor %q: data_offsets has %d values, want 2", name, len(e.DataOffsets))
	}
	begin, end := e.DataOffsets[0], e.DataOffsets[1]
	if begin > end {
		return stTensor{}, fmt.Errorf("tensor %q: data offsets [%d, %d] are reversed", name, begin, end)
	}
	if end > uint64(bodyLen) {
		return stTensor{}, fmt.Errorf("tensor %q: data offsets [%d, %d] run past the end of the file (%d data bytes after the header)", name, begin, end, bodyLen)
	}
	// No tensor can hold more bytes than the data section: bounding the
	// element count by it rules out overflow in count × size.
	count, err := elements(e.Shape, bodyLen+1)
	if err != nil {
		return stTensor{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	if want := count * dt.size; uint64(want) != end-begin {
		return stTensor{}, fmt.Errorf("tensor %q: shape %v of %s needs %d bytes but data offsets [%d, %d] hold %d", name, e.Shape, *e.DType, want, begin, end, end-begin)
	}
	return stTensor{name: name, kind: dt.kind, shape: e.Shape, count: count, begin: int64(begin), end: int64(end)}, nil
}

// checkNoOverlap fails when two tensors' byte ranges share a byte.
func checkNoOverlap(entries []stTensor) error {
	byOffset := make([]stTensor, len(entries))
	copy(byOffset, entries)
	sort.Slice(byOffset, func(i, j int) bool {
		a, b := byOffset[i], byOffset[j]
		return a.begin < b.begin || a.begin == b.begin && a.end < b.end
	})
	for i := 1; i < len(byOffset); i++ {
		prev, cur := byOffset[i-1], byOffset[i]
		if cur.begin < prev.end {
			return fmt.Errorf("tensors %q [%d, %d] and %q [%d, %d] overlap", prev.name, prev.begin, prev.end, cur.name, cur.begin, cur.end)
		}
	}
	return nil
}
