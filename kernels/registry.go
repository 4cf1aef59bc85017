package kernels

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
)

// A tier is one class of CPU features and what albertq implements for it:
// one entry in the table of tiers (see the package doc).
type tier struct {
	name string
	// available reports whether this CPU (and OS) has the features the tier
	// adds; its fallbacks check their own.
	available func() bool
	// fallback names the tier that supplies every op this one leaves nil;
	// empty only for generic, which implements them all.
	fallback string
	ops      ops
}

// ops is one implementation of each operation. In a tier's table a nil field
// is an op the tier leaves to its fallback; in a Set every field is set. The
// op tag names the op in Set.Impls (and so in `albertq info --json`).
//
// The ops that take a *Set (QuantizeRows, SoftmaxQuantize) are made of
// other ops: their generic versions call those through the set, so a tier
// that speeds up a step speeds them up too.
type ops struct {
	// The GEMMs, each with the layout its B is packed in.
	F32 *F32Kernel `op:"fp32"`
	F16 *F16Kernel `op:"fp16"`
	I8  *I8Kernel  `op:"int8"`
	// I8NonNeg is the int8 GEMM for A in [0, 127] only (attention's softmax
	// numerators), for a tier with a faster kernel for that case. A tier
	// that has an int8 GEMM but no I8NonNeg uses its int8 GEMM for both.
	I8NonNeg *I8Kernel `op:"int8NonNeg"`

	// Row quantization: Set.QuantizeRow, QuantizeRows, QuantizeRowScaled,
	// ColumnPeaks, QuantizeColumns.
	MaxAbs         func(x []float32) float32                                        `op:"maxAbs"`
	Quantize       func(dst []int8, src []float32, inv float32)                     `op:"quantize"`
	QuantizeRows   func(s *Set, dst []int8, scales, src []float32, ld, rows, w int) `op:"quantizeRows"`
	QuantizeScaled func(dst []int8, src, inv []float32)                             `op:"quantizeScaled"`
	ColumnPeaks    func(peaks, x []float32)                                         `op:"columnPeaks"`

	// QuantizeColumns, like QuantizeRows, is made of the ops above.
	QuantizeColumns func(s *Set, q []int8, scales, inv, x []float32, ld, rows int) `op:"quantizeColumns"`

	// Softmax: Set.Softmax, SoftmaxNumerators, SoftmaxQuantize.
	Max             func(x []float32) float32                                             `op:"max"`
	ExpScaleSum     func(x []float32, scale, shift float32) float32                       `op:"expScaleSum"`
	Multiply        func(x []float32, by float32)                                         `op:"multiply"`
	SoftmaxQuantize func(s *Set, q []int8, sums, x []float32, rows, w int, scale float32) `op:"softmaxQuantize"`

	GELUTanh func(x []float32) `op:"geluTanh"`
	GELUErf  func(x []float32) `op:"geluErf"`

	// LayerNorm: Set.LayerNorm.
	AddSum    func(x, resid []float32) float32                  `op:"addSum"`
	SqDevSum  func(x []float32, mean float32) float32           `op:"sqDevSum"`
	Normalize func(x, gamma, beta []float32, mean, inv float32) `op:"normalize"`

	// The packers' movers: F32Kernel.PackInto and I8Kernel.PackInto.
	Transpose8x8 func(dst []float32, ldd int, src []float32, lds int) `op:"transpose8x8"`
	// PackColumnsI8 and PackRowsI8 lay out a K×N int8 matrix in l, from a
	// transposed source (column j at src[j*ld:]) and from a row-major one
	// (row kk at src[kk*ld:]); dst is zeroed.
	PackColumnsI8 func(s *Set, dst []int8, l Layout, src []int8, ld, k, n int) `op:"packColumnsI8"`
	PackRowsI8    func(s *Set, dst []int8, l Layout, src []int8, ld, k, n int) `op:"packRowsI8"`
	CopyWords     func(dst []int8, stride int, src []int8)                     `op:"copyWords"`
	Interleave4   func(dst, r0, r1, r2, r3 []int8)                             `op:"interleave4"`
	SumI8         func(x []int8) int32                                         `op:"sumI8"`
	AddI8         func(sums []int32, x []int8)                                 `op:"addI8"`
	FoldRecords   func(dst, words []int8, panels, stride int)                  `op:"foldRecords"`
}

// sets holds every tier of this build, resolved, best first (generic last).
var sets = resolveAll(append(archTiers(), portableTier, genericTier))

// A Set is a tier resolved through its fallbacks: an implementation of every
// op. Its methods are the vector work between the GEMMs; its kernels pack
// with the set's movers. Sets are shared by every model that runs on them
// and safe for concurrent use; their fields must not be changed.
type Set struct {
	Name string // the tier's name
	F32  *F32Kernel
	F16  *F16Kernel
	I8   *I8Kernel
	// I8NonNeg is the int8 GEMM for A in [0, 127]: I8 itself unless the
	// set has a faster kernel for that case. It packs its own B layout.
	I8NonNeg *I8Kernel

	ops   ops
	from  []string // from[i]: the tier that supplies ops field i
	chain []*tier  // the tier and its fallbacks
}

// Impl is one op of a set and the tier that supplies it.
type Impl struct {
	Op, Tier string
}

