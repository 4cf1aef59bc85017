package kernels

// PackInto packs the K×N matrix src like Pack, but into p, reusing p.Data's
// memory when it is big enough: for B operands packed per call (attention's
// keys and values), so a warm caller allocates nothing.
func (kn *F32Kernel) PackInto(p *PackedF32, src []float32, s Strides, k, n int) {
	checkSource(len(src), s, k, n)
	l := kn.Layout
	p.K, p.N, p.Layout = k, n, l
	grow(&p.Data, l.size(k, n))
	if l.KG != 1 {
		clear(p.Data)
		packInto(p.Data, l, src, s, k, n, func(x float32) float32 { return x })
		return
	}
	packPanelsF32(p.Data, l.NR, src, s, k, n, kn.set.ops.Transpose8x8)
}

// packPanelsF32 is packInto for KG = 1 (element (k, j) of panel p at
// p*K*NR + k*NR + j%NR), writing every element, padding included, once:
// a row-major source copies NR-wide runs, a transposed one scatters rows,
// 8×8 blocks at a time through transpose.
func packPanelsF32(dst []float32, nr int, src []float32, s Strides, k, n int, transpose func(dst []float32, ldd int, src []float32, lds int)) {
	for j0 := 0; j0 < n; j0 += nr {
		panel := dst[j0*k : (j0+nr)*k]
		cols := min(nr, n-j0)
		if s.N == 1 {
			for kk := range k {
				row := panel[kk*nr : (kk+1)*nr]
				copy(row, src[kk*s.K+j0:kk*s.K+j0+cols])
				clear(row[cols:])
			}
			continue
		}
		if cols < nr {
			clear(panel)
		}
		c0 := 0
		if s.K == 1 { // a Linear weight or attention's keys: 8×8 blocks transposed at once
			for ; c0+8 <= cols; c0 += 8 {
				col := src[(j0+c0)*s.N:]
				for kk := 0; kk+8 <= k; kk += 8 {
					transpose(panel[kk*nr+c0:], nr, col[kk:], s.N)
				}
				for kk := k / 8 * 8; kk < k; kk++ {
					for c := range 8 {
						panel[kk*nr+c0+c] = col[c*s.N+kk]
					}
				}
			}
		}
		for c := c0; c < cols; c++ {
			col := src[(j0+c)*s.N:]
			for kk := range k {
				panel[kk*nr+c] = col[kk*s.K]
			}
		}
	}
}

// PackInto packs the int8 K×N matrix src with its column scales like Pack,
// into p, reusing p's memory when it is big enough: for attention's keys and
// values, quantized and packed per call.
func (kn *I8Kernel) PackInto(p *PackedI8, src []int8, s Strides, k, n int, scales []float32) {
	checkSource(len(src), s, k, n)
	if len(scales) != n {
		panic("kernels: int8 pack needs one scale per column")
	}
	l := kn.Layout
	p.K, p.N, p.Layout = k, n, l
	grow(&p.Data, l.size(k, n))
	p.Scales = append(p.Scales[:0], scales...)
	clear(p.Data)
	p.ColSums = p.ColSums[:0]
	if l.SignFolded {
		packFolded(p.Data, src, s, k, n, &kn.set.ops)
		return
	}
	switch set := kn.set; {
	case s.K == 1:
		set.ops.PackColumnsI8(set, p.Data, l, src, s.N, k, n)
	case s.N == 1:
		set.ops.PackRowsI8(set, p.Data, l, src, s.K, k, n)
	default:
		packInto(p.Data, l, src, s, k, n, func(x int8) int8 { return x })
	}
	if !kn.noColSums {
		columnSums(p, src, s, &kn.set.ops)
	}
}

