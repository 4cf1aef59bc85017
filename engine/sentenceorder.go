package engine

import (
	"errors"
	"fmt"

	"github.com/albertq/albertq/tokenizer"
)

// SentenceOrder returns, for each pair of segments, the probability that
// they are in order (b follows a), from the sentence-order head ALBERT was
// pre-trained with (an AlbertForPreTraining checkpoint). Errors are as
// Classify's; a pair with an empty segment is an error of its own.
func (mod *Model) SentenceOrder(pairs [][2]string) ([]float32, error) {
	if h, ok := mod.head.(*maskedLMHead); !ok || h.sentenceOrder == nil {
		return nil, fmt.Errorf("sentence order needs a pre-training checkpoint with its sentence-order head (sop_classifier), this one is %s", mod.cfg.Architecture())
	}
	out := make([]float32, len(pairs))
	encode := func(i int) (*tokenizer.Encoding, error) {
		if pairs[i][0] == "" || pairs[i][1] == "" {
			return nil, errors.New("sentence order needs two segments, one is empty")
		}
		return mod.Encode(pairs[i][0], pairs[i][1])
	}
	err := mod.eachBatch(len(pairs), encode, func(i int, _ *tokenizer.Encoding, o *Output, s int) {
		out[i] = mod.softmaxCopy(o.SOPLogits[2*s : 2*s+2])[0] // label 0: in order
	})
	return out, err
}
