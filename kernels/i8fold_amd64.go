//go:build !purego

package kernels

// The AVX2 int8 GEMM: vpmaddubsw, vpmaddwd by ones and vpaddd (the chain
// ONNX Runtime and others use), made exact by multiplying |b| (unsigned) by
// a·sign(b) (signed): every product is at most 127·127 in magnitude, so
// vpmaddubsw's int16 pair sums (at most 32258) never saturate, for any A
// and B in [-127, 127]. B is packed once in the sign-folded layout
// (i8fold.go): |b| with each column's k group signs as a variant number.
// The signs go onto A per call: A's rows are packed eight per register
// (four k per int32 lane), and each 8-row × 4-k block gets its sixteen sign
// variants; the kernel broadcasts a column's four |b| and multiplies them by
// the variant its signs select, loaded straight from memory. So the vector
// lanes run over rows and the columns are broadcast: a 16×6 register tile
// (two registers of rows by six columns), with C written through a
// transpose at the end.
//
// The variants take 16 times A's bytes, so K goes in chunks of foldKC
// groups (64 k, 16 KB of variants for sixteen rows), whose variants stay in
// L1 while the chunk of every panel runs; the int32 sums carry over in
// scratch from chunk to chunk. Per 16 rows, B is read once, in order.

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
	gemm:   i8GEMMFolded,
}

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

// The tile's shape: foldRows rows (two registers of eight) by foldNR columns,
// whose sums take foldTile int32s in the chunk kernels' acc; a k group's
// variants of one register take foldVariants bytes.
const (
	foldRows     = 16
	foldTile     = foldRows * foldNR
	foldVariants = 16 * 32
)

// i8GEMMFolded is the AVX2 int8 GEMM (see the top of this file). Rows go
// sixteen at a time (eight for a last block that short), each block over the
// whole K chunk by chunk and every panel of [n0, n1); a last panel narrower
// than six columns is stored by the Go twin.
func i8GEMMFolded(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
	s := getScratch()
	defer putScratch(s)
	groups, panels := (b.K+3)/4, (b.N+foldNR-1)/foldNR
	p0, p1 := n0/foldNR, (n1+foldNR-1)/foldNR
	full := (n1 - n0) / foldNR // panels stored by the assembly
	stride := groups * 32      // one packed 8-row block of A
	buf := grow(&s.u8, 2*stride+foldKC*2*foldVariants)
	ap, v := buf[:2*stride], buf[2*stride:]
	acc := grow(&s.i32, (p1-p0)*foldTile)
	if bias == nil {
		bias = grow(&s.f32, b.N)
		clear(bias)
	}
	for i0 := 0; i0 < m; i0 += foldRows {
		rows := min(foldRows, m-i0)
		regs := (rows + 7) / 8
		packBlocks(ap, a[i0*lda:], lda, rows, b.K, 8, 0)
		rowScales := s.rowScales(sa[i0:], rows)
		for g0 := 0; g0 < groups; g0 += foldKC {
			kc := min(foldKC, groups-g0)
			foldVariantsAVX2(&v[0], &ap[g0*32], stride, regs, kc, &foldSigns[0])
			bp := &b.Data[foldRecord*(g0*panels+p0*kc)]
			if regs == 2 {
				foldChunk16AVX2(&v[0], bp, kc, p1-p0, &acc[0], g0 > 0)
			} else {
				foldChunk8AVX2(&v[0], bp, kc, p1-p0, &acc[0], g0 > 0)
			}
		}
		if full > 0 {
			foldStoreAVX2(&acc[0], full, &c[i0*ldc+n0], ldc, rows, rowScales, &b.Scales[n0], &bias[n0])
		}
		if j := n0 + full*foldNR; j < n1 {
			foldStoreGeneric(acc[full*foldTile:], 1, n1-j, c[i0*ldc+j:], ldc, rows, s.sa[:], b.Scales[j:], bias[j:])
		}
	}
}

// foldRecordsAVX is foldRecordsAVX2 on slices, checked: the FoldRecords mover.
func foldRecordsAVX(dst, words []int8, panels, stride int) {
	_, _ = dst[(panels-1)*stride+foldRecord-1], words[panels*foldNR*4+7]
	foldRecordsAVX2(&dst[0], &words[0], panels, stride)
}

// foldChunkGeneric is foldChunk16AVX2 (regs 2) and foldChunk8AVX2 (regs 1)
// in Go: v holds kc groups of regs×16 variants of 32 bytes, b kc records of
// each of panels panels, and acc a [panel][column][16 rows] tile of sums.
func foldChunkGeneric(v []byte, b []int8, kc, panels int, acc []int32, accumulate bool, regs int) {
	for p := range panels {
		tile := acc[p*foldTile:][:foldTile]
		for c := range foldNR {
			for i := range 8 * regs {
				var sum int32
				for g := range kc {
					rec := b[(p*kc+g)*foldRecord:][:foldRecord]
					variant := v[(g*regs+i/8)*foldVariants+int(rec[24+c])*8:][:32]
					for t := range 4 {
						sum += int32(rec[4*c+t]) * int32(int8(variant[i%8*4+t]))
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

// foldVariantsGeneric is foldVariantsAVX2 in Go.
func foldVariantsGeneric(dst, a []byte, stride, regs, groups int) {
	for g := range groups {
		for r := range regs {
			for v := range 16 {
				for i := range 32 {
					dst[(g*regs+r)*foldVariants+v*32+i] = byte(int8(a[r*stride+g*32+i]) * foldSigns[v*32+i])
				}
			}
		}
	}
}

// foldStoreGeneric is foldStoreAVX2 in Go, for panels of cols ≤ 6 columns:
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
