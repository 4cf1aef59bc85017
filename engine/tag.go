package engine

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/albertq/albertq/tokenizer"
)

// Aggregation says how Tag turns per-token labels into entities; the names
// and rules are transformers' token-classification pipeline's.
type Aggregation string

const (
	// AggregateNone gives every token (but [CLS] and [SEP]) with its label.
	AggregateNone Aggregation = "none"
	// AggregateSimple groups consecutive tokens of one entity type: a token
	// labelled B-X (or S-X) starts a new entity, I-X (or E-X) continues an
	// X entity; the score is the mean of the tokens' scores.
	AggregateSimple Aggregation = "simple"
	// AggregateFirst labels each word with its first token's label, then
	// groups words as simple does.
	AggregateFirst Aggregation = "first"
	// AggregateAverage labels each word with the label of its tokens'
	// average probabilities, then groups words as simple does.
	AggregateAverage Aggregation = "average"
	// AggregateMax labels each word with its most confident token's label,
	// then groups words as simple does.
	AggregateMax Aggregation = "max"
)

// TagOptions tune Tag.
type TagOptions struct {
	// Aggregation is how tokens become entities (default: none).
	Aggregation Aggregation
	// IgnoreLabels are left out of the entities, compared with an entity's
	// label with its B-/I- prefix (none) or without it (the others). nil
	// leaves out "O", as the pipeline does; an empty slice keeps all.
	IgnoreLabels []string
}

