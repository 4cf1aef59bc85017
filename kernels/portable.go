package kernels

import (
	"github.com/albertq/albertq/internal/half"
)

// The portable tier: the GEMMs and vector work in plain Go written for
// speed rather than for reading, for every architecture without assembly,
// the purego build, and as the SIMD tiers' fallback for the ops they lack.
// The generic tier stays the readable reference the tests compare it with.
//
// The GEMMs compute register tiles of pMR rows × pNR columns, the
// accumulators in local variables, from A packed per call (pMR rows
// interleaved, so one slice walks them) and B packed in panels of pNR
// columns (Layout{pNR, 1}). The loops are written so that the compiler
// proves every index in range (go build -gcflags=-d=ssa/check_bce reports
// no check inside them).
var portableTier = &tier{
	name:      "portable",
	available: func() bool { return true },
	fallback:  "generic",
	ops: ops{
		F32: &F32Kernel{Layout: Layout{NR: pNR, KG: 1}, gemm: gemmF32Portable},
		F16: &F16Kernel{Layout: Layout{NR: pNR, KG: 1}, gemm: gemmF16Portable},
		I8:  &I8Kernel{Layout: Layout{NR: pNR, KG: 4}, gemm: gemmI8Portable},

		MaxAbs:         maxAbsPortable,
		Quantize:       quantizePortable,
		QuantizeScaled: quantizeScaledPortable,
		ColumnPeaks:    columnPeaksPortable,

		Max: maxPortable,
		// The generic exp loops are already what a portable twin would be.
		ExpScaleSum: expScaleSumGeneric,

		GELUTanh: geluTanhGeneric,
		GELUErf:  geluErfPortable,

		AddSum:    addSumPortable,
		SqDevSum:  sqDevSumPortable,
		Normalize: normalizePortable,
	},
}

// The portable register tile.
const (
	pMR = 4
	pNR = 4
)

// gemmF32Portable is the portable fp32 GEMM.
func gemmF32Portable(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF32, bias []float32, n0, n1 int) {
	s := getScratch()
	defer putScratch(s)
	ap := packRowBlocks(grow(&s.f32, (m+pMR-1)/pMR*pMR*b.K), a, lda, m, b.K, b.K)
	floatPanels(c, ldc, ap, m, b.K, b.Data, bias, n0, n1)
}

// gemmF16Portable is the portable fp16-weight GEMM: each panel of B is
// widened to fp32 once per call and then runs as gemmF32Portable's.
func gemmF16Portable(c []float32, ldc int, a []float32, lda int, _ []float32, m int, b *PackedF16, bias []float32, n0, n1 int) {
	s := getScratch()
	defer putScratch(s)
	k := b.K
	rowsA := (m + pMR - 1) / pMR * pMR * k
	buf := grow(&s.f32, rowsA+pNR*k)
	ap, panel := packRowBlocks(buf[:rowsA], a, lda, m, k, k), buf[rowsA:]
	for j := n0; j < n1; j += pNR {
		widenHalves(panel, b.Data[j*k:(j+pNR)*k])
		floatPanels(c[j:], ldc, ap, m, k, panel, bias[min(j, len(bias)):], 0, min(pNR, n1-j))
	}
}

// widenHalves writes the half-precision values src as float32 into dst.
func widenHalves(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = half.ToFloat32(h)
	}
}

// packRowBlocks copies the m×k A (leading dimension lda) into dst in blocks
// of pMR rows kp ≥ k deep, element (i, kk) at (i/pMR)*pMR*kp + kk*pMR +
// i%pMR, rows past m and k past k zero, and returns dst.
func packRowBlocks[T int8 | float32](dst, a []T, lda, m, k, kp int) []T {
	for i0 := 0; i0 < m; i0 += pMR {
		blk := dst[i0*kp : (i0+pMR)*kp]
		clear(blk[k*pMR:])
		if i0+pMR > m { // the last block, short of rows
			clear(blk)
			for i := i0; i < m; i++ {
				for kk, v := range a[i*lda : i*lda+k] {
					blk[kk*pMR+i-i0] = v
				}
			}
			continue
		}
		r0, r1, r2, r3 := a[i0*lda:][:k], a[(i0+1)*lda:][:k], a[(i0+2)*lda:][:k], a[(i0+3)*lda:][:k]
		for b := blk; len(b) >= 4 && len(r0) > 0 && len(r1) > 0 && len(r2) > 0 && len(r3) > 0; b = b[4:] {
			b[0], b[1], b[2], b[3] = r0[0], r1[0], r2[0], r3[0]
			r0, r1, r2, r3 = r0[1:], r1[1:], r2[1:], r3[1:]
		}
	}
	return dst
}

