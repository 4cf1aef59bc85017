package tokenizer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// pieceType is SentencePiece's ModelProto.SentencePiece.Type.
type pieceType int

// Piece types as numbered in sentencepiece_model.proto.
const (
	typeNormal      pieceType = 1
	typeUnknown     pieceType = 2
	typeControl     pieceType = 3
	typeUserDefined pieceType = 4
	typeUnused      pieceType = 5
	typeByte        pieceType = 6
)

// modelTypeUnigram is TrainerSpec.ModelType UNIGRAM, the only type albertq encodes.
const modelTypeUnigram = 1

// protoPiece is one vocabulary entry of a spiece.model.
type protoPiece struct {
	text  string
	score float32
	typ   pieceType
}

// trainerSpec holds the TrainerSpec fields that affect encoding.
type trainerSpec struct {
	modelType               int
	unkID                   int
	byteFallback            bool
	treatWhitespaceAsSuffix bool
}

// normalizerSpec holds NormalizerSpec: the precompiled character map and the
// whitespace options.
type normalizerSpec struct {
	name                   string
	precompiledCharsmap    []byte
	addDummyPrefix         bool
	removeExtraWhitespaces bool
	escapeWhitespaces      bool
}

// modelProto is the decoded subset of a SentencePiece ModelProto.
type modelProto struct {
	pieces     []protoPiece
	trainer    trainerSpec
	normalizer normalizerSpec
}

// Protobuf wire types.
const (
	wireVarint  = 0
	wireFixed64 = 1
	wireBytes   = 2
	wireFixed32 = 5
)

// protoReader walks the fields of one protobuf message. It never reads past
// its buffer: every length is checked against what remains.
type protoReader struct {
	buf []byte
	pos int
}

// protoField is one decoded field: its number, wire type and payload (varint
// value, fixed32 bits, or bytes).
type protoField struct {
	num   int
	wire  int
	value uint64
	bytes []byte
}

var errTruncated = errors.New("truncated protobuf")

func (r *protoReader) done() bool { return r.pos >= len(r.buf) }

func (r *protoReader) varint() (uint64, error) {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.pos >= len(r.buf) {
			return 0, errTruncated
		}
		b := r.buf[r.pos]
		r.pos++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v, nil
		}
	}
	return 0, errors.New("varint longer than 10 bytes")
}

// next decodes the next field. Groups (wire types 3 and 4) are rejected:
// spiece.model never uses them.
func (r *protoReader) next() (protoField, error) {
	key, err := r.varint()
	if err != nil {
		return protoField{}, err
	}
	f := protoField{num: int(key >> 3), wire: int(key & 7)}
	if key>>3 == 0 || key>>3 > math.MaxInt32 {
		return f, fmt.Errorf("invalid field number %d", key>>3)
	}
	switch f.wire {
	case wireVarint:
		f.value, err = r.varint()
	case wireFixed64:
		if len(r.buf)-r.pos < 8 {
			return f, errTruncated
		}
		f.value = binary.LittleEndian.Uint64(r.buf[r.pos:])
		r.pos += 8
	case wireFixed32:
		if len(r.buf)-r.pos < 4 {
			return f, errTruncated
		}
		f.value = uint64(binary.LittleEndian.Uint32(r.buf[r.pos:]))
		r.pos += 4
	case wireBytes:
		var n uint64
		n, err = r.varint()
		if err == nil && n > uint64(len(r.buf)-r.pos) {
			err = fmt.Errorf("field %d: length %d exceeds the %d bytes left", f.num, n, len(r.buf)-r.pos)
		}
		if err == nil {
			f.bytes = r.buf[r.pos : r.pos+int(n)]
			r.pos += int(n)
		}
	default:
		err = fmt.Errorf("field %d: unsupported wire type %d", f.num, f.wire)
	}
	return f, err
}

// expect checks that a known field arrived with the wire type its schema gives.
func (f protoField) expect(wire int, msg string) error {
	if f.wire != wire {
		return fmt.Errorf("%s field %d: wire type %d, want %d", msg, f.num, f.wire, wire)
	}
	return nil
}

