package kernels

import (
	"fmt"
	"runtime"
	"testing"
)

// benchGEMMShapes are the M×K×N of BERT-base's Linears at 128 tokens.
var benchGEMMShapes = [][3]int{{128, 768, 768}, {128, 768, 3072}, {128, 3072, 768}}

// BenchmarkGEMM times every available kernel single-threaded and reports
// GOPS (a multiply-add counts 2) and the percentage of its peak probe, both
// in thread CPU time like Peaks (ns/op stays wall time).
func BenchmarkGEMM(b *testing.B) {
	for _, sh := range benchGEMMShapes {
		for _, r := range benchRunners(sh[0], sh[1], sh[2]) {
			b.Run(fmt.Sprintf("%s/%s/%dx%dx%d", r.kind, r.impl.Name, sh[0], sh[1], sh[2]), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				r.run()
				b.ResetTimer()
				sw := startStopwatch()
				for b.Loop() {
					r.run()
				}
				gops := 2 * float64(sh[0]*sh[1]*sh[2]) * float64(b.N) / sw.elapsed().Seconds() / 1e9
				b.ReportMetric(gops, "GOPS")
				if peak := Peaks()[r.impl.Probe]; peak > 0 {
					b.ReportMetric(100*gops/peak, "%peak")
				}
			})
		}
	}
}

func TestBenchKernels(t *testing.T) {
	got := BenchKernels([][3]int{{3, 8, 5}}, 0)
	if len(got) != len(F32Kernels())+len(F16Kernels())+len(I8Kernels()) {
		t.Fatalf("%d results, want one per available kernel", len(got))
	}
	for _, kb := range got {
		if kb.GOPS <= 0 || kb.M != 3 || kb.K != 8 || kb.N != 5 {
			t.Errorf("bad result %+v", kb)
		}
	}
}
