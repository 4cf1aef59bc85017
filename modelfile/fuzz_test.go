package modelfile

import (
	"bytes"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the decoder. The checksum is skipped
// and the file-size field patched to the input's length so that mutations
// reach the structural checks; whatever decodes must re-encode, and decode
// again to the same bytes. Nothing may panic.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, testModel()))
	f.Add(encode(f, &Model{}))
	f.Fuzz(func(t *testing.T, data []byte) {
		Decode(data) // with the checksum: must not panic either
		if len(data) >= headerSize {
			data = bytes.Clone(data)
			le.PutUint64(data[offFileSize:], uint64(len(data)))
		}
		m, err := DecodeWith(data, OpenOptions{SkipVerify: true})
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatalf("decoded model does not re-encode: %v", err)
		}
		again, err := Decode(buf.Bytes())
		if err != nil {
			t.Fatalf("re-encoded model does not decode: %v", err)
		}
		if !bytes.Equal(encode(t, again), buf.Bytes()) {
			t.Fatal("encoding is not stable")
		}
	})
}