// Impls lists every op of the set with the tier that supplies it, in a
// fixed order, the GEMMs ("fp32", "fp16", "int8", "int8NonNeg") first.
func (s *Set) Impls() []Impl {
	out := make([]Impl, len(s.from))
	t := reflect.TypeFor[ops]()
	for i, tier := range s.from {
		out[i] = Impl{Op: t.Field(i).Tag.Get("op"), Tier: tier}
	}
	return out
}

// Available reports whether this CPU can run every tier of the set.
func (s *Set) Available() bool {
	for _, t := range s.chain {
		if !t.available() {
			return false
		}
	}
	return true
}

// resolveAll resolves every tier of all, failing loudly on a broken table (a
// fallback that does not exist, or an op no tier on a chain supplies).
func resolveAll(all []*tier) []*Set {
	byName := map[string]*tier{}
	for _, t := range all {
		byName[t.name] = t
	}
	out := make([]*Set, len(all))
	for i, t := range all {
		s, err := resolve(t, byName)
		if err != nil {
			panic(err)
		}
		out[i] = s
	}
	return out
}

// resolve fills each op of t's set from the first tier on its fallback
// chain that implements it, then binds the set's kernels to it.
func resolve(t *tier, byName map[string]*tier) (*Set, error) {
	s := &Set{Name: t.name}
	for c := t; c != nil; c = byName[c.fallback] {
		s.chain = append(s.chain, c)
		if c.fallback != "" && byName[c.fallback] == nil {
			return nil, fmt.Errorf("kernels: tier %s falls back to unknown tier %q", c.name, c.fallback)
		}
		if len(s.chain) > len(byName) {
			return nil, fmt.Errorf("kernels: tier %s's fallbacks form a loop", t.name)
		}
	}
	dst := reflect.ValueOf(&s.ops).Elem()
	s.from = make([]string, dst.NumField())
	for i := range dst.NumField() {
		for _, c := range s.chain {
			impl := reflect.ValueOf(c.ops).Field(i)
			if i == i8NonNegField && impl.IsNil() && c.ops.I8 != nil {
				impl = reflect.ValueOf(c.ops.I8)
			}
			if !impl.IsNil() {
				dst.Field(i).Set(impl)
				s.from[i] = c.name
				break
			}
		}
		if s.from[i] == "" {
			return nil, fmt.Errorf("kernels: no tier on %s's chain implements %s", t.name, dst.Type().Field(i).Name)
		}
	}
	f32, f16, i8 := *s.ops.F32, *s.ops.F16, *s.ops.I8
	f32.Name, f32.set = s.source("fp32"), s
	f16.Name = s.source("fp16")
	i8.Name, i8.set = s.source("int8"), s
	s.F32, s.F16, s.I8, s.I8NonNeg = &f32, &f16, &i8, &i8
	if s.ops.I8NonNeg != s.ops.I8 {
		nonNeg := *s.ops.I8NonNeg
		nonNeg.Name, nonNeg.set = s.source("int8NonNeg"), s
		s.I8NonNeg = &nonNeg
	}
	return s, nil
}

// i8NonNegField is the index of I8NonNeg in ops: resolve takes a tier's
// int8 GEMM for it where the tier has none of its own.
var i8NonNegField = func() int {
	f, _ := reflect.TypeFor[ops]().FieldByName("I8NonNeg")
	return f.Index[0]
}()

// source is the tier that supplies the named op.
func (s *Set) source(op string) string {
	for _, impl := range s.Impls() {
		if impl.Op == op {
			return impl.Tier
		}
	}
	panic("kernels: no op " + op)
}

// tierNames lists the name of every tier of this build, best first, whether
// this CPU can run it or not.
func tierNames() []string {
	names := make([]string, len(sets))
	for i, s := range sets {
		names[i] = s.Name
	}
	return names
}

// Available lists the sets this CPU can run, best first (generic last).
func Available() []*Set {
	var out []*Set
	for _, s := range sets {
		if s.Available() {
			out = append(out, s)
		}
	}
	return out
}

// Best is the best set this CPU can run.
func Best() *Set { return Available()[0] }

// Select returns the set of the tier called name; the empty name selects
// Best(). An unknown name, or a tier this CPU cannot run, is an error.
func Select(name string) (*Set, error) {
	if name == "" {
		return Best(), nil
	}
	for _, s := range sets {
		if s.Name == name {
			if !s.Available() {
				return nil, fmt.Errorf("kernels: %q is not available on this CPU (features: %s)", name, strings.Join(Features(), " "))
			}
			return s, nil
		}
	}
	return nil, fmt.Errorf("kernels: unknown kernel set %q (known: %s)", name, strings.Join(tierNames(), ", "))
}

// EnvVar names the environment variable that forces a set.
const EnvVar = "ALBERTQ_KERNELS"

// Default is Select(os.Getenv(EnvVar)), computed once: the set the engine
// uses unless told otherwise.
func Default() (*Set, error) { return defaultSet() }

var defaultSet = sync.OnceValues(func() (*Set, error) {
	s, err := Select(os.Getenv(EnvVar))
	if err != nil {
		err = fmt.Errorf("%s=%s: %w", EnvVar, os.Getenv(EnvVar), err)
	}
	return s, err
})

// Features lists the CPU features that matter to the kernels and that this
// CPU (and OS) supports, e.g. "AVX2", "AVX512VNNI", "ASIMDDP", "I8MM".
func Features() []string { return archFeatures() }
