//go:build !purego

package kernels

// The sse4 tier's vector work: SSE assembly (vector_sse_amd64.s) on whole
// groups of four elements, the portable Go (bit for bit generic's) on the
// rest.

// maxAbsSSE is max |x[i]| over n (a multiple of 4) elements.
//
//go:noescape
func maxAbsSSE(x *float32, n int) float32

// quantizeSSE writes round(src[i]·inv) clamped to ±127 for n (a multiple of 4) elements.
//
//go:noescape
func quantizeSSE(dst *int8, src *float32, n int, inv float32)

// quantizeScaledSSE writes round(src[i]·inv[i]) clamped to ±127 for n (a multiple of 4) elements.
//
//go:noescape
func quantizeScaledSSE(dst *int8, src, inv *float32, n int)

// expScaleSumSSE sets x[i] = exp(x[i]·scale - shift) for n (a multiple of 4) elements and returns their sum.
//
//go:noescape
func expScaleSumSSE(x *float32, n int, scale, shift float32) float32

// geluTanhSSE applies gelu_new to n (a multiple of 4) elements in place.
//
//go:noescape
func geluTanhSSE(x *float32, n int)

// geluErfSSE applies gelu (erf form) to n (a multiple of 4) elements in place.
//
//go:noescape
func geluErfSSE(x *float32, n int)

// multiplySSE multiplies n (a multiple of 4) elements by by.
//
//go:noescape
func multiplySSE(x *float32, n int, by float32)

// normalizeSSE sets x[i] = (x[i]-mean)·inv·gamma[i] + beta[i] for n (a multiple of 4) elements.
//
//go:noescape
func normalizeSSE(x, gamma, beta *float32, n int, mean, inv float32)

// addSumLanesSSE adds resid (if not nil) into n (a multiple of 4, > 0) elements of x and writes their 32 partial sums (element i in lanes[i%32]).
//
//go:noescape
func addSumLanesSSE(lanes *[32]float32, x, resid *float32, n int)

// sqDevSumLanesSSE writes the 32 partial sums of (x[i] - mean)² over n (a multiple of 4, > 0) elements.
//
//go:noescape
func sqDevSumLanesSSE(lanes *[32]float32, x *float32, n int, mean float32)

// quads is the part of an n-element slice the SSE assembly takes.
func quads(n int) int { return n &^ 3 }

func maxAbsVecSSE(x []float32) float32 {
	n := quads(len(x))
	peak := maxAbsPortable(x[n:])
	if n > 0 {
		peak = max(peak, maxAbsSSE(&x[0], n))
	}
	return peak
}

func quantizeVecSSE(dst []int8, src []float32, inv float32) {
	n := quads(len(src))
	dst = dst[:len(src)]
	if n > 0 {
		quantizeSSE(&dst[0], &src[0], n, inv)
	}
	quantizePortable(dst[n:], src[n:], inv)
}

func quantizeScaledVecSSE(dst []int8, src, inv []float32) {
	n := quads(len(src))
	dst, inv = dst[:len(src)], inv[:len(src)]
	if n > 0 {
		quantizeScaledSSE(&dst[0], &src[0], &inv[0], n)
	}
	quantizeScaledPortable(dst[n:], src[n:], inv[n:])
}

func expScaleSumVecSSE(x []float32, scale, shift float32) float32 {
	n := quads(len(x))
	sum := expScaleSumGeneric(x[n:], scale, shift)
	if n > 0 {
		sum += expScaleSumSSE(&x[0], n, scale, shift)
	}
	return sum
}

func geluTanhVecSSE(x []float32) {
	n := quads(len(x))
	if n > 0 {
		geluTanhSSE(&x[0], n)
	}
	geluTanhGeneric(x[n:])
}

func geluErfVecSSE(x []float32) {
	n := quads(len(x))
	if n > 0 {
		geluErfSSE(&x[0], n)
	}
	geluErfPortable(x[n:])
}

func multiplyVecSSE(x []float32, by float32) {
	n := quads(len(x))
	if n > 0 {
		multiplySSE(&x[0], n, by)
	}
	multiplyGeneric(x[n:], by)
}

func normalizeVecSSE(x, gamma, beta []float32, mean, inv float32) {
	n := quads(len(x))
	gamma, beta = gamma[:len(x)], beta[:len(x)]
	if n > 0 {
		normalizeSSE(&x[0], &gamma[0], &beta[0], n, mean, inv)
	}
	normalizePortable(x[n:], gamma[n:], beta[n:], mean, inv)
}

// addSumVecSSE is addSumGeneric: the assembly's partial sums, the tail's
// elements added into their lanes in order, folded by sumLanes32.
func addSumVecSSE(x, resid []float32) float32 {
	n := quads(len(x))
	if n == 0 {
		return addSumPortable(x, resid)
	}
	var r *float32
	if resid != nil {
		resid = resid[:len(x)]
		r = &resid[0]
	}
	var lanes [32]float32
	addSumLanesSSE(&lanes, &x[0], r, n)
	for i := n; i < len(x); i++ {
		if resid != nil {
			x[i] += resid[i]
		}
		lanes[i%32] += x[i]
	}
	return sumLanes32(&lanes)
}

// sqDevSumVecSSE is sqDevSumGeneric, as addSumVecSSE.
func sqDevSumVecSSE(x []float32, mean float32) float32 {
	n := quads(len(x))
	if n == 0 {
		return sqDevSumPortable(x, mean)
	}
	var lanes [32]float32
	sqDevSumLanesSSE(&lanes, &x[0], n, mean)
	for i := n; i < len(x); i++ {
		d := x[i] - mean
		lanes[i%32] += d * d
	}
	return sumLanes32(&lanes)
}
