//go:build !purego

package kernels

import "testing"

// TestPeaks checks that every probe this CPU supports reports a rate.
func TestPeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("the probes take about 50 ms each")
	}
	p := Peaks()
	for _, probe := range peakProbes {
		if probe.available() && p[probe.name] <= 0 {
			t.Errorf("probe %s: %g GOPS", probe.name, p[probe.name])
		}
	}
	t.Logf("peaks (GOPS): %v", p)
}
