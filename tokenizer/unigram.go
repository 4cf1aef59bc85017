package tokenizer

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"unicode/utf8"
)

// unkPenalty is subtracted from the lowest piece score to score an unknown
// character (SentencePiece's kUnkPenalty).
const unkPenalty float32 = 10.0

// spModel is a SentencePiece unigram model with its normalizer: the part of
// the tokenizer that reproduces SentencePieceProcessor.encode.
type spModel struct {
	pieces       []protoPiece
	byID         map[string]int // every piece, as PieceToId sees them
	trie         *pieceTrie     // normal and user-defined pieces
	norm         *normalizer
	unkID        int
	byteFallback bool
	bytePieces   [256]int // ids of <0x00>…<0xFF> when byteFallback
	minScore     float32
	maxScore     float32
}

// newSPModel validates the decoded proto as SentencePiece's InitializePieces
// and unigram Model constructor do, and builds the lookup structures.
func newSPModel(m *modelProto) (*spModel, error) {
	if m.trainer.modelType != modelTypeUnigram {
		return nil, fmt.Errorf("model type %d is not unigram (1); only unigram models are supported", m.trainer.modelType)
	}
	if len(m.pieces) == 0 {
		return nil, errors.New("model has no pieces")
	}
	s := &spModel{
		pieces:       m.pieces,
		byID:         make(map[string]int, len(m.pieces)),
		unkID:        -1,
		byteFallback: m.trainer.byteFallback,
		minScore:     math.MaxFloat32,
		maxScore:     0x1p-126, // FLT_MIN: the reference's starting value, so maxScore is never below it
	}
	inTrie := make(map[string]int, len(m.pieces))
	userDefined := map[string]int{}
	var byteFound [256]bool
	for i, p := range m.pieces {
		if p.text == "" {
			return nil, fmt.Errorf("piece %d is empty", i)
		}
		if _, dup := s.byID[p.text]; dup {
			return nil, fmt.Errorf("piece %d %q is already defined", i, p.text)
		}
		s.byID[p.text] = i
		// Unused pieces are in the reference's trie but skipped by its search,
		// which is the same as leaving them out.
		if p.typ == typeNormal || p.typ == typeUserDefined {
			inTrie[p.text] = i
		}
		switch p.typ {
		case typeNormal:
			s.minScore = min(s.minScore, p.score)
			s.maxScore = max(s.maxScore, p.score)
		case typeUserDefined:
			userDefined[p.text] = i
		case typeUnknown:
			if s.unkID >= 0 {
				return nil, fmt.Errorf("piece %d: unknown piece is already defined (id %d)", i, s.unkID)
			}
			s.unkID = i
		case typeByte:
			if !s.byteFallback {
				return nil, fmt.Errorf("byte piece %q is found although byte_fallback is false", p.text)
			}
			b, ok := pieceToByte(p.text)
			if !ok {
				return nil, fmt.Errorf("byte piece %q is invalid", p.text)
			}
			byteFound[b] = true
			s.bytePieces[b] = i
		}
	}
	if s.unkID < 0 {
		return nil, errors.New("unknown piece is not defined")
	}
	if s.byteFallback {
		for b, ok := range byteFound {
			if !ok {
				return nil, fmt.Errorf("byte_fallback is set but piece <0x%02X> is missing", b)
			}
		}
	}
	s.trie = newPieceTrie(inTrie)
	for i, nd := range s.trie.nodes {
		if nd.id >= 0 {
			s.trie.nodes[i].score = s.searchScore(int(nd.id))
		}
	}
	var chars *charsmap
	if len(m.normalizer.precompiledCharsmap) > 0 {
		c, err := parseCharsmap(m.normalizer.precompiledCharsmap)
		if err != nil {
			return nil, err
		}
		chars = c
	}
	var userTrie *pieceTrie
	if len(userDefined) > 0 {
		userTrie = newPieceTrie(userDefined)
	}
	s.norm = newNormalizer(m.normalizer, chars, userTrie, m.trainer.treatWhitespaceAsSuffix)
	return s, nil
}

