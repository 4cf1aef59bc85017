package engine

import (
	"fmt"
	"sort"

	"github.com/albertq/albertq/tokenizer"
)

// Sequence is one model input: token ids, their segment (token type) ids,
// and optionally an attention mask (1 = attend, 0 = padding); a nil TypeIDs
// means all zeros and a nil Mask means every token is real.
type Sequence struct {
	IDs, TypeIDs, Mask []int
}

// Output holds a batch's results. Hidden has one row of width H per token,
// the batch's sequences one after another (sequence s has rows Offsets[s]
// to Offsets[s+1]); Pooled one row per sequence (nil when the model has no
// pooler). Logits has LogitsWidth columns per sequence (sequence
// classification) or per token (token classification, masked LM); question
// answering fills StartLogits and EndLogits per token; a pre-training
// checkpoint's sentence-order head gives SOPLogits, two per sequence (the
// segments in order, swapped).
type Output struct {
	Offsets     []int
	Hidden      []float32
	Pooled      []float32
	Logits      []float32
	LogitsWidth int
	StartLogits []float32
	EndLogits   []float32
	SOPLogits   []float32
}

// Run computes the encoder and the head for a batch of sequences. Every
// Linear runs on the batch's tokens end to end, with no padding; an int8
// model takes a big batch in chunks of whole sequences (see
// int8ChunkTokens), which changes no output.
func (mod *Model) Run(seqs []Sequence) (*Output, error) {
	return mod.RunWith(seqs, RunOptions{})
}

// RunOptions say how RunWith runs a forward pass and what it computes.
type RunOptions struct {
	// SingleThreaded runs the pass on the calling goroutine alone, leaving
	// the model's other threads free: for a caller that runs several passes
	// side by side, one a thread (the server). The outputs are Run's.
	SingleThreaded bool
	// HiddenOnly stops after the encoder: the Output has Offsets and Hidden
	// (Run's, bit for bit) and nothing from the pooler or the head, which
	// a caller that pools the hidden states itself (mean-pooled embeddings)
	// would pay for unused: a GEMM a sequence, a masked LM's a GEMM over
	// its whole vocabulary a token.
	HiddenOnly bool
}

// RunWith is Run as opts say.
func (mod *Model) RunWith(seqs []Sequence, opts RunOptions) (*Output, error) {
	workers := mod.workers
	if opts.SingleThreaded {
		workers = nil
	}
	return mod.run(seqs, workers, opts.HiddenOnly, nil)
}

// Threads reports how many threads Run splits a forward pass over.
func (mod *Model) Threads() int { return mod.workers.Threads() }

// batchTexts is how many texts run in one forward pass: enough to fill the
// GEMMs, few enough to keep the activations small.
const batchTexts = 16

// Label is one class with its probability.
type Label struct {
	ID    int     `json:"id"`
	Label string  `json:"label"`
	Prob  float32 `json:"probability"`
}

// Classification is one text's labels, most probable first.
type Classification struct {
	Labels    []Label `json:"labels"`
	Truncated bool    `json:"truncated,omitempty"`
}

// Classify predicts the class of each text (a sequence classification
// model), returning the topK most probable labels (all when topK <= 0).
// When some texts cannot be run the error is a *BatchError and every other
// text still has its result in its place.
func (mod *Model) Classify(texts []string, topK int) ([]Classification, error) {
	return mod.classify(len(texts), func(i int) (*tokenizer.Encoding, error) { return mod.Encode(texts[i], "") }, topK)
}

// ClassifyPairs classifies text pairs, [CLS] a [SEP] b [SEP], as
// cross-encoders are used (a re-ranker scores a query against a passage,
// an NLI model a premise against a hypothesis); a pair whose second text is
// empty is a single text, as in Encode. Errors are as Classify's.
func (mod *Model) ClassifyPairs(pairs [][2]string, topK int) ([]Classification, error) {
	return mod.classify(len(pairs), func(i int) (*tokenizer.Encoding, error) { return mod.Encode(pairs[i][0], pairs[i][1]) }, topK)
}

func (mod *Model) classify(n int, encode func(i int) (*tokenizer.Encoding, error), topK int) ([]Classification, error) {
	if mod.Head() != SequenceClassification {
		return nil, fmt.Errorf("classify needs a sequence classification model, this one is %s", mod.cfg.Architecture())
	}
	names := mod.cfg.Labels()
	out := make([]Classification, n)
	err := mod.eachBatch(n, encode, func(i int, enc *tokenizer.Encoding, o *Output, s int) {
		probs := mod.softmaxCopy(o.Logits[s*o.LogitsWidth : (s+1)*o.LogitsWidth])
		c := &out[i]
		for _, id := range topIndices(probs, topK) {
			c.Labels = append(c.Labels, Label{ID: id, Label: names[id], Prob: probs[id]})
		}
		c.Truncated = enc.Truncated
	})
	return out, err
}

// Pooling says how Embed turns a text's token vectors into one vector.
type Pooling string

const (
	// PoolModel is the model's own sentence embedding: a
	// sentence-transformers model's pooling (and, in Embed, its
	// normalization), mean pooling for any other model.
	PoolModel       Pooling = ""
	PoolMean        Pooling = "mean"          // the average of every token's last hidden state
	PoolCLS         Pooling = "cls"           // the last hidden state of [CLS]
	PoolPooler      Pooling = "pooler"        // the pooler output, tanh(Linear(CLS))
	PoolMax         Pooling = "max"           // each dimension's largest value over the tokens
	PoolMeanSqrtLen Pooling = "mean-sqrt-len" // the sum of the token vectors over √(tokens)
	PoolLastToken   Pooling = "lasttoken"     // the last hidden state of the last token ([SEP])
)

