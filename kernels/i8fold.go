package kernels

// The sign-folded int8 layout of the AVX2 GEMM (i8fold_amd64.go): B's
// magnitudes, with the signs of each column's k group kept aside so that the
// kernel can put them on A instead, where vpmaddubsw's signed operand is.
//
// B is cut into column panels of foldNR = 6 and K into groups of four, and
// each (panel p, group g) is one 32-byte record:
//
//	bytes 4c..4c+3   |B[4g+t][6p+c]| for t = 0..3   (column c of the panel)
//	byte  24+c       4 · Σ_t 2^t·[B[4g+t][6p+c] < 0]  (its sign variant's offset / 8, see below)
//	bytes 30, 31     zero
//
// Padding columns and k hold zeros. The records run in chunks of foldKC
// groups, and inside a chunk panel after panel, so that a pass over one
// chunk of every panel reads memory in order: with P panels, G groups and
// kc = min(foldKC, G - g/foldKC*foldKC) the groups of g's chunk, record
// (p, g) starts at byte
//
//	32 · (g/foldKC*foldKC*P + p*kc + g%foldKC).
//
// Byte 24+c, times 8 (an address scale), is the offset of the sign variant
// of A the column needs: the one whose bytes t are negated where b is
// negative, variant v (bit t set: byte t negated) being 32·v bytes in.
const (
	foldNR     = 6
	foldKC     = 16
	foldRecord = 32
)

// foldSize is the number of bytes of a K×N matrix in the sign-folded layout.
func foldSize(k, n int) int {
	return ((n + foldNR - 1) / foldNR) * ((k + 3) / 4) * foldRecord
}

// foldChunk is the first group and the group count of the chunk holding
// group g of G.
func foldChunk(g, groups int) (g0, kc int) {
	g0 = g / foldKC * foldKC
	return g0, min(foldKC, groups-g0)
}

// packFolded writes the K×N int8 matrix src (located by s) into dst in the
// sign-folded layout; dst must be zeroed and foldSize(k, n) long.
func packFolded(dst []int8, src []int8, s Strides, k, n int) {
	groups, panels := (k+3)/4, (n+foldNR-1)/foldNR
	for g := range groups {
		g0, kc := foldChunk(g, groups)
		for j := range n {
			rec := dst[foldRecord*(g0*panels+j/foldNR*kc+g-g0):][:foldRecord]
			c := j % foldNR
			for t := range min(4, k-4*g) {
				b := src[(4*g+t)*s.K+j*s.N]
				if b < 0 {
					rec[4*c+t] = -b
					rec[24+c] |= 4 << t
				} else {
					rec[4*c+t] = b
				}
			}
		}
	}
}

// foldAt is B[k][n] read back from the sign-folded layout: the definition
// the packer and the tests share.
func foldAt(data []int8, k, n, kk, j int) int8 {
	groups, panels := (k+3)/4, (n+foldNR-1)/foldNR
	g := kk / 4
	g0, kc := foldChunk(g, groups)
	rec := data[foldRecord*(g0*panels+j/foldNR*kc+g-g0):][:foldRecord]
	c, t := j%foldNR, kk%4
	if rec[24+c]>>t&4 != 0 {
		return -rec[4*c+t]
	}
	return rec[4*c+t]
}