// floatPanels computes columns [n0, n1) of C from the packed A (m rows, k
// deep) and the fp32 panels of b, whose panel p starts at p*pNR*k.
func floatPanels(c []float32, ldc int, ap []float32, m, k int, b, bias []float32, n0, n1 int) {
	for j := n0; j < n1; j += pNR {
		cols := min(pNR, n1-j)
		panel := b[j*k : (j+pNR)*k]
		var bj [pNR]float32
		if bias != nil {
			copy(bj[:cols], bias[j:])
		}
		for i := 0; i < m; i += pMR {
			t := f32TilePortable(ap[i*k:(i+pMR)*k], panel)
			rows := min(pMR, m-i)
			for r := range rows {
				dst := c[(i+r)*ldc+j:][:cols]
				for col := range dst {
					dst[col] = t[r*pNR+col] + bj[col]
				}
			}
		}
	}
}

// f32TilePortable returns the pMR×pNR tile Σ_k a[k*pMR+i]·b[k*pNR+j] of a packed
// block of A and a panel of B, both over the same k. The loop takes four k
// at a time: the compiler schedules each step's products before its sums
// when nothing in the loop body uses those sums, which holds every product
// at once in registers (and spills them on amd64); unrolled, only the last
// step's do.
func f32TilePortable(a, b []float32) [pMR * pNR]float32 {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 float32
	var a0, a1, a2, a3, b0, b1, b2, b3 float32
	for ; len(a) >= 16 && len(b) >= 16; a, b = a[16:], b[16:] {
		a0, a1, a2, a3 = a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 = b[0], b[1], b[2], b[3]
		c00, c01, c02, c03 = c00+a0*b0, c01+a0*b1, c02+a0*b2, c03+a0*b3
		c10, c11, c12, c13 = c10+a1*b0, c11+a1*b1, c12+a1*b2, c13+a1*b3
		c20, c21, c22, c23 = c20+a2*b0, c21+a2*b1, c22+a2*b2, c23+a2*b3
		c30, c31, c32, c33 = c30+a3*b0, c31+a3*b1, c32+a3*b2, c33+a3*b3
		a0, a1, a2, a3 = a[4], a[5], a[6], a[7]
		b0, b1, b2, b3 = b[4], b[5], b[6], b[7]
		c00, c01, c02, c03 = c00+a0*b0, c01+a0*b1, c02+a0*b2, c03+a0*b3
		c10, c11, c12, c13 = c10+a1*b0, c11+a1*b1, c12+a1*b2, c13+a1*b3
		c20, c21, c22, c23 = c20+a2*b0, c21+a2*b1, c22+a2*b2, c23+a2*b3
		c30, c31, c32, c33 = c30+a3*b0, c31+a3*b1, c32+a3*b2, c33+a3*b3
		a0, a1, a2, a3 = a[8], a[9], a[10], a[11]
		b0, b1, b2, b3 = b[8], b[9], b[10], b[11]
		c00, c01, c02, c03 = c00+a0*b0, c01+a0*b1, c02+a0*b2, c03+a0*b3
		c10, c11, c12, c13 = c10+a1*b0, c11+a1*b1, c12+a1*b2, c13+a1*b3
		c20, c21, c22, c23 = c20+a2*b0, c21+a2*b1, c22+a2*b2, c23+a2*b3
		c30, c31, c32, c33 = c30+a3*b0, c31+a3*b1, c32+a3*b2, c33+a3*b3
		a0, a1, a2, a3 = a[12], a[13], a[14], a[15]
		b0, b1, b2, b3 = b[12], b[13], b[14], b[15]
		c00, c01, c02, c03 = c00+a0*b0, c01+a0*b1, c02+a0*b2, c03+a0*b3
		c10, c11, c12, c13 = c10+a1*b0, c11+a1*b1, c12+a1*b2, c13+a1*b3
		c20, c21, c22, c23 = c20+a2*b0, c21+a2*b1, c22+a2*b2, c23+a2*b3
		c30, c31, c32, c33 = c30+a3*b0, c31+a3*b1, c32+a3*b2, c33+a3*b3
	}
	for ; len(a) >= 4 && len(b) >= 4; a, b = a[4:], b[4:] {
		a0, a1, a2, a3 = a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 = b[0], b[1], b[2], b[3]
		c00, c01, c02, c03 = c00+a0*b0, c01+a0*b1, c02+a0*b2, c03+a0*b3
		c10, c11, c12, c13 = c10+a1*b0, c11+a1*b1, c12+a1*b2, c13+a1*b3
		c20, c21, c22, c23 = c20+a2*b0, c21+a2*b1, c22+a2*b2, c23+a2*b3
		c30, c31, c32, c33 = c30+a3*b0, c31+a3*b1, c32+a3*b2, c33+a3*b3
	}
	return [pMR * pNR]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
}

