package kernels

import (
	"os"
	"reflect"
	"slices"
	"testing"
)

// TestSetsResolve checks every set of this build, available or not: each op
// comes from a tier on the set's fallback chain, the first one that
// implements it (for int8NonNeg: that implements it or int8), and the
// kernels carry the name of the tier that supplies them. generic supplies
// all of its own.
func TestSetsResolve(t *testing.T) {
	for _, s := range sets {
		var chain []string
		for _, c := range s.chain {
			chain = append(chain, c.name)
		}
		if chain[0] != s.Name || chain[len(chain)-1] != "generic" {
			t.Errorf("%s: chain %v does not run from the tier to generic", s.Name, chain)
		}
		for i, impl := range s.Impls() {
			first := ""
			for _, c := range s.chain {
				if !reflect.ValueOf(c.ops).Field(i).IsNil() || i == i8NonNegField && c.ops.I8 != nil {
					first = c.name
					break
				}
			}
			if impl.Tier != first {
				t.Errorf("%s: %s from %s, want %s (chain %v)", s.Name, impl.Op, impl.Tier, first, chain)
			}
			if s.Name == "generic" && impl.Tier != "generic" {
				t.Errorf("generic: %s from %s", impl.Op, impl.Tier)
			}
		}
		if s.F32.Name != s.source("fp32") || s.F16.Name != s.source("fp16") || s.I8.Name != s.source("int8") || s.I8NonNeg.Name != s.source("int8NonNeg") {
			t.Errorf("%s: kernels named %s/%s/%s/%s", s.Name, s.F32.Name, s.F16.Name, s.I8.Name, s.I8NonNeg.Name)
		}
		if (s.I8NonNeg == s.I8) != (s.ops.I8NonNeg == s.ops.I8) || s.I8NonNeg.set != s {
			t.Errorf("%s: int8NonNeg is not bound to the set", s.Name)
		}
	}
	if avail := Available(); avail[len(avail)-1].Name != "generic" || Best() != avail[0] {
		t.Errorf("available sets %v: generic must be last and Best first", tierNames())
	}
}

func TestSelect(t *testing.T) {
	s, err := Select("generic")
	if err != nil || s.Name != "generic" || s.F32.Name != "generic" || s.I8.Name != "generic" || s.F16.Name != "generic" {
		t.Fatalf("Select(generic) = %v, %v", s, err)
	}
	if _, err := Select("no-such-kernel"); err == nil {
		t.Fatal("unknown kernel set accepted")
	}
	if s, err := Select(""); err != nil || s != Best() {
		t.Fatalf("Select(\"\") = %v, %v; want Best()", s, err)
	}
	for _, s := range sets {
		if _, err := Select(s.Name); (err == nil) != s.Available() {
			t.Errorf("Select(%s): %v, but available %v", s.Name, err, s.Available())
		}
	}
}

// TestDefaultRunsTheForcedTier makes `ALBERTQ_KERNELS=<tier> go test` mean
// what it says: Default is that tier's set, and each op the tier implements
// is that very function (the rest come from its fallbacks, as
// TestSetsResolve checks), so =generic runs generic code everywhere and
// =avx2 the AVX2 code of every op avx2 has.
func TestDefaultRunsTheForcedTier(t *testing.T) {
	name := os.Getenv(EnvVar)
	if name == "" {
		t.Skip(EnvVar + " not set")
	}
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != name {
		t.Fatalf("Default() is %s for %s=%s", s.Name, EnvVar, name)
	}
	own := reflect.ValueOf(s.chain[0].ops)
	got := reflect.ValueOf(s.ops)
	for i, impl := range s.Impls() {
		if own.Field(i).IsNil() {
			continue
		}
		if impl.Tier != name || got.Field(i).Pointer() != own.Field(i).Pointer() {
			t.Errorf("%s=%s: %s runs %s's", EnvVar, name, impl.Op, impl.Tier)
		}
	}
	t.Logf("%s=%s: %v", EnvVar, name, s.Impls())
}

// TestSetCallsItsOps resolves a tier whose vector ops and movers count
// their calls (wrapping generic's), then uses every method of its set and
// the packers (the int8 kernels' both layouts): each op must have been
// called through the set.
func TestSetCallsItsOps(t *testing.T) {
	calls := map[string]int{}
	counting := &tier{name: "counting", available: genericTier.available, fallback: "generic"}
	dst, src := reflect.ValueOf(&counting.ops).Elem(), reflect.ValueOf(genericTier.ops)
	for i := range dst.NumField() {
		f := src.Field(i)
		if f.Kind() != reflect.Func {
			continue // the GEMMs: tested on their own
		}
		op := dst.Type().Field(i).Tag.Get("op")
		dst.Field(i).Set(reflect.MakeFunc(f.Type(), func(args []reflect.Value) []reflect.Value {
			calls[op]++
			return f.Call(args)
		}))
	}
	s, err := resolve(counting, map[string]*tier{"counting": counting, "generic": genericTier})
	if err != nil {
		t.Fatal(err)
	}

	x := []float32{0.5, -2, 3, 0.25, 1, -1, 2, 0.75, 1.5}
	q := make([]int8, 2*len(x))
	scales := make([]float32, 2)
	s.QuantizeRow(q, x)
	s.QuantizeRows(q, scales, x, 4, 2, 4)
	peaks := make([]float32, len(x))
	s.ColumnPeaks(peaks, x)
	s.QuantizeRowScaled(q, x, peaks)
	s.QuantizeColumns(q, scales, make([]float32, 2), x, 4, 2)
	s.Softmax(slices.Clone(x), 1)
	s.SoftmaxQuantize(q, scales, slices.Clone(x), 2, 4, 1)
	s.Multiply(slices.Clone(x), 2)
	s.GELUTanh(slices.Clone(x))
	s.GELUErf(slices.Clone(x))
	s.LayerNorm(slices.Clone(x), x, x, x, 1e-6)

	w := make([]float32, 9*9)
	s.F32.PackInto(new(PackedF32), w, Transposed(9), 9, 9)
	w8 := make([]int8, 8*9)
	summing := *s.I8 // generic's kernel as one that reads column sums (VNNI's), which SumI8 and AddI8 make
	summing.noColSums = false
	for _, kn := range []*I8Kernel{s.I8, &summing} {
		kn.PackInto(new(PackedI8), w8, Transposed(8), 8, 9, make([]float32, 9))
		kn.PackInto(new(PackedI8), w8, RowMajor(9), 8, 9, make([]float32, 9))
	}
	packFolded(make([]int8, foldSize(8, 9)), w8, Transposed(8), 8, 9, &s.ops) // the AVX2 int8 kernel's layout

	for _, impl := range s.Impls() {
		if impl.Tier == "counting" && calls[impl.Op] == 0 {
			t.Errorf("%s: never called through the set", impl.Op)
		}
	}
	if len(calls) == 0 {
		t.Fatal("no op called through the set")
	}
}
