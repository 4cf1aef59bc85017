package engine

import "github.com/albertq/albertq/modelfile"

// preClassifiedHead is DistilBERT's sequence classifier:
// classifier(ReLU(pre_classifier(hidden state of the first token))).
type preClassifiedHead struct {
	pre, classifier *linear
}

func loadPreClassified(w *weights, c *modelfile.Config, pre string) (head, error) {
	h := c.HiddenSize
	p, err := w.loadLinear(pre, h, h)
	if err != nil {
		return nil, err
	}
	l, err := w.loadLinear("classifier", h, len(c.Labels()))
	return &preClassifiedHead{p, l}, err
}

func (h *preClassifiedHead) kind() HeadKind { return SequenceClassification }

func (h *preClassifiedHead) apply(r *runner, b *batch, out *Output) {
	rows, w := len(b.seqs), h.pre.in
	x := make([]float32, rows*w)
	h.pre.apply(r, x, firstTokens(b, out.Hidden, w), rows, 0)
	relu(x)
	out.Logits = make([]float32, rows*h.classifier.out)
	out.LogitsWidth = h.classifier.out
	h.classifier.apply(r, out.Logits, x, rows, 0)
}
