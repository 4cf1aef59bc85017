package modelfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"unsafe"
)

// The .albq layout; docs/format.md describes it byte by byte. All integers
// are little-endian.
const (
	// Magic opens every .albq file.
	Magic = "ALBQ"
	// Version is the format version this build writes and the newest it
	// reads. Version 1 held ALBERT models only and had no model_type in its
	// config; version 2 adds the BERT family (model_type, a WordPiece
	// vocabulary in the tokenizer section).
	Version = 2

	headerSize = 128 // fixed header: magic, version, checksum, section table
	crcStart   = 12  // the checksum covers bytes [crcStart, file size)
	align      = 64  // tensor data and scales start at multiples of this

	maxName      = 1024    // bytes in a tensor or activation-scale name
	maxTensors   = 1 << 16 // tensors in a file
	maxActScales = 1 << 16 // activation-scale entries, and scales per entry
)

// Header field offsets.
const (
	offMagic     = 0
	offVersion   = 4
	offChecksum  = 8
	offFlags     = 12
	offFileSize  = 16
	offConfig    = 24 // offset, length
	offTokenizer = 40 // offset, length
	offActScales = 56 // offset, length
	offTable     = 72 // offset, length
	offActCount  = 88
	offTensorCnt = 92
	offReserved  = 96 // to headerSize, zero
)

var (
	// ErrChecksum reports that the stored CRC-32C does not match the contents.
	ErrChecksum = errors.New("checksum mismatch: the file is corrupted or was modified")
	// ErrNewer reports a file whose format version is newer than this build reads.
	ErrNewer = errors.New("written by a newer albertq")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// le is the byte order of the file.
var le = binary.LittleEndian

// elemSize is the size in bytes of one element of each dtype.
func elemSize(d DType) int {
	switch d {
	case F32:
		return 4
	case F16:
		return 2
	case I8:
		return 1
	}
	return 0
}

// checkHost fails on big-endian hosts: tensors are used in place, as the
// little-endian bytes of the file.
func checkHost() error {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		return fmt.Errorf("albertq supports little-endian hosts only")
	}
	return nil
}

// bytesOf views a slice's elements as raw (host-order, i.e. little-endian)
// bytes, without copying.
func bytesOf[E float32 | uint16 | int8](s []E) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

// viewOf views raw bytes as n elements of E without copying; b must be
// suitably aligned and hold n elements.
func viewOf[E float32 | uint16 | int8](b []byte, n int) []E {
	return unsafe.Slice((*E)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// alignUp rounds n up to a multiple of align.
func alignUp(n uint64) uint64 { return (n + align - 1) &^ (align - 1) }
