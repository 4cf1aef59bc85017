package convert

import (
	"testing"
)

// TestPickleHostileGlobals feeds the classic exploit pickles, both with
// GLOBAL and with protocol 4's STACK_GLOBAL: each must be refused by name
// before anything could be called.
func TestPickleHostileGlobals(t *testing.T) {
	globals := [][2]string{
		{"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"builtins", "eval"}, {"builtins", "exec"},
		{"builtins", "getattr"}, {"__builtin__", "exec"}, {"__builtin__", "eval"}, {"subprocess", "Popen"},
		{"subprocess", "check_output"}, {"torch", "load"}, {"torch._utils", "_rebuild_qtensor"},
		{"collections", "defaultdict"}, {"torch.serialization", "_get_layout"},
	}
	for _, g := range globals {
		call := newPickle().global(g[0], g[1]).str("touch /tmp/pwned").op(opTuple1, opReduce, opStop).b
		_, _, err := unpickleStateDict(call)
		wantErr(t, err, "refusing global "+printable(g[0])+"."+printable(g[1]))

		stack := []byte{opProto, 4}
		stack = append(stack, (&pk{}).str(g[0]).str(g[1]).op(opStackGlobal).str("id").op(opTuple1, opReduce, opStop).b...)
		_, _, err = unpickleStateDict(stack)
		wantErr(t, err, "refusing global "+printable(g[0])+"."+printable(g[1]))
	}
}

func TestPickleRefusedCalls(t *testing.T) {
	tests := []struct {
		name string
		pkl  []byte
		want string
	}{
		{"storage type called", newPickle().global("torch", "FloatStorage").op(opEmptyTuple, opReduce, opStop).b, "refusing to call torch.FloatStorage"},
		{"string called", newPickle().str("os.system").op(opEmptyTuple, opReduce, opStop).b, "REDUCE on a str, which is not callable"},
		{"args not a tuple", newPickle().global("collections", "OrderedDict").op(opEmptyList, opReduce, opStop).b, "REDUCE arguments are a list"},
		{"OrderedDict with args", newPickle().global("collections", "OrderedDict").str("x").op(opTuple1, opReduce, opStop).b, "called with 1 arguments"},
		{"rebuild wrong arity", newPickle().global("torch._utils", "_rebuild_tensor_v2").op(opEmptyTuple, opReduce, opStop).b, "called with 0 arguments, want 6 or 7"},
		{"rebuild without storage", newPickle().global("torch._utils", "_rebuild_tensor_v2").op(opMark).int(0).int(0).op(opEmptyTuple, opEmptyTuple, opNewFalse, opNone, opTuple, opReduce, opStop).b, "storage is a int"},
		{"parameter of a string", newPickle().global("torch._utils", "_rebuild_parameter").str("x").op(opNewFalse, opNone, opTuple3, opReduce, opStop).b, "data is a str, not a tensor"},
		{"BUILD on a list", newPickle().op(opEmptyList, opEmptyDict, opBuild, opStop).b, "BUILD on a list"},
		{"BUILD with a string", newPickle().op(opEmptyDict).str("__class__").op(opBuild, opStop).b, "BUILD with a str state"},
		{"unknown opcode", newPickle().op('i').b, "opcode 0x69 at offset 2: opcode not allowed"},
		{"INST opcode", newPickle().op('i').b, "not allowed"},
		{"truncated", newPickle().op(opEmptyDict).b, "truncated"},
		{"truncated string", newPickle().op(opBinUnicode, 0xff, 0xff, 0, 0, 'a').b, "wants 65535 bytes"},
		{"long string", newPickle().op(opBinUnicode8, 0, 0, 0, 0, 0, 0, 0, 0x10).b, "exceeds the 1048576-byte limit"},
		{"bad UTF-8", newPickle().op(opShortBinUnicode, 1, 0xff).b, "not valid UTF-8"},
		{"underflow", newPickle().op(opTuple2).b, "stack underflow"},
		{"mark fences pops", newPickle().op(opNone, opMark, opTuple1).b, "stack underflow"},
		{"memo miss", newPickle().op(opBinGet, 7).b, "memo entry 7 was never stored"},
		{"not a dict", newPickle().op(opEmptyList, opStop).b, "holds a list, not a state_dict"},
		{"value not a tensor", newPickle().op(opEmptyDict).str("w").int(3).op(opSetItem, opStop).b, `entry "w" is a int, not a tensor`},
		{"list value", newPickle().op(opEmptyDict).str("w").op(opEmptyList, opMark).int(1).int(2).op(opAppends).int(3).op(opAppend, opSetItem, opStop).b, `entry "w" is a list`},
		{"APPEND to a dict", newPickle().op(opEmptyDict).int(1).op(opAppend).b, "APPEND to a dict"},
		{"SETITEM on a tuple", newPickle().op(opEmptyTuple).str("k").int(1).op(opSetItem).b, "SETITEM on a tuple"},
		{"int key", newPickle().op(opEmptyDict).int(1).int(3).op(opSetItem, opStop).b, "dict key of type int"},
		{"odd SETITEMS", newPickle().op(opEmptyDict, opMark).str("a").op(opSetItems, opStop).b, "odd number"},
		{"extra values at STOP", newPickle().op(opEmptyDict, opNone, opStop).b, "with 2 values and 0 marks"},
		{"huge LONG1", newPickle().op(opLong1, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9).b, "does not fit in 64 bits"},
		{"protocol 1", []byte{opProto, 1}, "pickle protocol 1"},
		{"unterminated GLOBAL", newPickle().op(opGlobal).op([]byte("os system")...).b, "unterminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := unpickleStateDict(tt.pkl)
			wantErr(t, err, tt.want)
		})
	}
}