// parseModelProto decodes the fields of ModelProto that encoding needs; other
// fields (self-test data, denormalizer, training options) are skipped.
func parseModelProto(data []byte) (*modelProto, error) {
	m := &modelProto{
		trainer: trainerSpec{modelType: modelTypeUnigram},
		normalizer: normalizerSpec{
			addDummyPrefix:         true,
			removeExtraWhitespaces: true,
			escapeWhitespaces:      true,
		},
	}
	r := protoReader{buf: data}
	for !r.done() {
		f, err := r.next()
		if err != nil {
			return nil, fmt.Errorf("ModelProto: %w", err)
		}
		switch f.num {
		case 1: // pieces
			if err := f.expect(wireBytes, "ModelProto"); err != nil {
				return nil, err
			}
			p, err := parsePiece(f.bytes)
			if err != nil {
				return nil, fmt.Errorf("piece %d: %w", len(m.pieces), err)
			}
			m.pieces = append(m.pieces, p)
		case 2: // trainer_spec
			if err := f.expect(wireBytes, "ModelProto"); err != nil {
				return nil, err
			}
			if err := parseTrainerSpec(f.bytes, &m.trainer); err != nil {
				return nil, fmt.Errorf("trainer_spec: %w", err)
			}
		case 3: // normalizer_spec
			if err := f.expect(wireBytes, "ModelProto"); err != nil {
				return nil, err
			}
			if err := parseNormalizerSpec(f.bytes, &m.normalizer); err != nil {
				return nil, fmt.Errorf("normalizer_spec: %w", err)
			}
		}
	}
	return m, nil
}

// parsePiece decodes ModelProto.SentencePiece. An enum value this reader does
// not know leaves the type NORMAL, as proto2 does with unknown enum values.
func parsePiece(data []byte) (protoPiece, error) {
	p := protoPiece{typ: typeNormal}
	r := protoReader{buf: data}
	for !r.done() {
		f, err := r.next()
		if err != nil {
			return p, err
		}
		switch f.num {
		case 1:
			if err := f.expect(wireBytes, "SentencePiece"); err != nil {
				return p, err
			}
			p.text = string(f.bytes)
		case 2:
			if err := f.expect(wireFixed32, "SentencePiece"); err != nil {
				return p, err
			}
			p.score = math.Float32frombits(uint32(f.value))
		case 3:
			if err := f.expect(wireVarint, "SentencePiece"); err != nil {
				return p, err
			}
			if f.value >= uint64(typeNormal) && f.value <= uint64(typeByte) {
				p.typ = pieceType(f.value)
			}
		}
	}
	return p, nil
}

func parseTrainerSpec(data []byte, t *trainerSpec) error {
	r := protoReader{buf: data}
	for !r.done() {
		f, err := r.next()
		if err != nil {
			return err
		}
		var dst *bool
		switch f.num {
		case 3: // model_type
			if err := f.expect(wireVarint, "TrainerSpec"); err != nil {
				return err
			}
			t.modelType = int(int32(f.value))
		case 40: // unk_id
			if err := f.expect(wireVarint, "TrainerSpec"); err != nil {
				return err
			}
			t.unkID = int(int32(f.value))
		case 35: // byte_fallback
			dst = &t.byteFallback
		case 24: // treat_whitespace_as_suffix
			dst = &t.treatWhitespaceAsSuffix
		}
		if dst != nil {
			if err := f.expect(wireVarint, "TrainerSpec"); err != nil {
				return err
			}
			*dst = f.value != 0
		}
	}
	return nil
}

func parseNormalizerSpec(data []byte, n *normalizerSpec) error {
	r := protoReader{buf: data}
	for !r.done() {
		f, err := r.next()
		if err != nil {
			return err
		}
		var dst *bool
		switch f.num {
		case 1:
			if err := f.expect(wireBytes, "NormalizerSpec"); err != nil {
				return err
			}
			n.name = string(f.bytes)
		case 2:
			if err := f.expect(wireBytes, "NormalizerSpec"); err != nil {
				return err
			}
			n.precompiledCharsmap = f.bytes
		case 3:
			dst = &n.addDummyPrefix
		case 4:
			dst = &n.removeExtraWhitespaces
		case 5:
			dst = &n.escapeWhitespaces
		}
		if dst != nil {
			if err := f.expect(wireVarint, "NormalizerSpec"); err != nil {
				return err
			}
			*dst = f.value != 0
		}
	}
	return nil
}
