package kernels

import "sync"

// The sign-folded int8 layout of the x86 int8 GEMMs, AVX2 and sse4
// (i8fold_amd64.go): B's magnitudes, with the signs of each column's k group
// kept aside so that the kernel can put them on A instead, where
// (v)pmaddubsw's signed operand is.
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
// negative, variant v (bit t set: byte t negated) being 32·v bytes in; the
// sse4 kernel scales it by 4, for its 16-byte variants.
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

// foldWordsPool holds packFolded's buffer of words.
var foldWordsPool = sync.Pool{New: func() any { return new([]int8) }}

// packFolded writes the K×N int8 matrix src (located by s) into dst in the
// sign-folded layout with the movers m; dst must be zeroed and foldSize(k,
// n) long. A source with either stride 1 goes a chunk of k groups at a time
// into words, each group a row of every column's four bytes (m.CopyWords
// from a transposed source, m.Interleave4 from a row-major one), then
// through m.FoldRecords a group at a time; the rest (a partial last group,
// other strides) element by element.
func packFolded(dst []int8, src []int8, s Strides, k, n int, m *ops) {
	groups, panels := (k+3)/4, (n+foldNR-1)/foldNR
	full := k / 4 // k groups without padding
	if s.K != 1 && s.N != 1 {
		full = 0
	}
	if full > 0 {
		buf := foldWordsPool.Get().(*[]int8)
		defer foldWordsPool.Put(buf)
		row := 4 * (panels*foldNR + 2) // a group's words, and the 8 bytes FoldRecords may read past them
		grow(buf, foldKC*row)
		for g0 := 0; g0 < full; g0 += foldKC {
			kc, rows := min(foldKC, groups-g0), min(foldKC, full-g0)
			words := (*buf)[:rows*row]
			clear(words)
			if s.K == 1 {
				for j := range n {
					m.CopyWords(words[4*j:], row, src[j*s.N+4*g0:][:4*rows])
				}
			} else {
				for g := range rows {
					r := src[4*(g0+g)*s.K:]
					m.Interleave4(words[g*row:], r[:n], r[s.K:][:n], r[2*s.K:][:n], r[3*s.K:][:n])
				}
			}
			for g := range rows {
				m.FoldRecords(dst[foldRecord*(g0*panels+g):], words[g*row:], panels, kc*foldRecord)
			}
		}
	}
	for kk := 4 * full; kk < k; kk++ {
		g := kk / 4
		g0, kc := foldChunk(g, groups)
		for j := range n {
			rec := dst[foldRecord*(g0*panels+j/foldNR*kc+g-g0):]
			foldByte(rec, j%foldNR, kk%4, src[kk*s.K+j*s.N])
		}
	}
}

// foldByte writes b as byte t of column c into its record.
func foldByte(rec []int8, c, t int, b int8) {
	if b < 0 {
		rec[4*c+t] = -b
		rec[24+c] |= 4 << t
	} else {
		rec[4*c+t] = b
	}
}

// foldRecordsGeneric writes the records of one k group of panels panels,
// stride bytes apart, from words: the four bytes of each column in turn
// (6·panels words, read with 8 bytes past them).
func foldRecordsGeneric(dst, words []int8, panels, stride int) {
	for p := range panels {
		rec := dst[p*stride:][:foldRecord]
		clear(rec)
		for c := range foldNR {
			for t := range 4 {
				foldByte(rec, c, t, words[(p*foldNR+c)*4+t])
			}
		}
	}
}
