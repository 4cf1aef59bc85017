//go:build !purego

package kernels

import "unsafe"

// The sign-folded int8 GEMM of the x86 tiers, one driver (foldGEMM) for
// the AVX2 and sse4 kernels: vpmaddubsw/pmaddubsw, (v)pmaddwd by ones and
// (v)paddd (the chain ONNX Runtime and others use), made exact by
// multiplying |b| (unsigned) by a·sign(b) (signed): every product is at most
// 127·127 in magnitude, so the int16 pair sums (at most 32258) never
// saturate, for any A and B in [-127, 127]. B is packed once in the
// sign-folded layout (i8fold.go): |b| with each column's k group signs as a
// variant number. The signs go onto A per call: A's rows are packed one
// register's lanes at a time (eight rows for AVX2, four for sse4; four k per
// int32 lane), and each block of lanes rows × 4 k gets its sixteen sign
// variants; the kernel broadcasts a column's four |b| and multiplies them by
// the variant its signs select, loaded straight from memory. So the vector
// lanes run over rows and the columns are broadcast: a tile of up to
// foldRows rows by the six columns of a panel (AVX2: two registers; sse4:
// two registers of four rows per pass), with C written through a transpose
// at the end.
//
// The variants take 16 times A's bytes, so K goes in chunks of foldKC
// groups (64 k, 16 KB of variants for sixteen rows), whose variants stay in
// L1 while the chunk of every panel runs; the int32 sums carry over in
// scratch from chunk to chunk. Per 16 rows, B is read once, in order.

// foldGEMM is the sign-folded int8 GEMM at one vector width: what differs
// between the tiers is how many rows a register holds and the kernels.
type foldGEMM struct {
	lanes    int // rows per register: A is packed in blocks of lanes rows
	variants func(dst, a *byte, stride, regs, groups int, signs *int8)
	chunk    func(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool, regs int)
	store    func(acc []int32, panels int, c []float32, ldc, rows int, sa, sb, bias []float32) // full panels, sa foldRows long
}

// gemm is the GEMM of the top of this file. Rows go foldRows at a time
// (fewer registers for a last block that short), each block over the whole
// K chunk by chunk and every panel of [n0, n1); a last panel narrower than
// six columns is stored by the Go twin.
func (f *foldGEMM) gemm(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	s := getScratch()
	defer putScratch(s)
	groups, panels := (b.K+3)/4, (b.N+foldNR-1)/foldNR
	p0, p1 := n0/foldNR, (n1+foldNR-1)/foldNR
	full := (n1 - n0) / foldNR     // panels stored by f.store
	stride := groups * 4 * f.lanes // one packed block of A
	buf := grow(&s.u8, foldRows*groups*4+foldKC*foldRows*64+15)
	ap := buf[:foldRows*groups*4]
	v := aligned16(buf[len(ap):]) // legacy SSE faults on an unaligned memory operand
	acc := grow(&s.i32, (p1-p0)*foldTile)
	if bias == nil {
		bias = grow(&s.f32, b.N)
		clear(bias)
	}
	for i0 := 0; i0 < m; i0 += foldRows {
		rows := min(foldRows, m-i0)
		regs := (rows + f.lanes - 1) / f.lanes
		packBlocks(ap, a[i0*lda:], lda, rows, b.K, f.lanes, 0)
		s.rowScales(sa[i0:], rows)
		for g0 := 0; g0 < groups; g0 += foldKC {
			kc := min(foldKC, groups-g0)
			f.variants(&v[0], &ap[g0*4*f.lanes], stride, regs, kc, &foldSigns[0])
			f.chunk(&v[0], &b.Data[foldRecord*(g0*panels+p0*kc)], kc, p1-p0, &acc[0], g0 > 0, regs)
		}
		if full > 0 {
			f.store(acc, full, c[i0*ldc+n0:], ldc, rows, s.sa[:], b.Scales[n0:], bias[n0:])
		}
		if j := n0 + full*foldNR; j < n1 {
			foldStoreGeneric(acc[full*foldTile:], 1, n1-j, c[i0*ldc+j:], ldc, rows, s.sa[:], b.Scales[j:], bias[j:])
		}
	}
}

// aligned16 returns buf from its first 16-byte aligned element on.
func aligned16(buf []byte) []byte {
	return buf[-uintptr(unsafe.Pointer(unsafe.SliceData(buf)))&15:]
}

// foldChunk16AVX2 adds the 16×6 tiles of panels panels over one chunk of kc groups to acc.
//
//go:noescape
func foldChunk16AVX2(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool)

// foldChunk8AVX2 is foldChunk16AVX2 for eight rows.
//
//go:noescape
func foldChunk8AVX2(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool)

// foldVariantsAVX2 writes the sixteen sign variants of regs 8-row blocks of packed A.
//
//go:noescape
func foldVariantsAVX2(dst, a *byte, stride, regs, groups int, signs *int8)

// foldRecordsAVX2 folds one k group's words of panels panels into their records.
//
//go:noescape
func foldRecordsAVX2(dst, words *int8, panels, stride int)

