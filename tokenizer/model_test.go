package tokenizer

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// pb appends protobuf fields; tests use it to build small spiece.model files.
type pb []byte

func (b pb) varint(v uint64) pb {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func (b pb) uintField(num int, v uint64) pb { return b.varint(uint64(num)<<3 | wireVarint).varint(v) }

func (b pb) bytesField(num int, data []byte) pb {
	return append(b.varint(uint64(num)<<3|wireBytes).varint(uint64(len(data))), data...)
}

func (b pb) floatField(num int, f float32) pb {
	return binary.LittleEndian.AppendUint32(b.varint(uint64(num)<<3|wireFixed32), math.Float32bits(f))
}

// testModel describes a synthetic model: pieces, and the spec options.
type testModel struct {
	pieces       []protoPiece
	modelType    int // 0: leave the default (unigram)
	byteFallback bool
	charsmap     []byte
}

func (m testModel) bytes() []byte {
	var out pb
	for _, p := range m.pieces {
		var piece pb
		piece = piece.bytesField(1, []byte(p.text)).floatField(2, p.score)
		if p.typ != typeNormal {
			piece = piece.uintField(3, uint64(p.typ))
		}
		out = out.bytesField(1, piece)
	}
	var trainer pb
	if m.modelType != 0 {
		trainer = trainer.uintField(3, uint64(m.modelType))
	}
	if m.byteFallback {
		trainer = trainer.uintField(35, 1)
	}
	out = out.bytesField(2, trainer)
	var norm pb
	norm = norm.bytesField(1, []byte("test"))
	if m.charsmap != nil {
		norm = norm.bytesField(2, m.charsmap)
	}
	return out.bytesField(3, norm)
}

// basePieces is a small vocabulary: specials, the space marker, a few letters.
func basePieces() []protoPiece {
	return []protoPiece{
		{"<pad>", 0, typeControl}, {"<unk>", 0, typeUnknown},
		{"[CLS]", 0, typeControl}, {"[SEP]", 0, typeControl}, {"[MASK]", 0, typeControl},
		{"▁", -1, typeNormal}, {"a", -2, typeNormal}, {"b", -2, typeNormal},
		{"▁a", -1.5, typeNormal}, {"ab", -1, typeNormal},
	}
}

func mustLoad(t *testing.T, m testModel) *SentencePiece {
	t.Helper()
	tok, err := LoadSentencePiece(m.bytes(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestByteFallback(t *testing.T) {
	pieces := basePieces()
	for b := 0; b < 256; b++ {
		pieces = append(pieces, protoPiece{fmt.Sprintf("<0x%02X>", b), 0, typeByte})
	}
	tok := mustLoad(t, testModel{pieces: pieces, byteFallback: true})
	ids, got := tok.Raw("ab€")
	want := []string{"▁", "ab", "<0xE2>", "<0x82>", "<0xAC>"}
	if !slices.Equal(got, want) {
		t.Fatalf("pieces %q, want %q", got, want)
	}
	if ids[2] != 10+0xE2 {
		t.Errorf("byte id %d, want %d", ids[2], 10+0xE2)
	}
	if s := tok.Decode(ids); s != "ab€" {
		t.Errorf("Decode = %q", s)
	}
}

func TestUnknownRunsMerged(t *testing.T) {
	tok := mustLoad(t, testModel{pieces: basePieces()})
	ids, pieces := tok.Raw("a€¥b c")
	wantPieces := []string{"▁a", "€¥", "b", "▁", "c"} // c is not in the vocabulary
	if !slices.Equal(pieces, wantPieces) || !slices.Equal(ids, []int{8, 1, 7, 5, 1}) {
		t.Errorf("got %v %q", ids, pieces)
	}
}

func TestUserDefinedWins(t *testing.T) {
	pieces := append(basePieces(), protoPiece{"ba", 0, typeUserDefined}, protoPiece{"bab", 5, typeNormal})
	tok := mustLoad(t, testModel{pieces: pieces})
	// "bab" scores 5 but user-defined symbols are matched first by the normalizer
	// and take a bonus in the search.
	if _, got := tok.Raw("abab"); !slices.Equal(got, []string{"▁a", "ba", "b"}) {
		t.Errorf("got %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	good := testModel{pieces: basePieces()}.bytes()
	noUnk := basePieces()
	noUnk[1].typ = typeNormal
	dup := append(basePieces(), protoPiece{"a", 0, typeNormal})
	bytesNoFallback := append(basePieces(), protoPiece{"<0x00>", 0, typeByte})
	cases := map[string][]byte{
		"empty":            nil,
		"truncated":        good[:len(good)-3],
		"bad length":       pb{}.varint(1<<3 | wireBytes).varint(1 << 40),
		"group wire type":  pb{}.varint(1<<3 | 3),
		"piece wire type":  pb{}.uintField(1, 7),
		"bpe":              testModel{pieces: basePieces(), modelType: 2}.bytes(),
		"no unknown":       testModel{pieces: noUnk}.bytes(),
		"duplicate":        testModel{pieces: dup}.bytes(),
		"byte no fallback": testModel{pieces: bytesNoFallback}.bytes(),
		"missing bytes":    testModel{pieces: basePieces(), byteFallback: true}.bytes(),
		"bad charsmap":     testModel{pieces: basePieces(), charsmap: []byte{9, 0, 0, 0, 1}}.bytes(),
	}
	for name, data := range cases {
		if _, err := LoadSentencePiece(data, DefaultOptions()); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "spiece.model: ") {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
	if _, err := LoadSentencePiece(good, DefaultOptions()); err != nil {
		t.Errorf("good model: %v", err)
	}
}

// TestDamagedRealModel truncates and bit-flips a real spiece.model: every
// damaged file either loads into a working tokenizer or gives an error that
// names the file, never a panic.
func TestDamagedRealModel(t *testing.T) {
	good, err := os.ReadFile(tinyModel)
	if err != nil {
		t.Fatal(err)
	}
	try := func(what string, data []byte) {
		tok, err := LoadSentencePiece(data, DefaultOptions())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "spiece.model: ") {
				t.Errorf("%s: error %q does not name the file", what, err)
			}
			return
		}
		ids, _ := tok.Raw("Hello world, a damaged model!")
		for _, id := range ids {
			if id < 0 || id >= tok.VocabSize() {
				t.Errorf("%s: id %d out of range", what, id)
			}
		}
	}
	for cut := 0; cut < len(good); cut += 1 + len(good)/97 {
		try(fmt.Sprintf("truncated to %d bytes", cut), good[:cut])
	}
	for pos := 0; pos < len(good); pos += 1 + len(good)/211 {
		flipped := bytes.Clone(good)
		flipped[pos] ^= 0x5a
		try(fmt.Sprintf("byte %d flipped", pos), flipped)
	}
}
