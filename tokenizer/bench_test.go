package tokenizer

import "testing"

// benchTexts returns the fixture sentences and the copied dev texts, repeated
// to about 4 MB of mostly English text.
func benchTexts(b *testing.B) (texts []string, size int) {
	var f struct {
		Cases []struct {
			Text string `json:"text"`
		} `json:"cases"`
	}
	readJSON(b, "tokenizer-cases.json", &f)
	var base []string
	for _, c := range f.Cases {
		base = append(base, c.Text)
	}
	base = append(base, readDevTexts(b)...)
	for size < 4<<20 {
		for _, s := range base {
			texts = append(texts, s)
			size += len(s)
		}
	}
	return texts, size
}

// BenchmarkEncode measures ALBERT's Encode throughput over whole texts (no
// max length).
func BenchmarkEncode(b *testing.B) {
	benchmarkEncode(b, loadTestTokenizer(b, debsecModel))
}

// BenchmarkEncodeWordPiece measures WordPiece's Encode throughput (the BERT
// fixtures' uncased vocabulary) over the same texts.
func BenchmarkEncodeWordPiece(b *testing.B) {
	benchmarkEncode(b, loadWordPiece(b, false))
}

func benchmarkEncode(b *testing.B, tok Tokenizer) {
	texts, size := benchTexts(b)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, s := range texts {
			if _, err := Encode(tok, s, 0); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSentencePiece measures the raw SentencePiece encoder alone.
func BenchmarkSentencePiece(b *testing.B) {
	tok := loadTestTokenizer(b, debsecModel)
	texts, size := benchTexts(b)
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, s := range texts {
			tok.Raw(s)
		}
	}
}
