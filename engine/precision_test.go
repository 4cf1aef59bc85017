package engine

import (
	"testing"

	"github.com/albertq/albertq/convert"
	"github.com/albertq/albertq/modelfile"
	"github.com/albertq/albertq/quant"
)

// KeepSensitive keeps in fp16 only what the target needs: nothing for
// models that meet it in int8 (albert-tiny, and the trained debsec, whose
// default conversion therefore stays as fast as before), some but not all of
// minilm-tiny-st's matrices, which int8 throughout leaves at 0.996; the
// query, key and value of a layer always together; and what it states in
// the config is what the probes measure.
func TestKeepSensitive(t *testing.T) {
	for _, c := range []struct {
		dir           string
		fp16, allFP16 bool // some matrices kept in fp16; all of them
	}{
		{"../testdata/albert-tiny", false, false},
		{"../testdata/minilm-tiny-st", true, false},
	} {
		src, err := convert.ReadCheckpoint(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		q, err := quant.QuantizeModel(src, modelfile.I8, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := KeepSensitive(src, q, ProbeTexts, DefaultMinCosine)
		if err != nil {
			t.Fatal(err)
		}
		p := got.Config.Precision
		if p == nil || p.MinCosine != DefaultMinCosine || p.Probes != len(ProbeTexts) || p.Cosine < DefaultMinCosine {
			t.Fatalf("%s: precision %+v", c.dir, p)
		}
		if q.Config.Precision != nil {
			t.Errorf("%s: the input model's config was changed", c.dir)
		}
		kept, int8s := 0, 0
		for name, tt := range got.Tensors {
			switch {
			case tt.DType == modelfile.F16:
				kept++
			case tt.DType == modelfile.I8:
				int8s++
			}
			if q.Tensors[name].DType != modelfile.I8 && tt != q.Tensors[name] {
				t.Errorf("%s: %s changed, but was not int8", c.dir, name)
			}
		}
		if (kept > 0) != c.fp16 || int8s == 0 {
			t.Errorf("%s: %d matrices kept in fp16, %d in int8", c.dir, kept, int8s)
		}
		for l := range src.Config.NumHiddenLayers {
			fam := families[src.Config.ModelType]
			pre := fam.layerPrefix(l, 0)
			if fam.shared {
				pre = fam.layerPrefix(0, 0)
			}
			qt, kt, vt := got.Tensors[pre+fam.layer.query+".weight"], got.Tensors[pre+fam.layer.key+".weight"], got.Tensors[pre+fam.layer.value+".weight"]
			if qt.DType != kt.DType || kt.DType != vt.DType {
				t.Errorf("%s: layer %d's query, key and value are %v, %v, %v", c.dir, l, qt.DType, kt.DType, vt.DType)
			}
		}
		// The stated cosine is the probes' worst, measured again.
		fp32 := openCheckpoint(t, c.dir, Options{Threads: 1})
		probes, err := fp32.EncodeTexts(ProbeTexts)
		if err != nil {
			t.Fatal(err)
		}
		gotModel, err := New(got, Options{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		want, err := runEach(fp32, probes)
		if err != nil {
			t.Fatal(err)
		}
		outs, err := runEach(gotModel, probes)
		if err != nil {
			t.Fatal(err)
		}
		worst := 1.0
		for i := range outs {
			worst = min(worst, quant.Cosine(want[i].Hidden, outs[i].Hidden))
		}
		if worst < p.Cosine || worst-p.Cosine > 1e-6 {
			t.Errorf("%s: probes measure %.7f, the config states %g", c.dir, worst, p.Cosine)
		}
	}
}

func TestKeepSensitiveErrors(t *testing.T) {
	src, err := convert.ReadCheckpoint("../testdata/bert-tiny")
	if err != nil {
		t.Fatal(err)
	}
	q, err := quant.QuantizeModel(src, modelfile.I8, false)
	if err != nil {
		t.Fatal(err)
	}
	probe := []string{"a text"}
	for _, c := range []struct {
		probes []string
		target float64
		want   string
	}{
		{nil, 0.999, "keep sensitive: no probe texts"},
		{probe, 0, "keep sensitive: target cosine 0 is not in (0, 1]"},
		{probe, 1.5, "keep sensitive: target cosine 1.5 is not in (0, 1]"},
		{[]string{"fine", "\xff"}, 0.999, "keep sensitive: probe text 2: "},
	} {
		_, err := KeepSensitive(src, q, c.probes, c.target)
		if err == nil || len(err.Error()) < len(c.want) || err.Error()[:len(c.want)] != c.want {
			t.Errorf("probes %v, target %v: error %v, want %q…", c.probes, c.target, err, c.want)
		}
	}
}