// Entity is a token (AggregateNone) or a group of tokens with one label,
// where it is in the text and how sure the model is. Start and End are
// byte offsets: Word is text[Start:End] (tokenizer.CharSpans gives
// characters).
type Entity struct {
	// Label is the token's label (B-PER) with AggregateNone, else the
	// entity type, its prefix removed (PER), as the pipeline's entity_group.
	Label string  `json:"entity"`
	Score float32 `json:"score"`
	Word  string  `json:"word"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	// Index and Token are the token's position in the model input and its
	// vocabulary piece (AggregateNone only).
	Index int    `json:"index,omitempty"`
	Token string `json:"token,omitempty"`
}

// Tagging is one text's entities.
type Tagging struct {
	Entities  []Entity `json:"entities"`
	Truncated bool     `json:"truncated,omitempty"`
}

// Tag labels the tokens of each text with a token-classification model and
// groups them into entities as opts asks, as transformers'
// token-classification pipeline does, with each entity's span in the text.
// Errors are as Classify's.
func (mod *Model) Tag(texts []string, opts TagOptions) ([]Tagging, error) {
	if mod.Head() != TokenClassification {
		return nil, fmt.Errorf("tag needs a token classification model, this one is %s", mod.cfg.Architecture())
	}
	switch opts.Aggregation {
	case "":
		opts.Aggregation = AggregateNone
	case AggregateNone, AggregateSimple, AggregateFirst, AggregateAverage, AggregateMax:
	default:
		return nil, fmt.Errorf("unknown aggregation %q (want none, simple, first, average or max)", opts.Aggregation)
	}
	if opts.IgnoreLabels == nil {
		opts.IgnoreLabels = []string{"O"}
	}
	labels := mod.cfg.Labels()
	out := make([]Tagging, len(texts))
	encode := func(i int) (*tokenizer.Encoding, error) { return mod.Encode(texts[i], "") }
	err := mod.eachBatch(len(texts), encode, func(i int, enc *tokenizer.Encoding, o *Output, s int) {
		w := o.LogitsWidth
		logits := o.Logits[o.Offsets[s]*w : o.Offsets[s+1]*w]
		var tokens []taggedToken
		for p := 1; p < len(enc.IDs)-1; p++ { // not [CLS] and [SEP]
			sp := enc.Offsets[p]
			tokens = append(tokens, taggedToken{
				index: p, token: enc.Tokens[p], span: sp,
				probs:   mod.softmaxCopy(logits[p*w : (p+1)*w]),
				subword: p > 1 && continuesWord(texts[i], sp.Start),
				blank:   strings.TrimSpace(texts[i][sp.Start:sp.End]) == "",
			})
		}
		var entities []Entity
		for _, e := range aggregate(tokens, opts.Aggregation, labels) {
			if !slices.Contains(opts.IgnoreLabels, e.Label) {
				e.Word = texts[i][e.Start:e.End]
				entities = append(entities, e)
			}
		}
		out[i] = Tagging{Entities: entities, Truncated: enc.Truncated}
	})
	return out, err
}

// taggedToken is one token of a text with its label probabilities.
type taggedToken struct {
	index   int
	token   string
	span    tokenizer.Span
	probs   []float32
	subword bool // it continues the word of the token before it
	blank   bool // it stands for white space or nothing (SentencePiece's lone ▁)
}

// continuesWord tells whether a token starting at byte b continues a word:
// it neither starts with nor follows white space. (The pipeline's own
// heuristic for tokenizers without word boundaries.)
func continuesWord(text string, b int) bool {
	if b <= 0 || b >= len(text) {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(text[:b])
	at, _ := utf8.DecodeRuneInString(text[b:])
	return !unicode.IsSpace(before) && !unicode.IsSpace(at)
}

// aggregate turns tokens into entities: each token with its most probable
// label (none), grouped (simple), or words first, then grouped; words leave
// out blank tokens, which hold no part of a word.
func aggregate(tokens []taggedToken, how Aggregation, labels []string) []Entity {
	var entities []Entity
	switch how {
	case AggregateNone, AggregateSimple:
		for _, t := range tokens {
			id := argmax(t.probs)
			entities = append(entities, Entity{Label: labels[id], Score: t.probs[id], Start: t.span.Start, End: t.span.End, Index: t.index, Token: t.token})
		}
	default:
		tokens = slices.DeleteFunc(slices.Clone(tokens), func(t taggedToken) bool { return t.blank })
		for lo := 0; lo < len(tokens); {
			hi := lo + 1
			for hi < len(tokens) && tokens[hi].subword {
				hi++
			}
			entities = append(entities, aggregateWord(tokens[lo:hi], how, labels))
			lo = hi
		}
	}
	if how == AggregateNone {
		return entities
	}
	return groupEntities(entities)
}

// aggregateWord labels a word's tokens as one: with its first token's
// label, its tokens' average probabilities, or its most confident token's
// label.
func aggregateWord(tokens []taggedToken, how Aggregation, labels []string) Entity {
	probs := tokens[0].probs
	switch how {
	case AggregateMax:
		for _, t := range tokens[1:] {
			if t.probs[argmax(t.probs)] > probs[argmax(probs)] {
				probs = t.probs
			}
		}
	case AggregateAverage:
		avg := make([]float32, len(probs))
		for j := range avg {
			var sum float64
			for _, t := range tokens {
				sum += float64(t.probs[j])
			}
			avg[j] = float32(sum / float64(len(tokens)))
		}
		probs = avg
	}
	id := argmax(probs)
	return Entity{Label: labels[id], Score: probs[id], Start: tokens[0].span.Start, End: tokens[len(tokens)-1].span.End}
}

// groupEntities joins consecutive entities of one type, as the pipeline's
// group_entities does, reading BIOES prefixes too: B-X and S-X start an
// entity, I-X and E-X continue one of type X unless it has ended (E-, S-),
// a label without a prefix continues one of its own name. The group's
// score is the mean of its members'.
func groupEntities(entities []Entity) []Entity {
	var groups []Entity
	var members []Entity
	flush := func() {
		if len(members) == 0 {
			return
		}
		var sum float64
		for _, m := range members {
			sum += float64(m.Score)
		}
		_, typ := splitTag(members[0].Label)
		groups = append(groups, Entity{Label: typ, Score: float32(sum / float64(len(members))), Start: members[0].Start, End: members[len(members)-1].End})
		members = members[:0]
	}
	for _, e := range entities {
		if len(members) > 0 {
			prefix, typ := splitTag(e.Label)
			lastPrefix, lastTyp := splitTag(members[len(members)-1].Label)
			if typ != lastTyp || prefix == "B" || prefix == "S" || lastPrefix == "E" || lastPrefix == "S" {
				flush()
			}
		}
		members = append(members, e)
	}
	flush()
	return groups
}

// splitTag splits a label into its IOB/BIOES prefix and its type; a label
// without a prefix reads as I- (it continues an entity of its own name).
func splitTag(label string) (prefix, typ string) {
	for _, p := range []string{"B", "I", "E", "S"} {
		if t, ok := strings.CutPrefix(label, p+"-"); ok {
			return p, t
		}
	}
	return "I", label
}

// argmax returns the index of the largest value, the first of ties.
func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}