// gemmI8Portable is the portable int8 GEMM. B is packed in k groups of four
// (Layout{pNR, 4}) and A per call like the float kernels' but with K
// zero-padded to whole groups, so the tile's loop takes a group at a time.
// Each 64-bit multiply does two multiply-adds: a times a pair of columns of
// B held as b0 + b1·2³² adds a·b0 to the low half of an int64 sum and a·b1
// to its high half. Sums in [-2³¹, 2³¹) come apart exactly (see splitPair),
// which covers every K whose int32 sums cannot overflow (K·127² < 2³¹).
func gemmI8Portable(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	s := getScratch()
	defer putScratch(s)
	kp := b.Layout.paddedK(b.K)
	ap := packRowBlocks(grow(&s.i8, (m+pMR-1)/pMR*pMR*kp), a, lda, m, b.K, kp)
	for j := n0; j < n1; j += pNR {
		cols := min(pNR, n1-j)
		panel := b.Data[j*kp : (j+pNR)*kp]
		var sb, bj [pNR]float32
		copy(sb[:cols], b.Scales[j:])
		if bias != nil {
			copy(bj[:cols], bias[j:])
		}
		for i := 0; i < m; i += pMR {
			t := i8TilePortable(ap[i*kp:(i+pMR)*kp], panel)
			rows := min(pMR, m-i)
			for r := range rows {
				dst := c[(i+r)*ldc+j:][:cols]
				for col := range dst {
					dst[col] = sa[i+r]*sb[col]*float32(t[r*pNR+col]) + bj[col]
				}
			}
		}
	}
}

// i8TilePortable returns the pMR×pNR tile of exact int32 sums of a packed block of
// A (a[k*pMR+i]) and a panel of B (k group g, column j, k%4 at
// b[16g+4j+k%4]), a group of four k per step.
func i8TilePortable(a, b []int8) (t [pMR * pNR]int32) {
	var c0l, c0h, c1l, c1h, c2l, c2h, c3l, c3h int64 // row i, columns 0-1 (l) and 2-3 (h)
	var a0, a1, a2, a3, lo, hi int64
	for ; len(a) >= 16 && len(b) >= 16; a, b = a[16:], b[16:] {
		lo, hi = int64(b[0])+int64(b[4+0])<<32, int64(b[8+0])+int64(b[12+0])<<32
		a0, a1, a2, a3 = int64(a[4*0]), int64(a[4*0+1]), int64(a[4*0+2]), int64(a[4*0+3])
		c0l, c0h, c1l, c1h = c0l+a0*lo, c0h+a0*hi, c1l+a1*lo, c1h+a1*hi
		c2l, c2h, c3l, c3h = c2l+a2*lo, c2h+a2*hi, c3l+a3*lo, c3h+a3*hi
		lo, hi = int64(b[1])+int64(b[4+1])<<32, int64(b[8+1])+int64(b[12+1])<<32
		a0, a1, a2, a3 = int64(a[4*1]), int64(a[4*1+1]), int64(a[4*1+2]), int64(a[4*1+3])
		c0l, c0h, c1l, c1h = c0l+a0*lo, c0h+a0*hi, c1l+a1*lo, c1h+a1*hi
		c2l, c2h, c3l, c3h = c2l+a2*lo, c2h+a2*hi, c3l+a3*lo, c3h+a3*hi
		lo, hi = int64(b[2])+int64(b[4+2])<<32, int64(b[8+2])+int64(b[12+2])<<32
		a0, a1, a2, a3 = int64(a[4*2]), int64(a[4*2+1]), int64(a[4*2+2]), int64(a[4*2+3])
		c0l, c0h, c1l, c1h = c0l+a0*lo, c0h+a0*hi, c1l+a1*lo, c1h+a1*hi
		c2l, c2h, c3l, c3h = c2l+a2*lo, c2h+a2*hi, c3l+a3*lo, c3h+a3*hi
		lo, hi = int64(b[3])+int64(b[4+3])<<32, int64(b[8+3])+int64(b[12+3])<<32
		a0, a1, a2, a3 = int64(a[4*3]), int64(a[4*3+1]), int64(a[4*3+2]), int64(a[4*3+3])
		c0l, c0h, c1l, c1h = c0l+a0*lo, c0h+a0*hi, c1l+a1*lo, c1h+a1*hi
		c2l, c2h, c3l, c3h = c2l+a2*lo, c2h+a2*hi, c3l+a3*lo, c3h+a3*hi
	}
	t[0], t[1] = splitPair(c0l)
	t[2], t[3] = splitPair(c0h)
	t[4], t[5] = splitPair(c1l)
	t[6], t[7] = splitPair(c1h)
	t[8], t[9] = splitPair(c2l)
	t[10], t[11] = splitPair(c2h)
	t[12], t[13] = splitPair(c3l)
	t[14], t[15] = splitPair(c3h)
	return t
}

// splitPair takes apart a sum s0 + s1·2³² (mod 2⁶⁴) of two int32 sums: the
// low 32 bits are s0's, and what is left, shifted down, is s1.
func splitPair(v int64) (s0, s1 int32) {
	s0 = int32(v)
	return s0, int32((v - int64(s0)) >> 32)
}
