package serve

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/albertq/albertq/engine"
)

// predictRequest is TEI's /predict request.
type predictRequest struct {
	Inputs              json.RawMessage `json:"inputs"`
	Truncate            *bool           `json:"truncate"`
	TruncationDirection string          `json:"truncation_direction"`
	RawScores           bool            `json:"raw_scores"`
}

// prediction is one label's score.
type prediction struct {
	Score float32 `json:"score"`
	Label string  `json:"label"`
}

// predict answers POST /predict: for each text or pair, every label with
// its score, highest first. Scores are the softmax of the logits (the
// sigmoid for a one-label model), or the logits with raw_scores. One input
// answers a list, a batch a list of lists.
func (s *Server) predict(c *call) (any, *apiError) {
	if s.mod.Head() != engine.SequenceClassification {
		return nil, newError(kindBackend, "Model is not a classifier model: /predict needs a sequence classification model, this one is %s", s.cfg.Architecture())
	}
	var req predictRequest
	if err := readBody(c.r, s.opts.PayloadLimit, &req); err != nil {
		return nil, err
	}
	inputs, batch, err := parsePredictInputs(req.Inputs)
	if err != nil {
		return nil, err
	}
	t, err := s.parseTruncation(req.Truncate, req.TruncationDirection)
	if err != nil {
		return nil, err
	}
	results, err := c.run(inputs, "inputs", t, false) // the head's logits
	if err != nil {
		return nil, err
	}
	labels := s.cfg.Labels()
	all := make([][]prediction, len(results))
	for i, r := range results {
		scores := s.scores(r, req.RawScores)
		preds := make([]prediction, len(scores))
		for j, sc := range scores {
			preds[j] = prediction{sc, labels[j]}
		}
		slices.SortStableFunc(preds, func(a, b prediction) int { return cmp.Compare(b.Score, a.Score) })
		all[i] = preds
	}
	if !batch {
		return all[0], nil
	}
	return all, nil
}

// scores are a sequence's classifier scores as TEI gives them: the
// softmax of its logits, or the sigmoid of a one-label model's logit, or the
// logits themselves with raw.
func (s *Server) scores(r result, raw bool) []float32 {
	w := r.out.LogitsWidth
	scores := slices.Clone(r.out.Logits[r.row*w : (r.row+1)*w])
	switch {
	case raw:
	case w == 1:
		scores[0] = float32(1 / (1 + math.Exp(-float64(scores[0]))))
	default:
		s.mod.Kernels().Softmax(scores, 1)
	}
	return scores
}

// rerankRequest is TEI's /rerank request.
type rerankRequest struct {
	Query               *string  `json:"query"`
	Texts               []string `json:"texts"`
	Truncate            *bool    `json:"truncate"`
	TruncationDirection string   `json:"truncation_direction"`
	RawScores           bool     `json:"raw_scores"`
	ReturnText          bool     `json:"return_text"`
}

// rank is one text's place in a /rerank answer.
type rank struct {
	Index int     `json:"index"`
	Text  *string `json:"text,omitempty"`
	Score float32 `json:"score"`
}

// rerank answers POST /rerank: the texts ordered by their relevance to the
// query, most relevant first. As in TEI, the model must be a cross-encoder:
// a sequence classifier with one label, run on each (query, text) pair;
// the score is the sigmoid of its logit (the logit with raw_scores). A
// classifier with more labels has no relevance score, so it is refused
// here and its pair scores are served by /predict.
func (s *Server) rerank(c *call) (any, *apiError) {
	if s.mod.Head() != engine.SequenceClassification || len(s.cfg.Labels()) != 1 {
		return nil, newError(kindBackend, "model is not a re-ranker model: /rerank needs a sequence classifier with one label, "+
			"a cross-encoder that scores (query, text) pairs; this one is %s%s (/predict scores pairs against each label)",
			s.cfg.Architecture(), labelList(s))
	}
	var req rerankRequest
	if err := readBody(c.r, s.opts.PayloadLimit, &req); err != nil {
		return nil, err
	}
	switch {
	case req.Query == nil:
		return nil, missing("query")
	case *req.Query == "":
		return nil, emptyError("query")
	case req.Texts == nil:
		return nil, missing("texts")
	case len(req.Texts) == 0:
		return nil, emptyError("texts")
	}
	t, err := s.parseTruncation(req.Truncate, req.TruncationDirection)
	if err != nil {
		return nil, err
	}
	inputs := make([]input, len(req.Texts))
	for i, text := range req.Texts {
		inputs[i] = input{field: fmt.Sprintf("texts[%d]", i), text: *req.Query, pair: text}
		if text == "" {
			return nil, emptyError(inputs[i].field)
		}
	}
	results, err := c.run(inputs, "texts", t, false) // the head's logits
	if err != nil {
		return nil, err
	}
	ranks := make([]rank, len(results))
	for i, r := range results {
		ranks[i] = rank{Index: i, Score: s.scores(r, req.RawScores)[0]}
		if req.ReturnText {
			ranks[i].Text = &req.Texts[i]
		}
	}
	slices.SortStableFunc(ranks, func(a, b rank) int { return cmp.Compare(b.Score, a.Score) })
	return ranks, nil
}

// labelList is ", with N labels (a, b, ...)" for a classifier, else "".
func labelList(s *Server) string {
	if s.mod.Head() != engine.SequenceClassification {
		return ""
	}
	labels := s.cfg.Labels()
	return ", with " + strconv.Itoa(len(labels)) + " labels (" + strings.Join(labels, ", ") + ")"
}
