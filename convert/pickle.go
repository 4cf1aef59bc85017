package convert

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

// The unpickler below reads the data.pkl of a torch.save archive. It is not a
// general unpickler: it builds plain values (ints, floats, strings, tuples,
// lists, dicts), admits only the globals a state_dict needs, and turns the two
// tensor-rebuilding calls into descriptions. Nothing is ever executed.

// Limits on what a pickle may build.
const (
	maxPickleStack  = 1 << 20 // values on the stack, marks included
	maxPickleMemo   = 1 << 20 // memo entries
	maxPickleString = 1 << 20 // bytes in one string
	maxTensorDims   = 16
)

// Pickle opcodes understood here (protocols 2 to 5, as torch.save writes).
const (
	opProto           = 0x80
	opFrame           = 0x95
	opStop            = '.'
	opMark            = '('
	opPop             = '0'
	opPopMark         = '1'
	opDup             = '2'
	opNone            = 'N'
	opNewTrue         = 0x88
	opNewFalse        = 0x89
	opBinInt          = 'J'
	opBinInt1         = 'K'
	opBinInt2         = 'M'
	opLong1           = 0x8a
	opBinFloat        = 'G'
	opBinUnicode      = 'X'
	opShortBinUnicode = 0x8c
	opBinUnicode8     = 0x8d
	opEmptyTuple      = ')'
	opTuple           = 't'
	opTuple1          = 0x85
	opTuple2          = 0x86
	opTuple3          = 0x87
	opEmptyList       = ']'
	opAppend          = 'a'
	opAppends         = 'e'
	opEmptyDict       = '}'
	opSetItem         = 's'
	opSetItems        = 'u'
	opBinPut          = 'q'
	opLongBinPut      = 'r'
	opMemoize         = 0x94
	opBinGet          = 'h'
	opLongBinGet      = 'j'
	opGlobal          = 'c'
	opStackGlobal     = 0x93
	opReduce          = 'R'
	opBuild           = 'b'
	opBinPersID       = 'Q'
)

// pyNone is Python's None.
type pyNone struct{}

// pyTuple is an immutable sequence.
type pyTuple []any

// pyList is a mutable sequence (a pointer, so that memo references share it).
type pyList struct{ items []any }

// pyDict is a dict or OrderedDict with string keys, in insertion order.
type pyDict struct {
	keys   []string
	values map[string]any
}

func newDict() *pyDict { return &pyDict{values: map[string]any{}} }

func (d *pyDict) set(key any, value any) error {
	k, ok := key.(string)
	if !ok {
		return fmt.Errorf("dict key of type %s, only strings are allowed", typeName(key))
	}
	if _, seen := d.values[k]; !seen {
		d.keys = append(d.keys, k)
	}
	d.values[k] = value
	return nil
}

// pyGlobal is an admitted global: a callable or a storage type.
type pyGlobal struct{ module, name string }

func (g pyGlobal) String() string { return g.module + "." + g.name }

// storageTypes maps torch's storage classes to element kinds and sizes.
var storageTypes = map[string]struct {
	kind elemKind
	size int64
}{
	"FloatStorage": {kindF32, 4}, "HalfStorage": {kindF16, 2}, "BFloat16Storage": {kindBF16, 2},
	"DoubleStorage": {kindF64, 8}, "LongStorage": {kindInt, 8}, "IntStorage": {kindInt, 4},
	"ShortStorage": {kindInt, 2}, "CharStorage": {kindInt, 1}, "ByteStorage": {kindInt, 1},
	"BoolStorage": {kindInt, 1},
}

// Callables that REDUCE may apply.
var (
	globalOrderedDict      = pyGlobal{"collections", "OrderedDict"}
	globalRebuildTensor    = pyGlobal{"torch._utils", "_rebuild_tensor_v2"}
	globalRebuildParameter = pyGlobal{"torch._utils", "_rebuild_parameter"}
)

// admitGlobal returns the global named module.name if a state_dict may use it.
func admitGlobal(module, name string) (pyGlobal, error) {
	g := pyGlobal{module, name}
	switch g {
	case globalOrderedDict, globalRebuildTensor, globalRebuildParameter:
		return g, nil
	}
	if _, ok := storageTypes[name]; ok && module == "torch" {
		return g, nil
	}
	return pyGlobal{}, fmt.Errorf("refusing global %s.%s: only collections.OrderedDict, torch._utils._rebuild_tensor_v2/_rebuild_parameter and torch.*Storage are allowed", printable(module), printable(name))
}

