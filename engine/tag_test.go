package engine

import (
	"math"
	"slices"
	"testing"

	"github.com/albertq/albertq/tokenizer"
)

// taggerFixture is testdata/albert-tiny-tagger/expected.json: transformers'
// token-classification pipeline on AlbertForTokenClassification.
type taggerFixture struct {
	Cases []struct {
		Name     string     `json:"name"`
		Text     string     `json:"text"`
		Texts    []string   `json:"texts"`
		InputIDs [][]int    `json:"input_ids"`
		Tokens   [][]string `json:"tokens"`
		Outputs  struct {
			Logits tensorJSON `json:"logits"`
		} `json:"outputs"`
		Pipeline []struct {
			Call struct {
				Aggregation  Aggregation `json:"aggregation_strategy"`
				IgnoreLabels []string    `json:"ignore_labels"`
			} `json:"call"`
			Entities []struct {
				Entity      string  `json:"entity"`
				EntityGroup string  `json:"entity_group"`
				Score       float64 `json:"score"`
				Index       int     `json:"index"`
				Word        string  `json:"word"`
			} `json:"entities"`
		} `json:"pipeline"`
	} `json:"cases"`
}

const taggerDir = "../testdata/albert-tiny-tagger"

// Tag gives the pipeline's entities for aggregation none and simple, with
// the default ignore_labels ["O"] and with none ignored: the same labels
// and tokens (none), scores within 1e-4, and each entity's span in the
// text (which the pipeline's slow path lacks): for none the token's own
// span, for simple from its first token's start to its last token's end.
// The per-token logits are transformers' within 1e-4, texts alone and the
// padded batch.
func TestTagLikeThePipeline(t *testing.T) {
	var f taggerFixture
	readExpected(t, taggerDir, &f)
	mod := openCheckpoint(t, taggerDir, Options{Threads: 2})
	for _, c := range f.Cases {
		texts := c.Texts
		if texts == nil {
			texts = []string{c.Text}
		}
		var seqs []Sequence
		width := c.Outputs.Logits.Shape[1]
		for i, text := range texts {
			enc, err := mod.Encode(text, "")
			if err != nil {
				t.Fatal(err)
			}
			if n := len(enc.IDs); !slices.Equal(enc.IDs, c.InputIDs[i][:n]) || slices.ContainsFunc(c.InputIDs[i][n:], func(id int) bool { return id != 0 }) {
				t.Fatalf("%s: ids %v, transformers %v", c.Name, enc.IDs, c.InputIDs[i])
			}
			seqs = append(seqs, Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs})
		}
		out, err := mod.Run(seqs)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for s := range seqs {
			for p := range out.Offsets[s+1] - out.Offsets[s] {
				for j := range out.LogitsWidth {
					want := c.Outputs.Logits.Data[(s*width+p)*out.LogitsWidth+j]
					worst = math.Max(worst, math.Abs(float64(out.Logits[(out.Offsets[s]+p)*out.LogitsWidth+j])-want))
				}
			}
		}
		if worst > 1e-4 {
			t.Errorf("%s: logits differ from transformers by %g", c.Name, worst)
		}
		t.Logf("%s: logits max abs error %.2g", c.Name, worst)

		for _, p := range c.Pipeline {
			opts := TagOptions{Aggregation: p.Call.Aggregation, IgnoreLabels: p.Call.IgnoreLabels}
			got, err := mod.Tag([]string{c.Text}, opts)
			if err != nil {
				t.Fatal(err)
			}
			enc, _ := mod.Encode(c.Text, "")
			entities := got[0].Entities
			if len(entities) != len(p.Entities) {
				t.Errorf("%s %+v: %d entities, the pipeline %d", c.Name, p.Call, len(entities), len(p.Entities))
				continue
			}
			for k, want := range p.Entities {
				g := entities[k]
				label := want.Entity + want.EntityGroup
				ok := g.Label == label && math.Abs(float64(g.Score)-want.Score) <= 1e-4 && g.Word == c.Text[g.Start:g.End]
				if opts.Aggregation == AggregateNone {
					sp := enc.Offsets[g.Index]
					ok = ok && g.Index == want.Index && g.Token == want.Word && g.Start == sp.Start && g.End == sp.End
				}
				if !ok {
					t.Errorf("%s %+v: entity %d is %+v, the pipeline's %+v", c.Name, p.Call, k, g, want)
				}
			}
		}
	}
}

