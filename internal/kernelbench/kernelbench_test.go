package kernelbench

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/albertq/albertq/internal/cputime"
	"github.com/albertq/albertq/kernels"
)

// benchGEMMShapes are the M×K×N of BERT-base's Linears at 128 tokens.
var benchGEMMShapes = [][3]int{{128, 768, 768}, {128, 768, 3072}, {128, 3072, 768}}

// BenchmarkGEMM times every available kernel single-threaded and reports
// GOPS (a multiply-add counts 2) and the percentage of its peak probe, both
// in thread CPU time like Peaks (ns/op stays wall time).
func BenchmarkGEMM(b *testing.B) {
	for _, sh := range benchGEMMShapes {
		for _, r := range runners(sh[0], sh[1], sh[2]) {
			b.Run(fmt.Sprintf("%s/%s/%dx%dx%d", r.kind, r.name, sh[0], sh[1], sh[2]), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				r.run()
				b.ResetTimer()
				sw := cputime.Start()
				for b.Loop() {
					r.run()
				}
				gops := 2 * float64(sh[0]*sh[1]*sh[2]) * float64(b.N) / sw.Elapsed().Seconds() / 1e9
				b.ReportMetric(gops, "GOPS")
				if peak := kernels.Peaks()[r.probe]; peak > 0 {
					b.ReportMetric(100*gops/peak, "%peak")
				}
			})
		}
	}
}

// TestRun checks that every available kernel gets a result: each kind once
// per tier that implements it.
func TestRun(t *testing.T) {
	got := Run([][3]int{{3, 8, 5}}, 0)
	seen := map[string]bool{}
	for _, s := range kernels.Available() {
		seen["f32/"+s.F32.Name], seen["f16/"+s.F16.Name], seen["i8/"+s.I8.Name] = true, true, true
	}
	if len(got) != len(seen) {
		t.Fatalf("%d results, want one per available kernel (%d)", len(got), len(seen))
	}
	for _, kb := range got {
		if kb.GOPS <= 0 || kb.M != 3 || kb.K != 8 || kb.N != 5 || !seen[kb.Kind+"/"+kb.Name] {
			t.Errorf("bad result %+v", kb)
		}
	}
}