func TestPicklePersistentID(t *testing.T) {
	rebuild := func(pid func(p *pk)) []byte {
		p := newPickle().op(opEmptyDict).str("w").global("torch._utils", "_rebuild_tensor_v2").op(opMark)
		pid(p)
		p.op(opBinPersID).int(0).ints([]int{1}).ints([]int{1}).op(opNewFalse, opNone, opTuple, opReduce, opSetItem, opStop)
		return p.b
	}
	tests := []struct {
		name string
		pid  func(p *pk)
		want string
	}{
		{"four items", func(p *pk) {
			p.op(opMark).str("storage").global("torch", "FloatStorage").str("0").str("cpu").op(opTuple)
		}, "got a tuple of 4"},
		{"wrong tag", func(p *pk) {
			p.op(opMark).str("file").global("torch", "FloatStorage").str("0").str("cpu").int(1).op(opTuple)
		}, "first item is not 'storage'"},
		{"type is a string", func(p *pk) {
			p.op(opMark).str("storage").str("FloatStorage").str("0").str("cpu").int(1).op(opTuple)
		}, "second item is not a storage type"},
		{"callable as type", func(p *pk) {
			p.op(opMark).str("storage").global("collections", "OrderedDict").str("0").str("cpu").int(1).op(opTuple)
		}, "second item is not a storage type"},
		{"path key", func(p *pk) {
			p.op(opMark).str("storage").global("torch", "FloatStorage").str("../../etc/passwd").str("cpu").int(1).op(opTuple)
		}, "key is not a short alphanumeric string"},
		{"numel a string", func(p *pk) {
			p.op(opMark).str("storage").global("torch", "FloatStorage").str("0").str("cpu").str("1").op(opTuple)
		}, "numel is not a non-negative integer"},
		{"negative numel", func(p *pk) {
			p.op(opMark).str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(-1).op(opTuple)
		}, "numel is not a non-negative integer"},
		{"not a tuple", func(p *pk) { p.str("storage") }, "got a str"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := unpickleStateDict(rebuild(tt.pid))
			wantErr(t, err, "persistent id must be ('storage', torch.<T>Storage, key, location, numel)", tt.want)
		})
	}
	// The same pickle with a well-formed id is accepted.
	ok := rebuild(func(p *pk) {
		p.op(opMark).str("storage").global("torch", "FloatStorage").str("0").str("cuda:0").int(1).op(opTuple)
	})
	if _, refs, err := unpickleStateDict(ok); err != nil || refs["w"] == nil {
		t.Fatalf("valid pickle: %v", err)
	}
}

// TestPickleOpcodes checks the less common opcodes a torch.save pickle may
// use: protocol 4 framing and MEMOIZE, LONG1, BUILD with OrderedDict
// metadata, _rebuild_parameter and the 7-argument _rebuild_tensor_v2.
func TestPickleOpcodes(t *testing.T) {
	p := &pk{b: []byte{opProto, 4, opFrame, 0, 0, 0, 0, 0, 0, 0, 0}}
	p.global("collections", "OrderedDict").op(opMemoize, opEmptyTuple, opReduce, opMemoize, opMark)
	p.str("w").global("torch._utils", "_rebuild_parameter")
	p.global("torch._utils", "_rebuild_tensor_v2").op(opMark)
	p.op(opMark).str("storage").global("torch", "HalfStorage").str("k_1").str("cpu").op(opLong1, 2, 0x10, 0x01).op(opTuple, opBinPersID)
	p.op(opLong1, 0).op(opLong1, 2, 0x10, 0x01, opTuple1, opBinInt1, 1, opTuple1, opNewFalse)
	p.op(opEmptyDict, opEmptyDict, opTuple, opReduce) // 7 arguments: metadata dict
	p.op(opNewTrue, opEmptyDict, opTuple3, opReduce, opSetItems)
	p.op(opEmptyDict).str("_metadata").op(opEmptyDict, opSetItem, opBuild)
	p.op(opBinFloat, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, opPop, opStop)
	names, refs, err := unpickleStateDict(p.b)
	if err != nil {
		t.Fatal(err)
	}
	r := refs["w"]
	if len(names) != 1 || r == nil || r.storage.key != "k_1" || r.storage.numel != 0x110 || r.storage.kind != kindF16 ||
		len(r.shape) != 1 || r.shape[0] != 0x110 {
		t.Fatalf("got %v %+v", names, r)
	}
	memo := newPickle().op(opEmptyDict, opLongBinPut, 1, 0, 1, 0, opPop, opLongBinGet, 1, 0, 1, 0, opDup, opPop, opStop).b
	if names, _, err := unpickleStateDict(memo); err != nil || len(names) != 0 {
		t.Errorf("LONG_BINPUT/LONG_BINGET: %v, %v", names, err)
	}
	for _, tc := range []struct {
		b    []byte
		want int64
	}{{[]byte{0xff}, -1}, {[]byte{0x00, 0x80}, -32768}, {[]byte{0xff, 0x7f}, 32767}, {nil, 0}} {
		if got, err := decodeLong(tc.b); err != nil || got != tc.want {
			t.Errorf("decodeLong(%x) = %d, %v; want %d", tc.b, got, err, tc.want)
		}
	}
}
