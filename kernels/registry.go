package kernels

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// The implementations of each kind, best first; the generic one is last and
// always available. The per-architecture files supply the rest.
var (
	f32Kernels = append(archF32Kernels(), genericF32)
	f16Kernels = append(archF16Kernels(), genericF16)
	i8Kernels  = append(archI8Kernels(), genericI8)
)

// Set is the kernel chosen for each kind.
type Set struct {
	F32 *F32Kernel
	F16 *F16Kernel
	I8  *I8Kernel
}

type implementation interface{ impl() *Impl }

// F32Kernels lists the fp32 implementations this CPU can run, best first.
func F32Kernels() []*F32Kernel { return available(f32Kernels) }

// F16Kernels lists the fp16 implementations this CPU can run, best first.
func F16Kernels() []*F16Kernel { return available(f16Kernels) }

// I8Kernels lists the int8 implementations this CPU can run, best first.
func I8Kernels() []*I8Kernel { return available(i8Kernels) }

func available[K implementation](all []K) []K {
	var out []K
	for _, k := range all {
		if k.impl().Available() {
			out = append(out, k)
		}
	}
	return out
}

// Best is the fastest available kernel of each kind.
func Best() Set {
	return Set{F32: F32Kernels()[0], F16: F16Kernels()[0], I8: I8Kernels()[0]}
}

// Names lists every implementation name of every kind, available or not.
func Names() []string {
	return sortedNames(impls(f32Kernels), impls(f16Kernels), impls(i8Kernels))
}

func impls[K implementation](all []K) []*Impl {
	out := make([]*Impl, len(all))
	for i, k := range all {
		out[i] = k.impl()
	}
	return out
}

// AvailableNames lists the names this CPU can run, of any kind: the values
// ALBERTQ_KERNELS accepts here.
func AvailableNames() []string {
	return sortedNames(impls(F32Kernels()), impls(F16Kernels()), impls(I8Kernels()))
}

// sortedNames is the sorted set of the implementations' names.
func sortedNames(lists ...[]*Impl) []string {
	var names []string
	for _, list := range lists {
		for _, i := range list {
			names = append(names, i.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Select forces the implementation called name for every kind that has one;
// the other kinds keep their best. An unknown name, or one this CPU cannot
// run, is an error. The empty name selects Best().
func Select(name string) (Set, error) {
	s := Best()
	if name == "" {
		return s, nil
	}
	f32, ok1, err1 := named(f32Kernels, name)
	f16, ok2, err2 := named(f16Kernels, name)
	i8, ok3, err3 := named(i8Kernels, name)
	if err := errors.Join(err1, err2, err3); err != nil {
		return Set{}, err
	}
	if !ok1 && !ok2 && !ok3 {
		return Set{}, fmt.Errorf("kernels: unknown kernel %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	if ok1 {
		s.F32 = f32
	}
	if ok2 {
		s.F16 = f16
	}
	if ok3 {
		s.I8 = i8
	}
	return s, nil
}

// named finds the implementation called name, failing if this CPU lacks it.
func named[K implementation](all []K, name string) (K, bool, error) {
	var zero K
	for _, k := range all {
		if i := k.impl(); i.Name == name {
			if !i.Available() {
				return zero, false, fmt.Errorf("kernels: %q is not available on this CPU", name)
			}
			return k, true, nil
		}
	}
	return zero, false, nil
}

// EnvVar names the environment variable that forces a kernel.
const EnvVar = "ALBERTQ_KERNELS"

var (
	defaultOnce sync.Once
	defaultSet  Set
	defaultErr  error
)

// Default is Select(os.Getenv(EnvVar)), computed once: the kernels the
// engine uses unless told otherwise.
func Default() (Set, error) {
	defaultOnce.Do(func() {
		defaultSet, defaultErr = Select(os.Getenv(EnvVar))
		if defaultErr != nil {
			defaultErr = fmt.Errorf("%s=%s: %w", EnvVar, os.Getenv(EnvVar), defaultErr)
		}
	})
	return defaultSet, defaultErr
}

// Features lists the CPU features that matter to the kernels and that this
// CPU (and OS) supports, e.g. "AVX2", "AVX512VNNI", "ASIMDDP", "I8MM".
func Features() []string { return archFeatures() }
