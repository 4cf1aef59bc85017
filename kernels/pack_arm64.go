//go:build !purego

package kernels

// The NEON movers of the packers (pack_arm64.s): four rows of a row-major
// source, chunks of 16 bytes of each, as one quarter of a block of a packed
// layout (A, and a B whose columns are the source's rows; see packA), and
// the byte transposes of a row-major int8 B's k groups.

// mover is the signature of the movers: dst is the quarter's first slot,
// lds the source's row stride and stride the distance between consecutive
// k groups in dst, both in elements.
type mover[T any] func(dst, src *T, lds, stride, chunks int)

// packWordsNEON packs four rows for KG = 4: each group holds one 4-byte word of every row.
//
//go:noescape
func packWordsNEON(dst, src *int8, lds, stride, chunks int)

// packPairsNEON packs four rows for KG = 8: each group holds 8 bytes of every row.
//
//go:noescape
func packPairsNEON(dst, src *int8, lds, stride, chunks int)

// packRows16NEON packs four rows for KG = 16: each group holds 16 bytes of every row.
//
//go:noescape
func packRows16NEON(dst, src *int8, lds, stride, chunks int)

// packFloatsNEON packs four rows of floats for KG = 1: each k holds one float of every row.
//
//go:noescape
func packFloatsNEON(dst, src *float32, lds, stride, chunks int)

// i8Mover is the int8 mover for k groups of kg (4, 8 or 16).
func i8Mover(kg int) mover[int8] {
	switch kg {
	case 4:
		return packWordsNEON
	case 8:
		return packPairsNEON
	}
	return packRows16NEON
}

// transpose8x8NEON writes dst[i*ldd+j] = src[j*lds+i] for i, j < 8.
//
//go:noescape
func transpose8x8NEON(dst *float32, ldd int, src *float32, lds int)

func transpose8x8Vec(dst []float32, ldd int, src []float32, lds int) {
	_, _ = dst[7*ldd+7], src[7*lds+7]
	transpose8x8NEON(&dst[0], ldd, &src[0], lds)
}

// interleave4NEON lays out groups k groups of a 12-column panel for KG = 4 (see pack_arm64.s).
//
//go:noescape
func interleave4NEON(dst, src *int8, ld, groups int, idx *[48]byte)

// interleave8NEON lays out groups k groups of an 8-column panel for KG = 8.
//
//go:noescape
func interleave8NEON(dst, src *int8, ld, groups int, idx *[64]byte)

// interleave16NEON lays out groups k groups of a 4-column panel for KG = 16.
//
//go:noescape
func interleave16NEON(dst, src *int8, ld, groups int, idx *[64]byte)

// The TBL indices of the interleaves: output byte t of register j takes
// row r, column c of the group, at the place the loads put it.
var (
	idx4  = tblIndex[[48]byte](4, 12, 16)
	idx8  = tblIndex[[64]byte](8, 8, 8)
	idx16 = tblIndex[[64]byte](16, 4, 4)
)

// tblIndex is the index vector of an interleave of kg rows and nr columns
// whose row r, column c is at r·rowBytes + c: output byte i holds column
// i/kg, row i%kg.
func tblIndex[T [48]byte | [64]byte](kg, nr, rowBytes int) *T {
	var idx T
	for i := range kg * nr {
		idx[i] = byte(i%kg*rowBytes + i/kg)
	}
	return &idx
}

// packColumnsNEON is PackColumnsI8: the source's columns are rows to pack,
// as packA packs A, four at a time.
func packColumnsNEON(_ *Set, dst []int8, l Layout, src []int8, ld, k, n int) {
	packA(dst, src, ld, n, k, l, i8Mover(l.KG))
}

// packRowsNEON is PackRowsI8: each whole panel's whole k groups through the
// interleave of its layout (the arm64 kernels': 12 columns by 4 k, 8 by 8,
// 4 by 16), the rest byte by byte.
func packRowsNEON(_ *Set, dst []int8, l Layout, src []int8, ld, k, n int) {
	kp, groups := l.paddedK(k), k/l.KG
	for j0 := 0; j0 < n; j0 += l.NR {
		panel := dst[j0*kp : (j0+l.NR)*kp]
		cols, k0 := min(l.NR, n-j0), 0
		if cols == l.NR && groups > 0 {
			_ = src[(groups*l.KG-1)*ld+j0+cols-1]
			switch l {
			case Layout{NR: 12, KG: 4}:
				interleave4NEON(&panel[0], &src[j0], ld, groups, idx4)
				k0 = groups * l.KG
			case Layout{NR: 8, KG: 8}:
				interleave8NEON(&panel[0], &src[j0], ld, groups, idx8)
				k0 = groups * l.KG
			case Layout{NR: 4, KG: 16}:
				interleave16NEON(&panel[0], &src[j0], ld, groups, idx16)
				k0 = groups * l.KG
			}
		}
		for kk := k0; kk < k; kk++ {
			for c, v := range src[kk*ld+j0 : kk*ld+j0+cols] {
				panel[(kk/l.KG)*l.NR*l.KG+c*l.KG+kk%l.KG] = v
			}
		}
	}
}