// pieceToByte parses a byte piece "<0xAB>".
func pieceToByte(p string) (byte, bool) {
	if len(p) != 6 || p[:3] != "<0x" || p[5] != '>' {
		return 0, false
	}
	var v byte
	for _, c := range []byte(p[3:5]) {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return v, true
}

// pieceID is SentencePiece's PieceToId: the id of any piece, or the unknown id.
func (s *spModel) pieceID(p string) int {
	if id, ok := s.byID[p]; ok {
		return id
	}
	return s.unkID
}

// spPiece is one piece of an encoding: its id, its text (for an unknown
// piece, the normalized text it covers) and the bytes [start, end) of the
// normalized text it stands for.
type spPiece struct {
	id         int
	text       string
	start, end int
}

// encode is SentencePieceProcessor::Encode: normalize, run the Viterbi
// search, merge runs of unknown pieces, and split them into byte pieces when
// the model has byte fallback (each byte piece stands for the whole
// character its byte is part of). It returns the pieces and the normalized
// text their positions refer to.
func (s *spModel) encode(in *aligned) ([]spPiece, *aligned) {
	norm := s.norm.normalize(in)
	raw := s.viterbi(string(norm.text))
	out := raw[:0] // merging only shrinks; byte fallback needs its own slice
	if s.byteFallback {
		out = make([]spPiece, 0, len(raw))
	}
	prevUnk := false
	for _, p := range raw {
		isUnk := p.id == s.unkID
		switch {
		case isUnk && s.byteFallback:
			for i := 0; i < len(p.text); {
				_, n := utf8.DecodeRuneInString(p.text[i:])
				for j := range n {
					id := s.bytePieces[p.text[i+j]]
					out = append(out, spPiece{id, s.pieces[id].text, p.start + i, p.start + i + n})
				}
				i += n
			}
		case isUnk && prevUnk:
			last := &out[len(out)-1]
			last.text += p.text
			last.end = p.end
		default:
			out = append(out, p)
		}
		prevUnk = isUnk
	}
	return out, norm
}

// searchScore is the score the search gives piece id. It is a double, as
// in the reference: a piece's float score, or for a user-defined piece the
// bonus len*maxScore-0.1 that makes it win over any normal segmentation.
func (s *spModel) searchScore(id int) float64 {
	p := s.pieces[id]
	if p.typ == typeUserDefined {
		bonus := float32(float32(len(p.text)) * s.maxScore)
		return float64(bonus) - 0.1
	}
	return float64(p.score)
}

// bestPool recycles the search's per-position table between calls.
var bestPool = sync.Pool{New: func() any { return new([]bestPath) }}

// bestPath is, for one end position, the best segmentation ending there.
type bestPath struct {
	score float32
	start int32 // -1: not reached yet
	id    int32
}

// viterbi is the unigram encoder of SentencePiece (Model::EncodeOptimized),
// reproduced operation for operation so that ties and float rounding fall the
// same way: candidates are compared in double precision and stored in
// single; among equal scores the earliest start wins; a character covered by
// no single-character piece gets an unknown node scored minScore-10;
// user-defined pieces score len*maxScore-0.1 so that they are always chosen.
func (s *spModel) viterbi(text string) []spPiece {
	n := len(text)
	if n == 0 {
		return nil
	}
	bp := bestPool.Get().(*[]bestPath)
	defer bestPool.Put(bp)
	if cap(*bp) < n+1 {
		*bp = make([]bestPath, n+1)
	}
	best := (*bp)[:n+1]
	for i := range best {
		best[i] = bestPath{start: -1}
	}
	unkScore := s.minScore - unkPenalty
	for start := 0; start < n; {
		till := best[start].score
		mblen := min(oneCharLen(text[start]), n-start)
		hasSingle := false
		node := int32(0)
		for end := start; end < n; {
			if node = s.trie.child(node, text[end]); node < 0 {
				break
			}
			end++
			nd := &s.trie.nodes[node]
			if nd.id < 0 {
				continue
			}
			cand := nd.score + float64(till)
			if t := &best[end]; t.start == -1 || cand > float64(t.score) {
				*t = bestPath{score: float32(cand), start: int32(start), id: nd.id}
			}
			if end-start == mblen {
				hasSingle = true
			}
		}
		if !hasSingle {
			cand := unkScore + till
			if t := &best[start+mblen]; t.start == -1 || cand > t.score {
				*t = bestPath{score: cand, start: int32(start), id: int32(s.unkID)}
			}
		}
		start += mblen
	}
	return backtrack(best, text)
}

// backtrack follows the best path from the end of text to its start.
func backtrack(best []bestPath, text string) []spPiece {
	n := 0
	for end := len(text); end > 0 && best[end].start >= 0 && int(best[end].start) < end; end = int(best[end].start) {
		n++
	}
	out := make([]spPiece, n)
	end := len(text)
	for i := n - 1; i >= 0; i-- {
		b := best[end]
		out[i] = spPiece{int(b.id), text[b.start:end], int(b.start), end}
		end = int(b.start)
	}
	return out
}

// oneCharLen is SentencePiece's OneCharLen: the UTF-8 sequence length
// announced by a lead byte (1 for continuation bytes).
func oneCharLen(b byte) int {
	switch {
	case b < 0xC0:
		return 1
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	default:
		return 4
	}
}
