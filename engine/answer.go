package engine

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"unicode"

	"github.com/albertq/albertq/tokenizer"
)

// AnswerOptions tune Answer. Zero values take the defaults.
type AnswerOptions struct {
	// TopK is how many answers to return, best first (default 1).
	TopK int
	// MaxAnswerLen bounds an answer's length in tokens (default 30).
	MaxAnswerLen int
	// MaxSeqLen is the tokens of one window, question and special tokens
	// included (default: 384 or the model's max_position_embeddings if
	// fewer).
	MaxSeqLen int
	// DocStride is how many context tokens one window starts after the
	// previous one, as transformers' slow-tokenizer pipeline counts it
	// (default: 128 or half of MaxSeqLen if less; at most the context
	// tokens a window holds, so no token is skipped).
	DocStride int
	// MaxQuestionLen is how many of the question's tokens are kept
	// (default 64).
	MaxQuestionLen int
	// HandleImpossible also scores the null answer (the empty Answer), as
	// models trained on SQuAD 2 predict that the context does not answer
	// the question.
	HandleImpossible bool
}

// withDefaults fills in the zero fields for a model of maxPositions.
func (o AnswerOptions) withDefaults(maxPositions int) AnswerOptions {
	if o.TopK <= 0 {
		o.TopK = 1
	}
	if o.MaxAnswerLen <= 0 {
		o.MaxAnswerLen = 30
	}
	if o.MaxSeqLen <= 0 {
		o.MaxSeqLen = min(384, maxPositions)
	}
	if o.DocStride <= 0 {
		o.DocStride = min(o.MaxSeqLen/2, 128)
	}
	if o.MaxQuestionLen <= 0 {
		o.MaxQuestionLen = 64
	}
	return o
}