// storageRef is a persistent id: ('storage', type, key, location, numel).
type storageRef struct {
	kind  elemKind
	size  int64 // bytes per element
	typ   string
	key   string
	numel int64
}

// tensorRef describes a tensor as a view of a storage.
type tensorRef struct {
	storage *storageRef
	offset  int64
	shape   []int64
	stride  []int64
}

// unpickler holds the machine's state.
type unpickler struct {
	data  []byte
	pos   int
	stack []any
	marks []int
	memo  map[uint32]any
}

// unpickleStateDict runs data.pkl and returns the state_dict it builds:
// tensor descriptions by name, in the pickle's order.
func unpickleStateDict(data []byte) ([]string, map[string]*tensorRef, error) {
	u := &unpickler{data: data, memo: map[uint32]any{}}
	v, err := u.run()
	if err != nil {
		return nil, nil, fmt.Errorf("data.pkl: %w", err)
	}
	d, ok := v.(*pyDict)
	if !ok {
		return nil, nil, fmt.Errorf("data.pkl: holds a %s, not a state_dict", typeName(v))
	}
	tensors := make(map[string]*tensorRef, len(d.keys))
	for _, k := range d.keys {
		t, ok := d.values[k].(*tensorRef)
		if !ok {
			return nil, nil, fmt.Errorf("data.pkl: state_dict entry %s is a %s, not a tensor", quote(k), typeName(d.values[k]))
		}
		tensors[k] = t
	}
	return d.keys, tensors, nil
}

// run executes opcodes until STOP and returns the value left on the stack.
func (u *unpickler) run() (any, error) {
	for {
		at := u.pos
		op, err := u.byte()
		if err != nil {
			return nil, err
		}
		if op == opStop {
			if len(u.stack) != 1 || len(u.marks) != 0 {
				return nil, fmt.Errorf("STOP at offset %d with %d values and %d marks on the stack, want 1 and 0", at, len(u.stack), len(u.marks))
			}
			return u.stack[0], nil
		}
		if err := u.step(op); err != nil {
			return nil, fmt.Errorf("opcode 0x%02x at offset %d: %w", op, at, err)
		}
		if len(u.stack)+len(u.marks) > maxPickleStack {
			return nil, fmt.Errorf("stack grows past %d entries", maxPickleStack)
		}
	}
}

// step executes one opcode.
func (u *unpickler) step(op byte) error {
	switch op {
	case opProto:
		v, err := u.byte()
		if err != nil {
			return err
		}
		if v < 2 || v > 5 {
			return fmt.Errorf("pickle protocol %d, want 2 to 5", v)
		}
	case opFrame:
		_, err := u.bytes(8) // frames only group opcodes; nothing to do
		return err
	case opMark:
		u.marks = append(u.marks, len(u.stack))
	case opPop:
		_, err := u.pop()
		return err
	case opPopMark:
		_, err := u.popMark()
		return err
	case opDup:
		v, err := u.top()
		if err != nil {
			return err
		}
		u.push(v)
	case opNone:
		u.push(pyNone{})
	case opNewTrue:
		u.push(true)
	case opNewFalse:
		u.push(false)
	case opBinInt, opBinInt1, opBinInt2, opLong1:
		return u.readInt(op)
	case opBinFloat:
		b, err := u.bytes(8)
		if err != nil {
			return err
		}
		u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case opBinUnicode, opShortBinUnicode, opBinUnicode8:
		return u.readString(op)
	case opEmptyTuple, opTuple, opTuple1, opTuple2, opTuple3:
		return u.makeTuple(op)
	case opEmptyList:
		u.push(&pyList{})
	case opAppend, opAppends:
		return u.appendItems(op)
	case opEmptyDict:
		u.push(newDict())
	case opSetItem, opSetItems:
		return u.setItems(op)
	case opBinPut, opLongBinPut, opMemoize:
		return u.put(op)
	case opBinGet, opLongBinGet:
		return u.get(op)
	case opGlobal, opStackGlobal:
		return u.global(op)
	case opReduce:
		return u.reduce()
	case opBuild:
		return u.build()
	case opBinPersID:
		return u.persistentID()
	default:
		return fmt.Errorf("opcode not allowed in a state_dict pickle")
	}
	return nil
}

func (u *unpickler) byte() (byte, error) {
	if u.pos >= len(u.data) {
		return 0, fmt.Errorf("truncated: ends at offset %d without STOP", len(u.data))
	}
	u.pos++
	return u.data[u.pos-1], nil
}

