package serve

import (
	"errors"

	"github.com/albertq/albertq/engine"
	"github.com/albertq/albertq/tokenizer"
)

// truncation is what a request wants done with an input longer than the
// model takes: cut it (from the right, or from the left), or refuse it.
type truncation struct {
	cut, left bool
}

// parseTruncation reads TEI's truncate and truncation_direction fields;
// without truncate the server's --auto-truncate decides.
func (s *Server) parseTruncation(truncate *bool, direction string) (truncation, *apiError) {
	t := truncation{cut: s.opts.AutoTruncate}
	if truncate != nil {
		t.cut = *truncate
	}
	switch direction {
	case "", "right", "Right":
	case "left", "Left":
		t.left = true
	default:
		return t, validationError("truncation_direction", "`truncation_direction` must be left or right, not %q", direction)
	}
	return t, nil
}

// encode turns an input into the sequence the model runs: a text (or pair)
// tokenized, or token ids checked against the vocabulary, either cut to the
// model's max_position_embeddings or refused when longer, as t says.
func (s *Server) encode(in input, t truncation) (engine.Sequence, *apiError) {
	limit := s.cfg.MaxPositionEmbeddings
	if in.isIDs {
		return s.checkIDs(in, t, limit)
	}
	enc, err := s.encodeText(in)
	if err != nil {
		return engine.Sequence{}, err
	}
	if !enc.Truncated {
		return engine.Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}, nil
	}
	full := s.untruncated(in)
	switch {
	case !t.cut:
		return engine.Sequence{}, tooLong(in.field, len(full.IDs), limit)
	case t.left:
		return cutLeft(full.IDs, full.TypeIDs, limit), nil
	}
	return engine.Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}, nil
}

// encodeText tokenizes a text or pair as the model's Encode does, cut to
// the model's length (Encoding.Truncated says so).
func (s *Server) encodeText(in input) (*tokenizer.Encoding, *apiError) {
	if in.text == "" && in.pair == "" {
		return nil, emptyError(in.field)
	}
	enc, err := s.mod.Encode(in.text, in.pair)
	if errors.Is(err, engine.ErrNoTokenizer) {
		return nil, validationError(in.field, "%s: this model has no tokenizer (spiece.model): send token ids", in.field)
	}
	if err != nil {
		return nil, newError(kindTokenizer, "%s: %v", in.field, err)
	}
	return enc, nil
}

// untruncated tokenizes an input the model's Encode has accepted and cut,
// whole.
func (s *Server) untruncated(in input) *tokenizer.Encoding {
	tok := s.mod.Tokenizer()
	var enc *tokenizer.Encoding
	if in.pair != "" {
		enc, _ = tokenizer.EncodePair(tok, in.text, in.pair, 0) // 0: no limit, which cannot fail
	} else {
		enc, _ = tokenizer.Encode(tok, in.text, 0)
	}
	return enc
}

// checkIDs takes token ids as the model's whole input, special tokens
// included (what /tokenize returns), as TEI does.
func (s *Server) checkIDs(in input, t truncation, limit int) (engine.Sequence, *apiError) {
	ids := in.ids
	if len(ids) == 0 {
		return engine.Sequence{}, emptyError(in.field)
	}
	vocab := s.cfg.VocabSize
	for p, id := range ids {
		if id < 0 || id >= vocab {
			return engine.Sequence{}, validationError(in.field, "%s: token id %d at position %d is outside the vocabulary (0 to %d)", in.field, id, p, vocab-1)
		}
	}
	switch {
	case len(ids) <= limit:
	case !t.cut:
		return engine.Sequence{}, tooLong(in.field, len(ids), limit)
	case t.left:
		ids = ids[len(ids)-limit:]
	default:
		ids = ids[:limit]
	}
	return engine.Sequence{IDs: ids}, nil
}

func tooLong(field string, n, limit int) *apiError {
	return validationError(field, "%s has %d tokens, more than the model's maximum of %d (max_position_embeddings): shorten it, or ask for truncation (\"truncate\": true, or the server's --auto-truncate)", field, n, limit)
}

// cutLeft is truncation from the left, longest first: tokens are dropped from
// the start of the text, or for a pair from the start of the longer of its
// two texts (the second when both are as long), until [CLS] a [SEP] (b [SEP])
// fits in limit tokens.
func cutLeft(ids, typeIDs []int, limit int) engine.Sequence {
	cls, sep := ids[0], ids[len(ids)-1]
	first := 0 // tokens of the first segment: [CLS] a [SEP]
	for _, t := range typeIDs {
		if t == 0 {
			first++
		}
	}
	a, b := ids[1:first-1], []int(nil)
	pair := first < len(ids)
	special := 2
	if pair {
		b, special = ids[first:len(ids)-1], 3
	}
	for len(a)+len(b)+special > limit && len(a)+len(b) > 0 {
		if len(a) > len(b) {
			a = a[1:]
		} else {
			b = b[1:]
		}
	}
	var seq engine.Sequence
	add := func(typ int, ids ...int) {
		seq.IDs = append(seq.IDs, ids...)
		for range ids {
			seq.TypeIDs = append(seq.TypeIDs, typ)
		}
	}
	add(0, cls)
	add(0, a...)
	add(0, sep)
	if pair {
		add(1, b...)
		add(1, sep)
	}
	return seq
}

// tokenPieces is TEI's /tokenize answer for one text: every token with
// the bytes of the text it stands for and their offsets, and the special
// tokens ([CLS], [SEP]) with their pieces and no offsets, or left out
// without addSpecial.
func (s *Server) tokenPieces(in input, addSpecial bool) ([]token, *apiError) {
	enc, err := s.encodeText(in)
	if err != nil {
		return nil, err
	}
	if enc.Truncated {
		enc = s.untruncated(in)
	}
	tokens := make([]token, 0, len(enc.IDs))
	for i, id := range enc.IDs {
		if i == 0 || i == len(enc.IDs)-1 {
			if addSpecial {
				tokens = append(tokens, token{ID: id, Text: enc.Tokens[i], Special: true})
			}
			continue
		}
		sp := enc.Offsets[i]
		tokens = append(tokens, token{ID: id, Text: in.text[sp.Start:sp.End], Start: &sp.Start, Stop: &sp.End})
	}
	return tokens, nil
}

// token is one token of TEI's /tokenize answer; Start and Stop are byte
// offsets into the text.
type token struct {
	ID      int    `json:"id"`
	Text    string `json:"text"`
	Special bool   `json:"special"`
	Start   *int   `json:"start"`
	Stop    *int   `json:"stop"`
}
