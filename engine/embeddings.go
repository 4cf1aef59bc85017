package engine

import (
	"github.com/albertq/albertq/internal/half"
	"github.com/albertq/albertq/modelfile"
)

// embeddings are the input embeddings: word, position and token type
// tables, summed and normalised. ALBERT's are E wide (projected to H
// afterwards), BERT's and DistilBERT's H wide; DistilBERT has no token
// types. MobileBERT's word vectors are E wide and go through a Linear to H
// first, with trigram input the vectors of each token and its neighbours
// side by side.
type embeddings struct {
	word, position, tokenType *modelfile.Tensor // tokenType nil: none
	norm                      norm
	transformation            *linear // MobileBERT's word vectors → H
	trigram                   bool
}

func loadEmbeddings(w *weights, c *modelfile.Config) (*embeddings, error) {
	e, width := &embeddings{}, c.EmbeddingSize
	var err error
	if e.word, err = w.tensor("embeddings.word_embeddings.weight", c.VocabSize, c.EmbeddingSize); err != nil {
		return nil, err
	}
	noNorm := false
	if m := c.MobileBERT; m != nil {
		width, noNorm, e.trigram = c.HiddenSize, m.NormalizationType == "no_norm", m.TrigramInput
		in := c.EmbeddingSize
		if e.trigram {
			in *= 3
		}
		if e.trigram || in != width {
			if e.transformation, err = w.loadLinear("embeddings.embedding_transformation", in, width); err != nil {
				return nil, err
			}
		}
	}
	if e.position, err = w.tensor("embeddings.position_embeddings.weight", c.MaxPositionEmbeddings, width); err != nil {
		return nil, err
	}
	if c.TypeVocabSize > 0 {
		if e.tokenType, err = w.tensor("embeddings.token_type_embeddings.weight", c.TypeVocabSize, width); err != nil {
			return nil, err
		}
	}
	e.norm, err = w.norm("embeddings.LayerNorm", width, noNorm)
	return e, err
}

// embed writes the normalised sum of every token's word, position and
// token type embeddings into dst (tokens × the embeddings' width).
func (mod *Model) embed(r *runner, b *batch, dst []float32) {
	e := mod.emb
	w := len(dst) / b.tokens
	if e.transformation != nil {
		e.transform(r, b, dst)
	} else {
		clear(dst)
	}
	for s, seq := range b.seqs {
		for p, id := range seq.IDs {
			row := dst[(b.offsets[s]+p)*w:][:w]
			if e.transformation == nil {
				addRow(row, e.word, id)
			}
			addRow(row, e.position, p)
			if e.tokenType != nil {
				addRow(row, e.tokenType, typeID(seq, p))
			}
		}
	}
	r.layerNorm(dst, nil, w, e.norm)
}

// transform is MobileBERT's input: each token's word vector (with trigram
// input [e(t+1), e(t), e(t−1)], zeros past either end of its sequence)
// through the embedding transformation, into dst.
func (e *embeddings) transform(r *runner, b *batch, dst []float32) {
	we := e.word.Shape[1]
	in := e.transformation.in
	x := grow(&r.ws.emb, b.tokens*in)
	clear(x)
	for s, seq := range b.seqs {
		for p, id := range seq.IDs {
			row := x[(b.offsets[s]+p)*in:][:in]
			if !e.trigram {
				addRow(row, e.word, id)
				continue
			}
			if p+1 < len(seq.IDs) {
				addRow(row[:we], e.word, seq.IDs[p+1])
			}
			addRow(row[we:2*we], e.word, id)
			if p > 0 {
				addRow(row[2*we:], e.word, seq.IDs[p-1])
			}
		}
	}
	e.transformation.apply(r, dst, x, b.tokens, 0)
}

// addRow adds row r of table t, in fp32, to dst.
func addRow(dst []float32, t *modelfile.Tensor, r int) {
	w := len(dst)
	switch t.DType {
	case modelfile.I8:
		s := scaleOfRow(t, r)
		for i, q := range t.I8[r*w : (r+1)*w] {
			dst[i] += float32(q) * s
		}
	case modelfile.F16:
		for i, h := range t.F16[r*w : (r+1)*w] {
			dst[i] += half.ToFloat32(h)
		}
	default:
		addInto(dst, t.F32[r*w:(r+1)*w])
	}
}
