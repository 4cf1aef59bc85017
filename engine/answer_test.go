package engine

import (
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
	"github.com/albertq/albertq/tokenizer"
)

// qaFixture is testdata/albert-tiny-qa/expected.json: transformers'
// question-answering pipeline on AlbertForQuestionAnswering.
type qaFixture struct {
	PipelineCall struct {
		MaxSeqLen      int `json:"max_seq_len"`
		DocStride      int `json:"doc_stride"`
		MaxQuestionLen int `json:"max_question_len"`
		MaxAnswerLen   int `json:"max_answer_len"`
	} `json:"pipeline_call"`
	Cases []struct {
		Name          string  `json:"name"`
		Question      string  `json:"question"`
		Context       string  `json:"context"`
		InputIDs      [][]int `json:"input_ids"`
		TokenTypeIDs  [][]int `json:"token_type_ids"`
		AttentionMask [][]int `json:"attention_mask"`
		Windows       []struct {
			Top3 struct {
				Starts []int     `json:"starts"`
				Ends   []int     `json:"ends"`
				Scores []float64 `json:"scores"`
			} `json:"select_starts_ends_top3"`
			NullScore float64 `json:"null_score"`
		} `json:"windows"`
		Outputs struct {
			StartLogits tensorJSON `json:"start_logits"`
			EndLogits   tensorJSON `json:"end_logits"`
		} `json:"outputs"`
		Pipeline []struct {
			TopK             int  `json:"top_k"`
			HandleImpossible bool `json:"handle_impossible_answer"`
			Answers          []struct {
				Answer string  `json:"answer"`
				Start  int     `json:"start"`
				End    int     `json:"end"`
				Score  float64 `json:"score"`
			} `json:"answers"`
		} `json:"pipeline"`
	} `json:"cases"`
}

const qaDir = "../testdata/albert-tiny-qa"

func readQAFixture(t *testing.T) *qaFixture {
	var f qaFixture
	readExpected(t, qaDir, &f)
	return &f
}

// fixtureOptions are the pipeline's call as the fixture records it.
func (f *qaFixture) options(topK int, impossible bool) AnswerOptions {
	c := f.PipelineCall
	return AnswerOptions{TopK: topK, HandleImpossible: impossible, MaxSeqLen: c.MaxSeqLen, DocStride: c.DocStride, MaxQuestionLen: c.MaxQuestionLen, MaxAnswerLen: c.MaxAnswerLen}
}

