package engine

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// DefaultMinCosine is the cosine an int8 conversion holds every probe text
// to by default (KeepSensitive): above the 0.999 promised for other texts,
// which the probes only sample.
const DefaultMinCosine = 0.9995

// ProbeTexts are the texts an int8 conversion is checked on when the user
// gives none: short and long, plain and with punctuation, digits and
// accents.
var ProbeTexts = []string{
	"ALBERT shares one set of layer weights across the whole encoder.",
	"a multiplayer first-person shooter with network play",
	"Perl module to parse configuration files",
	"The café on 5th Avenue charges $1,250 for a 3-course dinner.",
	"library for reading and writing audio files in many formats",
	"Where did the committee meet, and who chaired it?",
	"ok",
	"Sentence embeddings put texts that mean the same thing close together, whatever words they use, so a search can find an answer that shares no word with the question.",
}

// EncodeTexts tokenizes each text as one model input.
func (mod *Model) EncodeTexts(texts []string) ([]Sequence, error) {
	seqs := make([]Sequence, len(texts))
	for i, text := range texts {
		enc, err := mod.Encode(text, "")
		if err != nil {
			return nil, fmt.Errorf("text %d: %w", i+1, err)
		}
		seqs[i] = Sequence{IDs: enc.IDs, TypeIDs: enc.TypeIDs}
	}
	return seqs, nil
}

// KeepSensitive makes an int8 model meet an accuracy target: it returns q
// with its most sensitive int8 matrices stored in fp16 instead, as few as
// it takes for the last hidden state of every probe text to keep a cosine
// of at least minCosine with the fp32 model src's. q is src quantized
// (quant.QuantizeModel, with or without calibrated scales); src must have
// a tokenizer.
//
// Sensitivity is measured, not guessed: each matrix (a layer's query, key
// and value count as one, since they run as one GEMM) is run alone in int8
// with everything else in fp32, and its error on the probes, 1 − cosine,
// divided by what keeping it in fp16 costs (its multiply-adds per token; an
// embedding table only looked up costs its width), ranks it. The shortest
// prefix of that ranking that reaches the target is found by bisection. A
// model that meets the target in int8 throughout comes back as it is.
//
// The returned model's Config.Precision states the target, the cosine
// reached and the number of probes.
func KeepSensitive(src, q *modelfile.Model, probeTexts []string, minCosine float64) (*modelfile.Model, error) {
	if len(probeTexts) == 0 {
		return nil, errors.New("keep sensitive: no probe texts")
	}
	if !(minCosine > 0 && minCosine <= 1) {
		return nil, fmt.Errorf("keep sensitive: target cosine %v is not in (0, 1]", minCosine)
	}
	fp16, err := quant.QuantizeModel(src, modelfile.F16, false)
	if err != nil {
		return nil, err
	}
	fp32, err := New(src, Options{})
	if err != nil {
		return nil, err
	}
	defer fp32.workers.Close() // not Close: src stays the caller's
	p := &precisionSearch{q: q, fp16: fp16}
	if p.probes, err = fp32.EncodeTexts(probeTexts); err != nil {
		return nil, fmt.Errorf("keep sensitive: probe %w", err)
	}
	if p.want, err = runEach(fp32, p.probes); err != nil {
		return nil, err
	}
	p.units = matrixUnits(q)
	allInt8, err := p.cosine(nil)
	if err != nil {
		return nil, err
	}
	if allInt8 >= minCosine {
		return p.stated(nil, minCosine, allInt8), nil
	}
	// The ranking: each unit alone in int8.
	everything := make([]string, 0, len(p.units))
	for u := range p.units {
		everything = append(everything, u)
	}
	sort.Strings(everything)
	type ranked struct {
		unit       string
		errPerCost float64
	}
	var ranking []ranked
	for _, u := range everything {
		cos, err := p.cosine(slices.DeleteFunc(slices.Clone(everything), func(v string) bool { return v == u }))
		if err != nil {
			return nil, err
		}
		ranking = append(ranking, ranked{u, (1 - cos) / float64(p.units[u].cost)})
	}
	sort.SliceStable(ranking, func(i, j int) bool { return ranking[i].errPerCost > ranking[j].errPerCost })
	order := make([]string, len(ranking))
	for i, r := range ranking {
		order[i] = r.unit
	}
	// Bisection for the shortest prefix kept in fp16 that meets the target
	// (all of them in fp16, if none does).
	best := len(order)
	bestCos, err := p.cosine(order)
	if err != nil {
		return nil, err
	}
	lo := 1 // the prefixes shorter than lo missed the target
	for lo < best {
		mid := (lo + best) / 2
		cos, err := p.cosine(order[:mid])
		if err != nil {
			return nil, err
		}
		if cos >= minCosine {
			best, bestCos = mid, cos
		} else {
			lo = mid + 1
		}
	}
	return p.stated(order[:best], minCosine, bestCos), nil
}