// Embedding is one text's vector.
type Embedding struct {
	Vector    []float32 `json:"embedding"`
	Truncated bool      `json:"truncated,omitempty"`
}

// Embed returns one vector per text, pooled as asked and, with normalize,
// scaled to unit length. PoolModel gives the model's own sentence
// embedding, as SentenceTransformer.encode would for a sentence-transformers
// model (normalized if the model has a Normalize module, whatever normalize
// says). Errors are as Classify's.
func (mod *Model) Embed(texts []string, pooling Pooling, normalize bool) ([]Embedding, error) {
	if pooling == PoolModel {
		pooling = mod.SentencePooling()
		normalize = normalize || mod.cfg.Normalize
	}
	if err := mod.CheckPooling(pooling); err != nil {
		return nil, err
	}
	out := make([]Embedding, len(texts))
	encode := func(i int) (*tokenizer.Encoding, error) { return mod.Encode(texts[i], "") }
	err := mod.eachBatch(len(texts), encode, func(i int, enc *tokenizer.Encoding, o *Output, s int) {
		v := mod.PoolSequence(o, s, pooling)
		if normalize {
			Normalize(v)
		}
		out[i] = Embedding{Vector: v, Truncated: enc.Truncated}
	})
	return out, err
}

// Prediction is one candidate token for a [MASK].
type Prediction struct {
	ID    int     `json:"id"`
	Token string  `json:"token"`
	Prob  float32 `json:"probability"`
}

// MaskPredictions are the candidates for the [MASK] at token Position.
type MaskPredictions struct {
	Position   int          `json:"position"`
	Candidates []Prediction `json:"candidates"`
}

// FillMask predicts the topK most probable tokens for every [MASK] in text
// (a masked-LM model).
func (mod *Model) FillMask(text string, topK int) ([]MaskPredictions, error) {
	if mod.Head() != MaskedLM {
		return nil, fmt.Errorf("fill-mask needs a masked language model, this one is %s", mod.cfg.Architecture())
	}
	enc, err := mod.Encode(text, "")
	if err != nil {
		return nil, err
	}
	mask := mod.tok.Specials().Mask
	var positions []int
	for p, id := range enc.IDs {
		if id == mask {
			positions = append(positions, p)
		}
	}
	if len(positions) == 0 {
		return nil, fmt.Errorf("the text has no [MASK] token")
	}
	o, err := mod.Run([]Sequence{{IDs: enc.IDs, TypeIDs: enc.TypeIDs}})
	if err != nil {
		return nil, err
	}
	var out []MaskPredictions
	for _, p := range positions {
		probs := mod.softmaxCopy(o.Logits[p*o.LogitsWidth : (p+1)*o.LogitsWidth])
		mp := MaskPredictions{Position: p}
		for _, id := range topIndices(probs, topK) {
			mp.Candidates = append(mp.Candidates, Prediction{ID: id, Token: mod.tok.Decode([]int{id}), Prob: probs[id]})
		}
		out = append(out, mp)
	}
	return out, nil
}

// eachBatch encodes n inputs and runs them batchTexts at a time, end to end
// without padding, handing f each input's index, encoding, the output of
// its batch and its sequence in that output. An input that cannot be
// encoded is left out and reported in the *BatchError returned at the end;
// every other input still runs.
func (mod *Model) eachBatch(n int, encode func(i int) (*tokenizer.Encoding, error), f func(i int, enc *tokenizer.Encoding, o *Output, s int)) error {
	if mod.tok == nil {
		return ErrNoTokenizer // a failure of the call, not of each text
	}
	var failed *BatchError
	for lo := 0; lo < n; lo += batchTexts {
		var seqs []Sequence
		var index []int
		var encs []*tokenizer.Encoding
		for i := lo; i < min(lo+batchTexts, n); i++ {
			enc, err := encode(i)
			if err != nil {
				if failed == nil {
					failed = &BatchError{Errs: make([]error, n)}
				}
				failed.Errs[i] = err
				continue
			}
			seqs = append(seqs, Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs})
			index, encs = append(index, i), append(encs, enc)
		}
		if len(seqs) == 0 {
			continue
		}
		out, err := mod.Run(seqs)
		if err != nil {
			return err
		}
		for s, i := range index {
			f(i, encs[s], out, s)
		}
	}
	if failed != nil {
		return failed
	}
	return nil
}

// softmaxCopy returns softmax(x) as probabilities, leaving x alone.
func (mod *Model) softmaxCopy(x []float32) []float32 {
	p := append([]float32(nil), x...)
	mod.kern.Softmax(p, 1)
	return p
}

// topIndices returns the indices of the k largest values, largest first
// (all of them when k <= 0), ties by index.
func topIndices(x []float32, k int) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] > x[idx[b]] })
	if k > 0 && k < len(idx) {
		idx = idx[:k]
	}
	return idx
}

func meanRows(x []float32, w int) []float32 {
	out := make([]float32, w)
	rows := len(x) / w
	for r := range rows {
		addInto(out, x[r*w:(r+1)*w])
	}
	for i := range out {
		out[i] /= float32(rows)
	}
	return out
}