// columnSums sets p.ColSums to the sums of the columns of src (located by
// s), with the set's movers m.
func columnSums(p *PackedI8, src []int8, s Strides, m *ops) {
	sums := grow(&p.ColSums, p.N)
	if s.K == 1 {
		for j := range sums {
			sums[j] = m.SumI8(src[j*s.N : j*s.N+p.K])
		}
		return
	}
	clear(sums)
	for kk := range p.K {
		if s.N == 1 {
			m.AddI8(sums, src[kk*s.K:kk*s.K+p.N])
			continue
		}
		for j := range sums {
			sums[j] += int32(src[kk*s.K+j*s.N])
		}
	}
}

// grow sets *buf to length n, reallocating only when its capacity is short
// (the contents are then undefined), and returns it: the one way packed
// operands and the drivers' scratch reuse their memory.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	*buf = (*buf)[:n]
	return *buf
}

// transpose8x8Generic writes dst[i*ldd+j] = src[j*lds+i] for i, j < 8.
func transpose8x8Generic(dst []float32, ldd int, src []float32, lds int) {
	for i := range 8 {
		for j := range 8 {
			dst[i*ldd+j] = src[j*lds+i]
		}
	}
}

// packColumnsI8 is PackColumnsI8 with the set's movers: each column's k
// groups are runs of KG bytes in the layout.
func packColumnsI8(set *Set, dst []int8, l Layout, src []int8, ld, k, n int) {
	kp, full := l.paddedK(k), k/l.KG*l.KG
	for j := range n {
		col := src[j*ld : j*ld+k]
		out := dst[(j/l.NR)*kp*l.NR+(j%l.NR)*l.KG:]
		if l.KG == 4 {
			set.ops.CopyWords(out, l.NR*4, col[:full])
		} else {
			for g := 0; g < full; g += l.KG {
				copy(out[g*l.NR:g*l.NR+l.KG], col[g:g+l.KG])
			}
		}
		if full < k {
			copy(out[full*l.NR:], col[full:])
		}
	}
}

// packRowsI8 is PackRowsI8 with the set's movers: for KG = 4 each k group
// interleaves four rows, panel by panel; otherwise byte by byte.
func packRowsI8(set *Set, dst []int8, l Layout, src []int8, ld, k, n int) {
	kp, full := l.paddedK(k), 0
	if l.KG == 4 {
		full = k / 4 * 4
	}
	row := func(kk int) []int8 { return src[kk*ld : kk*ld+n] }
	for kk := 0; kk < full; kk += 4 {
		for j0 := 0; j0 < n; j0 += l.NR {
			j1 := min(j0+l.NR, n)
			out := dst[(j0/l.NR)*kp*l.NR+kk*l.NR:]
			set.ops.Interleave4(out, row(kk)[j0:j1], row(kk + 1)[j0:j1], row(kk + 2)[j0:j1], row(kk + 3)[j0:j1])
		}
	}
	for kk := full; kk < k; kk++ {
		for j0 := 0; j0 < n; j0 += l.NR {
			out := dst[(j0/l.NR)*kp*l.NR+(kk/l.KG)*l.NR*l.KG+kk%l.KG:]
			for c, v := range row(kk)[j0:min(j0+l.NR, n)] {
				out[c*l.KG] = v
			}
		}
	}
}

// copyWordsGeneric copies src four bytes at a time to dst, each word stride
// bytes after the last.
func copyWordsGeneric(dst []int8, stride int, src []int8) {
	for g := 0; g+4 <= len(src); g += 4 {
		copy(dst[g/4*stride:g/4*stride+4], src[g:g+4])
	}
}

// interleave4Generic writes dst[4j+t] = r_t[j]: four rows of equal length
// as the KG = 4 layout groups them.
func interleave4Generic(dst, r0, r1, r2, r3 []int8) {
	for j := range r0 {
		dst[4*j], dst[4*j+1], dst[4*j+2], dst[4*j+3] = r0[j], r1[j], r2[j], r3[j]
	}
}

// sumI8Generic is the sum of x.
func sumI8Generic(x []int8) int32 {
	var s int32
	for _, v := range x {
		s += int32(v)
	}
	return s
}

// addI8Generic adds x to sums element by element.
func addI8Generic(sums []int32, x []int8) {
	for i, v := range x {
		sums[i] += int32(v)
	}
}