// foldStoreAVX2 writes full panels of int32 sums to C as sa·sb·sum + bias.
//
//go:noescape
func foldStoreAVX2(acc *int32, panels int, c *float32, ldc, rows int, sa, sb, bias *float32)

var i8AVX2 = &I8Kernel{
	Probe:  probeAVX2I8,
	Layout: Layout{NR: foldNR, KG: 4, SignFolded: true},
	gemm:   foldAVX2.gemm,
}

// foldAVX2 is the AVX2 sign-folded GEMM: eight rows a register.
var foldAVX2 = &foldGEMM{lanes: 8, variants: foldVariantsAVX2, chunk: foldChunkAVX2, store: foldStoreAVX}

// foldSigns are the sixteen sign patterns of the variants: entry v, byte i
// is -1 where bit i%4 of v is set, else 1.
var foldSigns = func() (s [16 * 32]int8) {
	for v := range 16 {
		for i := range 32 {
			s[v*32+i] = 1 - 2*int8(v>>(i%4)&1)
		}
	}
	return s
}()

// The tile's shape: foldRows rows by foldNR columns, whose sums take
// foldTile int32s in the chunk kernels' acc (for every tier, whatever rows
// its registers hold). A k group's sixteen variants of one register of
// lanes rows take 64·lanes bytes.
const (
	foldRows = 16
	foldTile = foldRows * foldNR
)

// foldChunkAVX2 is the AVX2 chunk kernel for regs registers of eight rows:
// foldChunk16AVX2 for two, foldChunk8AVX2 for one.
func foldChunkAVX2(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool, regs int) {
	if regs == 2 {
		foldChunk16AVX2(v, b, kc, panels, acc, accumulate)
	} else {
		foldChunk8AVX2(v, b, kc, panels, acc, accumulate)
	}
}

// foldStoreAVX is foldStoreAVX2 on slices: the AVX2 driver's store.
func foldStoreAVX(acc []int32, panels int, c []float32, ldc, rows int, sa, sb, bias []float32) {
	foldStoreAVX2(&acc[0], panels, &c[0], ldc, rows, &sa[0], &sb[0], &bias[0])
}

// foldRecordsAVX is foldRecordsAVX2 on slices, checked: the FoldRecords mover.
func foldRecordsAVX(dst, words []int8, panels, stride int) {
	_, _ = dst[(panels-1)*stride+foldRecord-1], words[panels*foldNR*4+7]
	foldRecordsAVX2(&dst[0], &words[0], panels, stride)
}

// foldChunkGeneric is the chunk kernels in Go (foldChunkAVX2 for lanes 8,
// foldChunkSSE for lanes 4): v holds kc groups of regs×16 variants of
// 4·lanes bytes, b kc records of each of panels panels, and acc a
// [panel][column][16 rows] tile of sums, of which the first lanes·regs rows
// are written.
func foldChunkGeneric(v []byte, b []int8, kc, panels int, acc []int32, accumulate bool, regs, lanes int) {
	for p := range panels {
		tile := acc[p*foldTile:][:foldTile]
		for c := range foldNR {
			for i := range lanes * regs {
				var sum int32
				for g := range kc {
					rec := b[(p*kc+g)*foldRecord:][:foldRecord]
					variant := v[(g*regs+i/lanes)*64*lanes+int(rec[24+c])*lanes:][:4*lanes]
					for t := range 4 {
						sum += int32(rec[4*c+t]) * int32(int8(variant[i%lanes*4+t]))
					}
				}
				if accumulate {
					sum += tile[c*foldRows+i]
				}
				tile[c*foldRows+i] = sum
			}
		}
	}
}

// foldVariantsGeneric is the variant builders in Go (foldVariantsAVX2 for
// lanes 8, foldVariantsSSE for lanes 4): per k group and register of A
// (lanes rows × four k, packed stride bytes apart), its sixteen sign
// variants of 4·lanes bytes.
func foldVariantsGeneric(dst, a []byte, stride, regs, groups, lanes int) {
	size := 4 * lanes // bytes of one variant
	for g := range groups {
		for r := range regs {
			for v := range 16 {
				for i := range size {
					dst[((g*regs+r)*16+v)*size+i] = byte(int8(a[r*stride+g*size+i]) * foldSigns[v*32+i])
				}
			}
		}
	}
}

// foldStoreGeneric is foldStoreAVX2 (and foldStoreSSE) in Go, for panels of cols ≤ 6 columns:
// C[i][p*6+j] = float32(sum)·(sa[i]·sb[p*6+j]) + bias[p*6+j].
func foldStoreGeneric(acc []int32, panels, cols int, c []float32, ldc, rows int, sa, sb, bias []float32) {
	for p := range panels {
		for i := range rows {
			for j := range cols {
				col := p*foldNR + j
				c[i*ldc+col] = float32(acc[p*foldTile+j*foldRows+i])*(sa[i]*sb[col]) + bias[col]
			}
		}
	}
}
