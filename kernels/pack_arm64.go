//go:build !purego

package kernels

// The NEON movers of the packers (pack_arm64.s): each writes four rows of a
// row-major source, chunks of 16 bytes of each, as one quarter of a block
// of a packed layout; see packA.

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
