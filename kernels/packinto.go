package kernels

// PackInto packs the K×N matrix src like Pack, but into p, reusing p.Data's
// memory when it is big enough: for B operands packed per call (attention's
// keys and values), so a warm caller allocates nothing.
func (kn *F32Kernel) PackInto(p *PackedF32, src []float32, s Strides, k, n int) {
	checkSource(len(src), s, k, n)
	l := kn.Layout
	size := l.size(k, n)
	if cap(p.Data) < size {
		p.Data = make([]float32, size)
	}
	p.K, p.N, p.Layout, p.Data = k, n, l, p.Data[:size]
	if l.KG != 1 {
		clear(p.Data)
		packInto(p.Data, l, src, s, k, n, func(x float32) float32 { return x })
		return
	}
	packPanelsF32(p.Data, l.NR, src, s, k, n)
}

// packPanelsF32 is packInto for KG = 1 (element (k, j) of panel p at
// p*K*NR + k*NR + j%NR), writing every element, padding included, once:
// a row-major source copies NR-wide runs, a transposed one scatters rows.
func packPanelsF32(dst []float32, nr int, src []float32, s Strides, k, n int) {
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
		for c := range cols {
			col := src[(j0+c)*s.N:]
			if s.K == 1 { // a Linear weight, or attention's keys
				for kk, v := range col[:k] {
					panel[kk*nr+c] = v
				}
				continue
			}
			for kk := range k {
				panel[kk*nr+c] = col[kk*s.K]
			}
		}
	}
}