// Every window of every case is the pipeline's, id for id; its start and
// end logits are transformers' within 1e-4; its best three spans are
// select_starts_ends' (token spans, scores within 1e-4), and so is its
// null score.
func TestAnswerWindowsAndSpans(t *testing.T) {
	f := readQAFixture(t)
	mod := openCheckpoint(t, qaDir, Options{Threads: 2})
	opts := f.options(3, true).withDefaults(mod.cfg.MaxPositionEmbeddings)
	for _, c := range f.Cases {
		windows, err := mod.answerWindows(c.Question, c.Context, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(windows) != len(c.InputIDs) {
			t.Fatalf("%s: %d windows, the pipeline made %d", c.Name, len(windows), len(c.InputIDs))
		}
		seqs := make([]Sequence, len(windows))
		for w, win := range windows {
			n := len(win.IDs)
			if !slices.Equal(win.IDs, c.InputIDs[w][:n]) || !slices.Equal(win.TypeIDs, c.TokenTypeIDs[w][:n]) || slices.Contains(c.AttentionMask[w][:n], 0) || slices.Contains(c.AttentionMask[w][n:], 1) {
				t.Fatalf("%s: window %d: ids %v, the pipeline's %v", c.Name, w, win.IDs, c.InputIDs[w])
			}
			seqs[w] = Sequence{IDs: win.IDs, TypeIDs: win.TypeIDs}
		}
		out, err := mod.Run(seqs)
		if err != nil {
			t.Fatal(err)
		}
		width := c.Outputs.StartLogits.Shape[1]
		worst := 0.0
		for w, win := range windows {
			start, end := out.StartLogits[out.Offsets[w]:out.Offsets[w+1]], out.EndLogits[out.Offsets[w]:out.Offsets[w+1]]
			for p := range start {
				worst = math.Max(worst, math.Abs(float64(start[p])-c.Outputs.StartLogits.Data[w*width+p]))
				worst = math.Max(worst, math.Abs(float64(end[p])-c.Outputs.EndLogits.Data[w*width+p]))
			}
			spans, null := win.spans(start, end, opts.MaxAnswerLen)
			sort.SliceStable(spans, func(a, b int) bool { return spans[a].score > spans[b].score })
			want := c.Windows[w]
			if math.Abs(float64(null)-want.NullScore) > 1e-4 {
				t.Errorf("%s: window %d: null score %v, the pipeline's %v", c.Name, w, null, want.NullScore)
			}
			for k := range want.Top3.Starts {
				if k >= len(spans) || spans[k].startToken != want.Top3.Starts[k] || spans[k].endToken != want.Top3.Ends[k] || math.Abs(float64(spans[k].score)-want.Top3.Scores[k]) > 1e-4 {
					t.Errorf("%s: window %d: span %d is %+v, the pipeline's [%d, %d] %v", c.Name, w, k, spans[min(k, len(spans)-1)], want.Top3.Starts[k], want.Top3.Ends[k], want.Top3.Scores[k])
				}
			}
		}
		if worst > 1e-4 {
			t.Errorf("%s: start/end logits differ from transformers by %g", c.Name, worst)
		}
		t.Logf("%s: %d windows, logits max abs error %.2g", c.Name, len(windows), worst)
	}
}

// Answer gives the pipeline's answers for top_k 1 and 3, with and without
// impossible answers: the same words, starting at the same character, with
// scores within 1e-4. The pipeline may list one span twice (found in two
// windows, or from two tokens of one word); Answer lists it once, so the
// pipeline's list without its repeats is what Answer's begins with.
// Character offsets follow the fast tokenizers: the end is exclusive.
func TestAnswerLikeThePipeline(t *testing.T) {
	f := readQAFixture(t)
	mod := openCheckpoint(t, qaDir, Options{Threads: 2})
	for _, c := range f.Cases {
		for _, p := range c.Pipeline {
			got, err := mod.Answer(c.Question, c.Context, f.options(p.TopK, p.HandleImpossible))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != p.TopK {
				t.Errorf("%s top %d: %d answers", c.Name, p.TopK, len(got))
			}
			var want []int // the pipeline's answers without repeats
			for i, a := range p.Answers {
				if !slices.ContainsFunc(want, func(j int) bool { return p.Answers[j].Start == a.Start && p.Answers[j].Answer == a.Answer }) {
					want = append(want, i)
				}
			}
			for k, i := range want {
				w := p.Answers[i]
				if k >= len(got) {
					t.Errorf("%s top %d impossible %v: no answer %d, the pipeline's %+v", c.Name, p.TopK, p.HandleImpossible, k, w)
					continue
				}
				g := got[k]
				chars := tokenizer.CharSpans(c.Context, []tokenizer.Span{{Start: g.Start, End: g.End}})[0]
				if g.Text != c.Context[g.Start:g.End] || !slices.Equal(strings.Fields(g.Text), strings.Fields(w.Answer)) ||
					chars.Start != w.Start || chars.End-chars.Start != len([]rune(g.Text)) || math.Abs(float64(g.Score)-w.Score) > 1e-4 ||
					(w.Answer == "" && (g.Start != 0 || g.End != 0)) {
					t.Errorf("%s top %d impossible %v: answer %d is %q [%d, %d) %v, the pipeline's %q [%d, %d] %v",
						c.Name, p.TopK, p.HandleImpossible, k, g.Text, chars.Start, chars.End, g.Score, w.Answer, w.Start, w.End, w.Score)
				}
			}
		}
	}
}

// Answer runs on fp16 and int8 .albq files too: every window's start and
// end logits track fp32 (cosine ≥ 0.9999 in fp16, ≥ 0.99 in int8, the
// bounds of TestQuantizedModelsTrackFP32), and the answers are spans of the
// context, fp16's the same as fp32's.
func TestAnswerQuantized(t *testing.T) {
	f := readQAFixture(t)
	ref := openCheckpoint(t, qaDir, Options{Threads: 1})
	for _, v := range []struct {
		dtype     modelfile.DType
		minCosine float64
	}{{modelfile.F16, 0.9999}, {modelfile.I8, 0.99}} {
		mod := quantizedModel(t, qaDir, v.dtype, false, false, nil)
		opts := f.options(3, true)
		for _, c := range f.Cases {
			windows, err := mod.answerWindows(c.Question, c.Context, opts.withDefaults(64))
			if err != nil {
				t.Fatal(err)
			}
			var seqs []Sequence
			for _, w := range windows {
				seqs = append(seqs, Sequence{IDs: w.IDs, TypeIDs: w.TypeIDs})
			}
			want, _ := ref.Run(seqs)
			got, err := mod.Run(seqs)
			if err != nil {
				t.Fatal(err)
			}
			cs, ce := quant.Cosine(want.StartLogits, got.StartLogits), quant.Cosine(want.EndLogits, got.EndLogits)
			if min(cs, ce) < v.minCosine {
				t.Errorf("%s %s: start/end logits cosine %.6f, %.6f < %g", v.dtype, c.Name, cs, ce, v.minCosine)
			}
			answers, err := mod.Answer(c.Question, c.Context, opts)
			if err != nil || len(answers) != 3 {
				t.Fatalf("%s %s: %d answers, %v", v.dtype, c.Name, len(answers), err)
			}
			for _, a := range answers {
				if a.Text != c.Context[a.Start:a.End] {
					t.Errorf("%s %s: answer %+v is not its span of the context", v.dtype, c.Name, a)
				}
			}
			fp32, _ := ref.Answer(c.Question, c.Context, opts)
			if v.dtype == modelfile.F16 && answers[0].Text != fp32[0].Text {
				t.Errorf("%s %s: answer %q, fp32 %q", v.dtype, c.Name, answers[0].Text, fp32[0].Text)
			}
			t.Logf("%s %s: cosine %.6f %.6f, answer %q (fp32 %q)", v.dtype, c.Name, cs, ce, answers[0].Text, fp32[0].Text)
		}
	}
}
