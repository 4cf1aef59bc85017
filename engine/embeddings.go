package engine

import (
	"github.com/albertq/albertq/internal/half"
	"github.com/albertq/albertq/modelfile"
)

// embeddings are ALBERT's factorized input embeddings: word, position and
// token type tables of width E, summed and normalised.
type embeddings struct {
	word, position, tokenType *modelfile.Tensor
	norm                      norm
}

func loadEmbeddings(w *weights, c *modelfile.Config) (*embeddings, error) {
	e := &embeddings{}
	var err error
	if e.word, err = w.tensor("embeddings.word_embeddings.weight", c.VocabSize, c.EmbeddingSize); err != nil {
		return nil, err
	}
	if e.position, err = w.tensor("embeddings.position_embeddings.weight", c.MaxPositionEmbeddings, c.EmbeddingSize); err != nil {
		return nil, err
	}
	if e.tokenType, err = w.tensor("embeddings.token_type_embeddings.weight", c.TypeVocabSize, c.EmbeddingSize); err != nil {
		return nil, err
	}
	if e.norm.gamma, err = w.vector("embeddings.LayerNorm.weight", c.EmbeddingSize); err != nil {
		return nil, err
	}
	e.norm.beta, err = w.vector("embeddings.LayerNorm.bias", c.EmbeddingSize)
	return e, err
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