// Answer is a span of the context: Text is context[Start:End] (byte
// offsets; tokenizer.CharSpans gives characters). The null answer has an
// empty Text and Start = End = 0.
type Answer struct {
	Text  string  `json:"answer"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	Score float32 `json:"score"`
}

// Answer finds the answers to a question in a context with an extractive
// question-answering model, as transformers' question-answering pipeline
// does: a context longer than a window is split into overlapping windows
// [CLS] question [SEP] part of the context [SEP], each window's start and
// end logits become probabilities (a softmax over its context tokens and
// [CLS]), and a span of context tokens (end ≥ start, at most MaxAnswerLen
// tokens) scores p(start)·p(end). Spans are widened to whole words (runs of
// non-space characters, as the pipeline aligns them) and the best TopK
// distinct ones over all windows are returned, best first; with
// HandleImpossible the null answer, scored by the smallest
// p(start=[CLS])·p(end=[CLS]) of any window, competes with them.
func (mod *Model) Answer(question, context string, opts AnswerOptions) ([]Answer, error) {
	if mod.Head() != QuestionAnswering {
		return nil, fmt.Errorf("answer needs a question-answering model, this one is %s", mod.cfg.Architecture())
	}
	opts = opts.withDefaults(mod.cfg.MaxPositionEmbeddings)
	windows, err := mod.answerWindows(question, context, opts)
	if err != nil {
		return nil, err
	}
	cands, null, err := mod.scoreWindows(windows, opts.MaxAnswerLen)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	words := contextWords(context)
	var answers []Answer
	seen := map[[2]int]bool{}
	for _, c := range cands {
		if len(answers) == opts.TopK {
			break
		}
		start, end := words[wordOf(words, c.startByte)].start, words[wordOf(words, c.endByte)].end
		if seen[[2]int{start, end}] {
			continue
		}
		seen[[2]int{start, end}] = true
		answers = append(answers, Answer{Text: context[start:end], Start: start, End: end, Score: c.score})
	}
	if opts.HandleImpossible {
		at := sort.Search(len(answers), func(i int) bool { return answers[i].Score < null })
		answers = append(answers[:at], append([]Answer{{Score: null}}, answers[at:]...)...)
		answers = answers[:min(len(answers), opts.TopK)]
	}
	return answers, nil
}

// scoreWindows runs the windows, batchTexts at a time, and returns the
// candidate spans of them all and the smallest null score.
func (mod *Model) scoreWindows(windows []answerWindow, maxLen int) ([]spanScore, float32, error) {
	var cands []spanScore
	null := float32(math.Inf(1))
	for lo := 0; lo < len(windows); lo += batchTexts {
		part := windows[lo:min(lo+batchTexts, len(windows))]
		seqs := make([]Sequence, len(part))
		for i, w := range part {
			seqs[i] = Sequence{IDs: w.IDs, TypeIDs: w.TypeIDs}
		}
		out, err := mod.Run(seqs)
		if err != nil {
			return nil, 0, err
		}
		for i, w := range part {
			from, to := out.Offsets[i], out.Offsets[i+1]
			spans, n := w.spans(out.StartLogits[from:to], out.EndLogits[from:to], maxLen)
			cands, null = append(cands, spans...), min(null, n)
		}
	}
	return cands, null, nil
}

// answerWindow is one model input of Answer: [CLS] question [SEP] context
// tokens [SEP], whose context tokens are positions from to to. special
// marks the context tokens that are special tokens ([UNK] for a character
// the vocabulary lacks, [MASK] typed in the text): as in transformers'
// pipeline (p_mask), an answer cannot start or end on one.
type answerWindow struct {
	*tokenizer.Encoding
	from, to int
	special  []bool
}

// answerWindows splits the context into windows as transformers'
// slow-tokenizer pipeline does (squad_convert_examples_to_features): window
// w holds the context tokens from w·DocStride on, as many as fit, and a new
// window starts while tokens are left over.
func (mod *Model) answerWindows(question, context string, opts AnswerOptions) ([]answerWindow, error) {
	if mod.tok == nil {
		return nil, ErrNoTokenizer
	}
	if err := tokenizer.CheckUTF8(question); err != nil {
		return nil, fmt.Errorf("question: %w", err)
	}
	if err := tokenizer.CheckUTF8(context); err != nil {
		return nil, fmt.Errorf("context: %w", err)
	}
	if opts.MaxSeqLen > mod.cfg.MaxPositionEmbeddings {
		return nil, fmt.Errorf("windows of %d tokens are longer than the model's %d (max_position_embeddings)", opts.MaxSeqLen, mod.cfg.MaxPositionEmbeddings)
	}
	q, c := mod.tok.Tokenize(question), mod.tok.Tokenize(context)
	if q.Len() > opts.MaxQuestionLen {
		q = q.Slice(0, opts.MaxQuestionLen)
	}
	room := opts.MaxSeqLen - q.Len() - 3
	switch {
	case q.Len() == 0:
		return nil, errors.New("the question is empty")
	case c.Len() == 0:
		return nil, errors.New("the context is empty")
	case room < 1:
		return nil, fmt.Errorf("a question of %d tokens leaves no room for the context in windows of %d tokens", q.Len(), opts.MaxSeqLen)
	}
	stride := min(opts.DocStride, room)
	sp := mod.tok.Specials()
	var windows []answerWindow
	for lo := 0; ; lo += stride {
		hi := min(lo+room, c.Len())
		w := answerWindow{Encoding: tokenizer.AssemblePair(mod.tok, q, c.Slice(lo, hi)), from: q.Len() + 2}
		w.to = w.from + hi - lo
		w.special = make([]bool, len(w.IDs))
		for i, id := range w.IDs {
			w.special[i] = id == sp.CLS || id == sp.SEP || id == sp.Mask || id == sp.Pad || id == sp.Unk
		}
		windows = append(windows, w)
		if hi == c.Len() {
			return windows, nil
		}
	}
}

// spanScore is a candidate answer: the byte offsets where its first token
// starts and its last token starts, and its score.
type spanScore struct {
	startByte, endByte int
	score              float32
	// The span's tokens in its window, for tests against the reference.
	startToken, endToken int
}

// spans scores a window's candidate answers as transformers'
// select_starts_ends does: start and end logits of the tokens an answer
// cannot start or end on (outside the context, special) are set to -10000,
// softmax over the window, null = p_start[CLS] · p_end[CLS]; then every
// context span of at most maxLen tokens scores p_start·p_end. Spans of
// score 0 (on a special token) are left out.
func (w answerWindow) spans(start, end []float32, maxLen int) ([]spanScore, float32) {
	ps, pe := w.probabilities(start), w.probabilities(end)
	null := ps[0] * pe[0]
	var out []spanScore
	for s := w.from; s < w.to; s++ {
		for e := s; e < min(s+maxLen, w.to); e++ {
			if score := ps[s] * pe[e]; score > 0 {
				out = append(out, spanScore{w.Offsets[s].Start, w.Offsets[e].Start, score, s, e})
			}
		}
	}
	return out, null
}

// probabilities is the softmax of a window's logits over [CLS] and the
// context tokens that are not special (every other token gets the
// pipeline's -10000, which underflows to probability 0 in float32).
func (w answerWindow) probabilities(logits []float32) []float32 {
	allowed := func(i int) bool { return i == 0 || i >= w.from && i < w.to && !w.special[i] }
	m := math.Inf(-1)
	for i, x := range logits {
		if allowed(i) {
			m = math.Max(m, float64(x))
		}
	}
	e := make([]float64, len(logits))
	var sum float64
	for i, x := range logits {
		if allowed(i) {
			e[i] = math.Exp(float64(x) - m)
			sum += e[i]
		}
	}
	p := make([]float32, len(logits))
	for i := range p {
		p[i] = float32(e[i] / sum)
	}
	return p
}

// word is a run of non-space characters of a context: bytes [start, end).
type word struct{ start, end int }

// contextWords splits a context into words at white space, as the
// pipeline aligns answers to words.
func contextWords(context string) []word {
	var words []word
	in := false
	for i, r := range context {
		switch space := unicode.IsSpace(r); {
		case !space && !in:
			words = append(words, word{start: i})
			in = true
		case space && in:
			words[len(words)-1].end = i
			in = false
		}
	}
	if in {
		words[len(words)-1].end = len(context)
	}
	if len(words) == 0 { // white space that still makes tokens: one word
		words = append(words, word{0, len(context)})
	}
	return words
}

// wordOf returns the word a token starting at byte b belongs to: the word
// that holds b, or the next one (a token of white space, SentencePiece's ▁,
// belongs to the word it comes before), or the last.
func wordOf(words []word, b int) int {
	i := sort.Search(len(words), func(i int) bool { return words[i].end > b })
	return min(i, len(words)-1)
}