// bytes returns the next n bytes; n is checked before anything is sliced.
func (u *unpickler) bytes(n uint64) ([]byte, error) {
	if n > uint64(len(u.data)-u.pos) {
		return nil, fmt.Errorf("truncated: wants %d bytes at offset %d, %d remain", n, u.pos, len(u.data)-u.pos)
	}
	b := u.data[u.pos : u.pos+int(n)]
	u.pos += int(n)
	return b, nil
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	v, err := u.top()
	if err == nil {
		u.stack = u.stack[:len(u.stack)-1]
	}
	return v, err
}

// top returns the top value without popping it; a mark fences the stack.
func (u *unpickler) top() (any, error) {
	floor := 0
	if len(u.marks) > 0 {
		floor = u.marks[len(u.marks)-1]
	}
	if len(u.stack) <= floor {
		return nil, fmt.Errorf("stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark pops everything above the last mark, and the mark.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, fmt.Errorf("no mark on the stack")
	}
	m := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := append([]any(nil), u.stack[m:]...)
	u.stack = u.stack[:m]
	return items, nil
}

func (u *unpickler) readInt(op byte) error {
	switch op {
	case opBinInt:
		b, err := u.bytes(4)
		if err != nil {
			return err
		}
		u.push(int64(int32(binary.LittleEndian.Uint32(b))))
	case opBinInt1:
		b, err := u.byte()
		if err != nil {
			return err
		}
		u.push(int64(b))
	case opBinInt2:
		b, err := u.bytes(2)
		if err != nil {
			return err
		}
		u.push(int64(binary.LittleEndian.Uint16(b)))
	case opLong1:
		n, err := u.byte()
		if err != nil {
			return err
		}
		b, err := u.bytes(uint64(n))
		if err != nil {
			return err
		}
		v, err := decodeLong(b)
		if err != nil {
			return err
		}
		u.push(v)
	}
	return nil
}

// decodeLong decodes LONG1's little-endian two's-complement integer; only
// values that fit an int64 are accepted.
func decodeLong(b []byte) (int64, error) {
	if len(b) == 0 {
		return 0, nil
	}
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if !v.IsInt64() {
		return 0, fmt.Errorf("integer does not fit in 64 bits")
	}
	return v.Int64(), nil
}

func (u *unpickler) readString(op byte) error {
	var n uint64
	switch op {
	case opShortBinUnicode:
		b, err := u.byte()
		if err != nil {
			return err
		}
		n = uint64(b)
	case opBinUnicode:
		b, err := u.bytes(4)
		if err != nil {
			return err
		}
		n = uint64(binary.LittleEndian.Uint32(b))
	case opBinUnicode8:
		b, err := u.bytes(8)
		if err != nil {
			return err
		}
		n = binary.LittleEndian.Uint64(b)
	}
	if n > maxPickleString {
		return fmt.Errorf("string of %d bytes exceeds the %d-byte limit", n, maxPickleString)
	}
	b, err := u.bytes(n)
	if err != nil {
		return err
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("string is not valid UTF-8")
	}
	u.push(string(b))
	return nil
}

func (u *unpickler) makeTuple(op byte) error {
	var n int
	switch op {
	case opEmptyTuple:
		u.push(pyTuple{})
		return nil
	case opTuple:
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(pyTuple(items))
		return nil
	case opTuple1:
		n = 1
	case opTuple2:
		n = 2
	case opTuple3:
		n = 3
	}
	items := make(pyTuple, n)
	for i := n - 1; i >= 0; i-- {
		v, err := u.pop()
		if err != nil {
			return err
		}
		items[i] = v
	}
	u.push(items)
	return nil
}

func (u *unpickler) appendItems(op byte) error {
	var items []any
	if op == opAppend {
		v, err := u.pop()
		if err != nil {
			return err
		}
		items = []any{v}
	} else {
		var err error
		if items, err = u.popMark(); err != nil {
			return err
		}
	}
	target, err := u.top()
	if err != nil {
		return err
	}
	l, ok := target.(*pyList)
	if !ok {
		return fmt.Errorf("APPEND to a %s, not a list", typeName(target))
	}
	l.items = append(l.items, items...)
	return nil
}

func (u *unpickler) setItems(op byte) error {
	var items []any
	if op == opSetItem {
		v, err := u.pop()
		if err != nil {
			return err
		}
		k, err := u.pop()
		if err != nil {
			return err
		}
		items = []any{k, v}
	} else {
		var err error
		if items, err = u.popMark(); err != nil {
			return err
		}
		if len(items)%2 != 0 {
			return fmt.Errorf("SETITEMS with an odd number (%d) of keys and values", len(items))
		}
	}
	target, err := u.top()
	if err != nil {
		return err
	}
	d, ok := target.(*pyDict)
	if !ok {
		return fmt.Errorf("SETITEM on a %s, not a dict", typeName(target))
	}
	for i := 0; i < len(items); i += 2 {
		if err := d.set(items[i], items[i+1]); err != nil {
			return err
		}
	}
	return nil
}

func (u *unpickler) put(op byte) error {
	var idx uint32
	switch op {
	case opBinPut:
		b, err := u.byte()
		if err != nil {
			return err
		}
		idx = uint32(b)
	case opLongBinPut:
		b, err := u.bytes(4)
		if err != nil {
			return err
		}
		idx = binary.LittleEndian.Uint32(b)
	case opMemoize:
		idx = uint32(len(u.memo))
	}
	v, err := u.top()
	if err != nil {
		return err
	}
	if _, exists := u.memo[idx]; !exists && len(u.memo) >= maxPickleMemo {
		return fmt.Errorf("memo grows past %d entries", maxPickleMemo)
	}
	u.memo[idx] = v
	return nil
}

func (u *unpickler) get(op byte) error {
	var idx uint32
	if op == opBinGet {
		b, err := u.byte()
		if err != nil {
			return err
		}
		idx = uint32(b)
	} else {
		b, err := u.bytes(4)
		if err != nil {
			return err
		}
		idx = binary.LittleEndian.Uint32(b)
	}
	v, ok := u.memo[idx]
	if !ok {
		return fmt.Errorf("memo entry %d was never stored", idx)
	}
	u.push(v)
	return nil
}

func (u *unpickler) global(op byte) error {
	var module, name string
	if op == opGlobal {
		var err error
		if module, err = u.line(); err != nil {
			return err
		}
		if name, err = u.line(); err != nil {
			return err
		}
	} else {
		nv, err := u.pop()
		if err != nil {
			return err
		}
		mv, err := u.pop()
		if err != nil {
			return err
		}
		var ok1, ok2 bool
		module, ok1 = mv.(string)
		name, ok2 = nv.(string)
		if !ok1 || !ok2 {
			return fmt.Errorf("STACK_GLOBAL needs two strings, got %s and %s", typeName(mv), typeName(nv))
		}
	}
	g, err := admitGlobal(module, name)
	if err != nil {
		return err
	}
	u.push(g)
	return nil
}

// line reads a newline-terminated ASCII line (GLOBAL's operands).
func (u *unpickler) line() (string, error) {
	for i := u.pos; i < len(u.data) && i-u.pos <= 256; i++ {
		if u.data[i] == '\n' {
			s := string(u.data[u.pos:i])
			u.pos = i + 1
			return s, nil
		}
	}
	return "", fmt.Errorf("GLOBAL operand at offset %d is unterminated or longer than 256 bytes", u.pos)
}

// reduce applies an admitted callable to its argument tuple.
func (u *unpickler) reduce() error {
	argv, err := u.pop()
	if err != nil {
		return err
	}
	fv, err := u.pop()
	if err != nil {
		return err
	}
	args, ok := argv.(pyTuple)
	if !ok {
		return fmt.Errorf("REDUCE arguments are a %s, not a tuple", typeName(argv))
	}
	f, ok := fv.(pyGlobal)
	var v any
	switch {
	case !ok:
		return fmt.Errorf("REDUCE on a %s, which is not callable", typeName(fv))
	case f == globalOrderedDict:
		if len(args) != 0 {
			return fmt.Errorf("collections.OrderedDict called with %d arguments, want 0", len(args))
		}
		v = newDict()
	case f == globalRebuildTensor:
		v, err = rebuildTensor(args)
	case f == globalRebuildParameter:
		v, err = rebuildParameter(args)
	default:
		return fmt.Errorf("refusing to call %s", f)
	}
	if err != nil {
		return err
	}
	u.push(v)
	return nil
}

// build handles BUILD, which sets an object's attributes; the only object
// that may take it is a dict (OrderedDict's _metadata), and the state is
// dropped.
func (u *unpickler) build() error {
	state, err := u.pop()
	if err != nil {
		return err
	}
	target, err := u.top()
	if err != nil {
		return err
	}
	if _, ok := target.(*pyDict); !ok {
		return fmt.Errorf("BUILD on a %s; only an OrderedDict may take state", typeName(target))
	}
	switch state.(type) {
	case *pyDict, pyNone:
		return nil
	}
	return fmt.Errorf("BUILD with a %s state, want a dict", typeName(state))
}

// persistentID resolves BINPERSID: torch.save writes one per storage.
func (u *unpickler) persistentID() error {
	v, err := u.pop()
	if err != nil {
		return err
	}
	pid, ok := v.(pyTuple)
	bad := func(why string) error {
		return fmt.Errorf("persistent id must be ('storage', torch.<T>Storage, key, location, numel): %s", why)
	}
	if !ok {
		return bad("got a " + typeName(v))
	}
	if len(pid) != 5 {
		return bad(fmt.Sprintf("got a tuple of %d", len(pid)))
	}
	if tag, ok := pid[0].(string); !ok || tag != "storage" {
		return bad("first item is not 'storage'")
	}
	g, ok := pid[1].(pyGlobal)
	st, known := storageTypes[g.name]
	if !ok || !known || g.module != "torch" {
		return bad("second item is not a storage type")
	}
	key, ok := pid[2].(string)
	if !ok || !validStorageKey(key) {
		return bad("key is not a short alphanumeric string")
	}
	if _, ok := pid[3].(string); !ok {
		return bad("location is not a string")
	}
	numel, ok := pid[4].(int64)
	if !ok || numel < 0 {
		return bad("numel is not a non-negative integer")
	}
	u.push(&storageRef{kind: st.kind, size: st.size, typ: g.name, key: key, numel: numel})
	return nil
}

// validStorageKey accepts the keys torch.save writes (decimal numbers) and
// other short names that cannot escape the archive's data/ folder.
func validStorageKey(key string) bool {
	if key == "" || len(key) > 64 {
		return false
	}
	for _, c := range key {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
			return false
		}
	}
	return true
}