// stated is q with fp16Units in fp16 and the search's result in its config.
func (p *precisionSearch) stated(fp16Units []string, minCosine, cos float64) *modelfile.Model {
	out := p.with(fp16Units)
	out.Config.Precision = &modelfile.Precision{MinCosine: minCosine, Cosine: roundDown(cos), Probes: len(p.probes)}
	return out
}

// roundDown keeps six decimals of a cosine, never rounding it up past what
// was measured.
func roundDown(c float64) float64 { return math.Floor(c*1e6) / 1e6 }

// precisionSearch is the state of KeepSensitive.
type precisionSearch struct {
	q, fp16 *modelfile.Model
	units   map[string]matrixUnit
	probes  []Sequence
	want    []*Output
}

// matrixUnit is the int8 tensors that one GEMM (or one table lookup) reads,
// and what running them in fp16 costs, in multiply-adds per token.
type matrixUnit struct {
	tensors []string
	cost    int
}

// matrixUnits groups q's int8 tensors by the GEMM that reads them: a
// layer's query, key and value are one.
func matrixUnits(q *modelfile.Model) map[string]matrixUnit {
	fam := families[q.Config.ModelType]
	units := map[string]matrixUnit{}
	for _, name := range q.Names() {
		t := q.Tensors[name]
		if t.DType != modelfile.I8 {
			continue
		}
		unit := strings.TrimSuffix(name, ".weight")
		for _, part := range []string{fam.layer.key, fam.layer.value} {
			if base, ok := strings.CutSuffix(unit, "."+part); ok {
				unit = base + "." + fam.layer.query
			}
		}
		u := units[unit]
		u.tensors = append(u.tensors, name)
		u.cost += t.Shape[0] * t.Shape[1]
		if isLookupTable(q, fam, name) {
			u.cost = t.Shape[1]
		}
		units[unit] = u
	}
	return units
}

// isLookupTable reports whether the tensor is an embedding table that is
// only looked up, a row per token: not the word embeddings when a masked-LM
// head's decoder is tied to them.
func isLookupTable(q *modelfile.Model, fam *family, name string) bool {
	if !strings.HasSuffix(name, "_embeddings.weight") {
		return false
	}
	if !strings.HasSuffix(name, "word_embeddings.weight") {
		return true
	}
	hasMLM := task(&q.Config) == "ForMaskedLM" || task(&q.Config) == "ForPreTraining"
	return !hasMLM || q.Tensors[fam.heads.mlmDecoder+".weight"] != nil
}

// with returns q with the named units' tensors in fp16.
func (p *precisionSearch) with(fp16Units []string) *modelfile.Model {
	m := *p.q
	m.Tensors = maps.Clone(p.q.Tensors)
	for _, u := range fp16Units {
		for _, name := range p.units[u].tensors {
			m.Tensors[name] = p.fp16.Tensors[name]
		}
	}
	return &m
}

// cosine is the smallest cosine over the probes between the fp32 model's
// last hidden state and that of q with fp16Units in fp16.
func (p *precisionSearch) cosine(fp16Units []string) (float64, error) {
	mod, err := New(p.with(fp16Units), Options{})
	if err != nil {
		return 0, err
	}
	defer mod.workers.Close() // not Close: the tensors are p.q's and p.fp16's
	got, err := runEach(mod, p.probes)
	if err != nil {
		return 0, err
	}
	worst := 1.0
	for i := range got {
		worst = min(worst, quant.Cosine(p.want[i].Hidden, got[i].Hidden))
	}
	return worst, nil
}

// runEach runs each sequence alone.
func runEach(mod *Model, seqs []Sequence) ([]*Output, error) {
	outs := make([]*Output, len(seqs))
	for i, s := range seqs {
		var err error
		if outs[i], err = mod.Run([]Sequence{s}); err != nil {
			return nil, fmt.Errorf("probe text %d: %w", i+1, err)
		}
	}
	return outs, nil
}
