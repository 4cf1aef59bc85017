package engine

import (
	"fmt"

	"github.com/albertq/albertq/modelfile"
)

// HeadKind names the task head on top of the encoder.
type HeadKind string

const (
	NoHead                 HeadKind = ""
	SequenceClassification HeadKind = "sequence-classification"
	TokenClassification    HeadKind = "token-classification"
	QuestionAnswering      HeadKind = "question-answering"
	MaskedLM               HeadKind = "masked-lm"
)

// head turns the encoder's outputs into task logits.
type head interface {
	kind() HeadKind
	// apply writes the logits for the batch into out.
	apply(r *runner, b *batch, out *Output)
}

// loadHead builds the head the config's architecture names, its weights
// called by the family's names n; act is the config's hidden_act (the
// masked LM's).
func loadHead(w *weights, c *modelfile.Config, n headNames, act activation) (head, error) {
	h := c.HiddenSize
	switch task := task(c); task {
	case "Model":
		return nil, nil
	case "ForSequenceClassification", "ForMultipleChoice":
		if n.preClassifier != "" {
			return loadPreClassified(w, c, n.preClassifier)
		}
		l, err := w.loadLinear("classifier", h, classes(c, task))
		return &classifierHead{l, false}, err
	case "ForTokenClassification":
		l, err := w.loadLinear("classifier", h, classes(c, task))
		return &classifierHead{l, true}, err
	case "ForQuestionAnswering":
		l, err := w.loadLinear("qa_outputs", h, 2)
		return &spanHead{l}, err
	case "ForMaskedLM", "ForPreTraining":
		return loadMaskedLM(w, c, n, act)
	default:
		return nil, fmt.Errorf("unsupported architecture %q", c.Architecture())
	}
}

func classes(c *modelfile.Config, task string) int {
	if task == "ForMultipleChoice" {
		return 1
	}
	return len(c.Labels())
}

// classifierHead is a Linear on the pooled output (sequence classification)
// or on every token (token classification).
type classifierHead struct {
	out      *linear
	perToken bool
}

func (h *classifierHead) kind() HeadKind {
	if h.perToken {
		return TokenClassification
	}
	return SequenceClassification
}

func (h *classifierHead) apply(r *runner, b *batch, out *Output) {
	in, rows := out.Pooled, len(b.seqs)
	if h.perToken {
		in, rows = out.Hidden, b.tokens
	}
	out.Logits = make([]float32, rows*h.out.out)
	out.LogitsWidth = h.out.out
	h.out.apply(r, out.Logits, in, rows, 0)
}

// spanHead gives start and end logits per token (question answering).
type spanHead struct{ out *linear }

func (h *spanHead) kind() HeadKind { return QuestionAnswering }

func (h *spanHead) apply(r *runner, b *batch, out *Output) {
	both := make([]float32, b.tokens*2)
	h.out.apply(r, both, out.Hidden, b.tokens, 0)
	out.StartLogits = make([]float32, b.tokens)
	out.EndLogits = make([]float32, b.tokens)
	for t := range b.tokens {
		out.StartLogits[t], out.EndLogits[t] = both[2*t], both[2*t+1]
	}
}

// maskedLMHead predicts every token over the vocabulary: dense → activation
// → LayerNorm → decoder (tied to the word embeddings unless stored). A
// pre-training checkpoint adds the sentence-order head, a Linear on the
// pooled output giving two logits: in order, swapped.
type maskedLMHead struct {
	dense, decoder *linear
	norm           norm
	eps            float32 // the LayerNorm's epsilon
	activation     activation
	sentenceOrder  *linear // nil when the checkpoint has none
}

// loadMaskedLM loads the masked LM, E wide (the embedding size): ALBERT's
// and BERT's, whose decoder is tied to the word embeddings, or H wide
// (MobileBERT's, whose decoder convert joins from the word embeddings and
// a dense of the other H−E columns, and whose LayerNorm alone uses the
// config's epsilon).
func loadMaskedLM(w *weights, c *modelfile.Config, n headNames, act activation) (head, error) {
	e, h, v := c.EmbeddingSize, c.HiddenSize, c.VocabSize
	eps := c.LayerNormEps
	if m := c.MobileBERT; m != nil {
		e, eps = h, m.LayerNormEps
	}
	dense, err := w.loadLinear(n.mlmDense, h, e)
	if err != nil {
		return nil, err
	}
	hd := &maskedLMHead{dense: dense, activation: act, eps: float32(eps)}
	if hd.norm, err = w.norm(n.mlmNorm, e, false); err != nil {
		return nil, err
	}
	decoderName := n.mlmDecoder + ".weight"
	if !w.has(decoderName) {
		decoderName = "embeddings.word_embeddings.weight" // tied
	}
	t, err := w.tensor(decoderName, v, e)
	if err != nil {
		return nil, err
	}
	hd.decoder = packLinear(w.kern, t, e, v)
	hd.decoder.names = []string{n.mlmDecoder}
	hd.decoder.static = w.staticScales[hd.decoder.names[0]]
	if hd.decoder.bias, err = w.vector(n.mlmBias, v); err != nil {
		return nil, err
	}
	if w.has("sop_classifier.classifier.weight") && w.has("pooler.weight") {
		hd.sentenceOrder, err = w.loadLinear("sop_classifier.classifier", h, 2)
	}
	return hd, err
}

func (h *maskedLMHead) kind() HeadKind { return MaskedLM }

func (h *maskedLMHead) apply(r *runner, b *batch, out *Output) {
	e := h.dense.out
	x := make([]float32, b.tokens*e)
	h.dense.apply(r, x, out.Hidden, b.tokens, 0)
	r.activate(x, e, h.activation)
	r.eachRow(x, e, func(_ int, row []float32) { r.kern.LayerNorm(row, nil, h.norm.gamma, h.norm.beta, h.eps) })
	out.Logits = make([]float32, b.tokens*h.decoder.out)
	out.LogitsWidth = h.decoder.out
	h.decoder.apply(r, out.Logits, x, b.tokens, 0)
	if h.sentenceOrder != nil {
		out.SOPLogits = make([]float32, len(b.seqs)*2)
		h.sentenceOrder.apply(r, out.SOPLogits, out.Pooled, len(b.seqs), 0)
	}
}

// Head reports the model's task head (NoHead for a bare encoder).
func (mod *Model) Head() HeadKind {
	if mod.head == nil {
		return NoHead
	}
	return mod.head.kind()
}