// rebuildTensor interprets _rebuild_tensor_v2(storage, storage_offset, size,
// stride, requires_grad, backward_hooks[, metadata]).
func rebuildTensor(args pyTuple) (*tensorRef, error) {
	if len(args) != 6 && len(args) != 7 {
		return nil, fmt.Errorf("_rebuild_tensor_v2 called with %d arguments, want 6 or 7", len(args))
	}
	st, ok := args[0].(*storageRef)
	if !ok {
		return nil, fmt.Errorf("_rebuild_tensor_v2's storage is a %s", typeName(args[0]))
	}
	offset, ok := args[1].(int64)
	if !ok || offset < 0 {
		return nil, fmt.Errorf("_rebuild_tensor_v2's storage offset is not a non-negative integer")
	}
	shape, err := intTuple(args[2], "size")
	if err != nil {
		return nil, err
	}
	stride, err := intTuple(args[3], "stride")
	if err != nil {
		return nil, err
	}
	if len(shape) != len(stride) {
		return nil, fmt.Errorf("_rebuild_tensor_v2 has %d sizes but %d strides", len(shape), len(stride))
	}
	return &tensorRef{storage: st, offset: offset, shape: shape, stride: stride}, nil
}

// rebuildParameter interprets _rebuild_parameter(data, requires_grad,
// backward_hooks): a Parameter is its tensor.
func rebuildParameter(args pyTuple) (*tensorRef, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("_rebuild_parameter called with %d arguments, want 3", len(args))
	}
	t, ok := args[0].(*tensorRef)
	if !ok {
		return nil, fmt.Errorf("_rebuild_parameter's data is a %s, not a tensor", typeName(args[0]))
	}
	return t, nil
}