// Words and BIOES: first, average and max label each word from its tokens
// (words end at white space; a blank token belongs to none), simple groups
// tokens, blank ones too, as the pipeline does; groups read S- and E- as
// single and end.
func TestTagAggregations(t *testing.T) {
	labels := []string{"O", "B-PER", "I-PER"}
	tok := func(start, end int, subword bool, probs ...float32) taggedToken {
		return taggedToken{span: tokenizer.Span{Start: start, End: end}, subword: subword, probs: probs}
	}
	// "Ann Lee": Ann = A + nn, a blank token (SentencePiece's lone ▁), Lee.
	tokens := []taggedToken{
		tok(0, 1, false, 0.2, 0.7, 0.1),
		tok(1, 3, true, 0.1, 0.1, 0.8),
		{span: tokenizer.Span{Start: 3, End: 4}, blank: true, probs: []float32{0.1, 0.1, 0.8}},
		tok(4, 7, false, 0.5, 0.1, 0.4),
	}
	for _, c := range []struct {
		how  Aggregation
		want []Entity
	}{
		{AggregateFirst, []Entity{{Label: "PER", Score: 0.7, Start: 0, End: 3}, {Label: "O", Score: 0.5, Start: 4, End: 7}}},
		{AggregateMax, []Entity{{Label: "PER", Score: 0.8, Start: 0, End: 3}, {Label: "O", Score: 0.5, Start: 4, End: 7}}},
		{AggregateAverage, []Entity{{Label: "PER", Score: 0.45, Start: 0, End: 3}, {Label: "O", Score: 0.5, Start: 4, End: 7}}},
		{AggregateSimple, []Entity{{Label: "PER", Score: (0.7 + 0.8 + 0.8) / 3, Start: 0, End: 4}, {Label: "O", Score: 0.5, Start: 4, End: 7}}},
	} {
		got := aggregate(tokens, c.how, labels)
		if len(got) != len(c.want) {
			t.Fatalf("%s: %+v", c.how, got)
		}
		for i := range got {
			w, g := c.want[i], got[i]
			if g.Label != w.Label || math.Abs(float64(g.Score-w.Score)) > 1e-6 || g.Start != w.Start || g.End != w.End {
				t.Errorf("%s: entity %d is %+v, want %+v", c.how, i, g, w)
			}
		}
	}
	var bioes []Entity
	for i, l := range []string{"S-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "I-LOC", "O", "O"} {
		bioes = append(bioes, Entity{Label: l, Score: 1, Start: i, End: i + 1})
	}
	var got []string
	for _, g := range groupEntities(bioes) {
		got = append(got, g.Label+"@"+string(rune('0'+g.Start))+string(rune('0'+g.End)))
	}
	if want := []string{"PER@01", "PER@12", "LOC@25", "LOC@56", "O@68"}; !slices.Equal(got, want) {
		t.Errorf("BIOES groups %v, want %v", got, want)
	}
}

// With first, average and max every entity of the fixture's texts is whole
// words: it starts and ends at the edges of runs of non-space characters.
func TestTagWordsAreWhole(t *testing.T) {
	mod := openCheckpoint(t, taggerDir, Options{Threads: 1})
	texts := []string{"My name is Wolfgang and I live in Berlin.", "José Nuñez flew from Málaga to Zürich with Zoë.", "Anna\x00Berg met Bob in Oslo \x00 yesterday."}
	for _, how := range []Aggregation{AggregateFirst, AggregateAverage, AggregateMax} {
		got, err := mod.Tag(texts, TagOptions{Aggregation: how, IgnoreLabels: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		for i, text := range texts {
			words := contextWords(text)
			edge := func(b int, start bool) bool {
				return slices.ContainsFunc(words, func(w word) bool { return start && w.start == b || !start && w.end == b })
			}
			for _, e := range got[i].Entities {
				if !edge(e.Start, true) || !edge(e.End, false) || e.Word != text[e.Start:e.End] {
					t.Errorf("%s: %q: entity %+v is not whole words", how, text, e)
				}
			}
			if len(got[i].Entities) == 0 {
				t.Errorf("%s: %q: no entities", how, text)
			}
		}
	}
}