// intTuple reads a tuple of at most maxTensorDims non-negative integers.
func intTuple(v any, what string) ([]int64, error) {
	t, ok := v.(pyTuple)
	if !ok || len(t) > maxTensorDims {
		return nil, fmt.Errorf("tensor %s is not a tuple of at most %d integers", what, maxTensorDims)
	}
	out := make([]int64, len(t))
	for i, x := range t {
		n, ok := x.(int64)
		if !ok {
			return nil, fmt.Errorf("tensor %s has a %s where an integer belongs", what, typeName(x))
		}
		if n < 0 {
			return nil, fmt.Errorf("tensor %s has a negative value %d", what, n)
		}
		out[i] = n
	}
	return out, nil
}

// typeName names a pickle value's type for error messages.
func typeName(v any) string {
	switch v := v.(type) {
	case pyNone:
		return "None"
	case bool:
		return "bool"
	case int64:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pyDict:
		return "dict"
	case pyGlobal:
		return v.String()
	case *storageRef:
		return "storage"
	case *tensorRef:
		return "tensor"
	}
	return fmt.Sprintf("%T", v)
}

// quote quotes s for an error message, shortened if long.
func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return strconv.Quote(s)
}

// printable is quote without the quotes.
func printable(s string) string {
	q := quote(s)
	return q[1 : len(q)-1]
}
