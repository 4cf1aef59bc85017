//go:build !purego

package kernels

import "unsafe"

// The int8 kernels: an MR×NR register tile of int32 dot products.
//
// VNNI multiplies u8 by s8 over the whole K, A packed per call into the order
// the tile streams (one k group of four bytes per row), B one packed panel
// (Layout{NR, 4}); its A is packed as a XOR 0x80 = a+128 and the tile
// subtracts corr = 128·colsum(B). AVX2 folds B's signs into A instead (see
// i8fold_amd64.go).

// i8TileAVX512x8 computes an 8×48 int8 tile of C (its first rows rows) with vpdpbusd zmm.
//
//go:noescape
func i8TileAVX512x8(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8PanelAVX512x8 runs i8TileAVX512x8 on blocks whole 8-row blocks of a panel in one call.
//
//go:noescape
func i8PanelAVX512x8(a *byte, b *int8, kg int, c *float32, ldc, blocks int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVX512x8n16 is i8TileAVX512x8 on a panel's first 16 columns (a narrow last panel).
//
//go:noescape
func i8TileAVX512x8n16(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVX512x4 computes a 4×48 int8 tile of C (its first rows rows) with vpdpbusd zmm.
//
//go:noescape
func i8TileAVX512x4(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVX512x2 computes a 2×48 int8 tile of C (its first rows rows) with vpdpbusd zmm.
//
//go:noescape
func i8TileAVX512x2(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVX512x1 computes a 1×48 int8 tile of C (its first rows rows) with vpdpbusd zmm.
//
//go:noescape
func i8TileAVX512x1(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVXVNNIx6 computes a 6×16 int8 tile of C (its first rows rows) with VEX vpdpbusd ymm.
//
//go:noescape
func i8TileAVXVNNIx6(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVXVNNIx4 computes a 4×16 int8 tile of C (its first rows rows) with VEX vpdpbusd ymm.
//
//go:noescape
func i8TileAVXVNNIx4(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVXVNNIx2 computes a 2×16 int8 tile of C (its first rows rows) with VEX vpdpbusd ymm.
//
//go:noescape
func i8TileAVXVNNIx2(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVXVNNIx1 computes a 1×16 int8 tile of C (its first rows rows) with VEX vpdpbusd ymm.
//
//go:noescape
func i8TileAVXVNNIx1(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8TileAVX2NonNegx6 computes a 6×16 int8 tile of C from row-major A in [0, 127] with vpmaddubsw.
//
//go:noescape
func i8TileAVX2NonNegx6(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileAVX2NonNegx4 computes a 4×16 int8 tile of C from row-major A in [0, 127] with vpmaddubsw.
//
//go:noescape
func i8TileAVX2NonNegx4(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileAVX2NonNegx2 computes a 2×16 int8 tile of C from row-major A in [0, 127] with vpmaddubsw.
//
//go:noescape
func i8TileAVX2NonNegx2(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// i8TileAVX2NonNegx1 computes a 1×16 int8 tile of C from row-major A in [0, 127] with vpmaddubsw.
//
//go:noescape
func i8TileAVX2NonNegx1(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

var (
	i8AVX512VNNI = &I8Kernel{
		Probe:  probeVNNIZmm,
		Layout: Layout{NR: 48, KG: 4},
		gemm: i8GEMM(48, []int{8, 4, 2, 1}, packVNNI, true, []vnniTile{i8TileAVX512x8, i8TileAVX512x4, i8TileAVX512x2, i8TileAVX512x1},
			[]narrowTile[vnniTile]{{16, i8TileAVX512x8n16}}, i8PanelAVX512x8),
	}
	i8AVXVNNI = &I8Kernel{
		Probe:  probeVNNIYmm,
		Layout: Layout{NR: 16, KG: 4},
		gemm:   i8GEMM(16, []int{6, 4, 2, 1}, packVNNI, true, []vnniTile{i8TileAVXVNNIx6, i8TileAVXVNNIx4, i8TileAVXVNNIx2, i8TileAVXVNNIx1}, nil, nil),
	}
	// i8AVX2NonNeg is AVX2's I8NonNeg: the AVX-VNNI kernel's layout,
	// vpmaddubsw for vpdpbusd (exact because A ≥ 0: see the end of
	// i8_amd64.s), A read in place. Unlike the sign-folded kernel it
	// builds no sign variants of A and folds nothing of B, both per call
	// in attention.
	i8AVX2NonNeg = nonNegKernel(probeAVX2I8, 16, [7]nonNegTile{
		1: i8TileAVX2NonNegx1, 2: i8TileAVX2NonNegx2, 4: i8TileAVX2NonNegx4, 6: i8TileAVX2NonNegx6,
	})
)

// nonNegTile is the signature of the I8NonNeg tiles: a tile of C, exactly
// as many rows as its height and one panel of nr columns, from A read in
// place (row-major, lda apart) over kg whole k groups.
type nonNegTile func(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)

// nonNegKernel is an I8NonNeg kernel of tiles of nr columns, indexed by
// height (6, 4, 2 and 1), in Layout{NR: nr, KG: 4}, whose instruction the
// peak probe probe times: run by nonNegGEMM, B packed without column sums.
func nonNegKernel(probe string, nr int, tiles [7]nonNegTile) *I8Kernel {
	return &I8Kernel{Probe: probe, Layout: Layout{NR: nr, KG: 4}, gemm: nonNegGEMM(nr, tiles), noColSums: true}
}

// nonNegGEMM is the I8Kernel.gemm of the I8NonNeg tiles of nr columns,
// indexed by height (6, 4, 2 and 1): per panel of nr columns (a narrow last
// one through s.tile), the rows in tiles of 6, the last few in tiles of 4,
// 2 and 1 (a tile reads exactly its rows). The tiles read whole k groups of
// A's rows in place; a K that is not a multiple of four has A copied first
// into rows padded with zeros. (Rows outer, panels inner measured 5 %
// slower at attention's 256×256×64 on AVX2.)
func nonNegGEMM(nr int, tiles [7]nonNegTile) func([]float32, int, []int8, int, []float32, int, *PackedI8, []float32, int, int) {
	return func(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
		s := getScratch()
		defer putScratch(s)
		kg := (b.K + 3) / 4
		if b.K%4 != 0 {
			padded := grow(&s.i8, m*kg*4)
			for i := range m {
				row := padded[i*kg*4 : (i+1)*kg*4]
				clear(row[copy(row, a[i*lda:i*lda+b.K]):])
			}
			a, lda = padded, kg*4
		}
		for j := n0; j < n1; j += nr {
			cols := min(nr, n1-j)
			bp, bi := &b.Data[j*kg*4], s.panelBias(bias, j, cols, nr)
			s.panelScales(b, j, cols, nr, false)
			for i := 0; i < m; {
				h := 6
				switch r := m - i; {
				case r < 2:
					h = 1
				case r < 4:
					h = 2
				case r < 6:
					h = 4
				}
				if cols == nr {
					tiles[h](&a[i*lda], lda, bp, kg, &c[i*ldc+j], ldc, &sa[i], &s.sb[0], bi)
				} else {
					tiles[h](&a[i*lda], lda, bp, kg, &s.tile[0], nr, &sa[i], &s.sb[0], bi)
					s.copyTile(c[i*ldc+j:], ldc, h, cols, nr)
				}
				i += h
			}
		}
	}
}

// vnniTile is the signature of the VNNI int8 micro-kernels.
type vnniTile func(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)

// i8Packer packs the m×k int8 A into blocks of mr rows and returns the
// bytes per block.
type i8Packer func(dst []byte, a []int8, lda, m, k, mr int) int

// i8GEMM is the I8Kernel.gemm of micro-kernels of nr columns and heights
// mrs (descending), whose A is packed by pack; correct says whether the
// tiles subtract 128·colsum. Rows go in blocks of mrs[0], then the
// smallest tile that covers the rest. The last, partial column panel is
// computed into a tile buffer and copied out, by the narrowest of the
// narrow tiles that covers it where the block has full height. panel, if
// not nil, runs all the full row blocks of a whole panel in one call (its
// rows argument is the number of blocks).
func i8GEMM(nr int, mrs []int, pack i8Packer, correct bool, tiles []vnniTile, narrow []narrowTile[vnniTile], panel vnniTile) func([]float32, int, []int8, int, []float32, int, *PackedI8, []float32, int, int) {
	return func(c []float32, ldc int, a []int8, lda int, sa []float32, m int, b *PackedI8, bias []float32, n0, n1 int) {
		s := getScratch()
		defer putScratch(s)
		kg := (b.K + 3) / 4
		full := m / mrs[0] * mrs[0]
		last := pickTile(mrs, m-full)
		ap := grow(&s.u8, (full+mrs[last])*kg*8)
		stride, lastAt := 0, 0
		if full > 0 {
			stride = pack(ap, a, lda, full, b.K, mrs[0])
			lastAt = full / mrs[0] * stride
		}
		if full < m {
			pack(ap[lastAt:], a[full*lda:], lda, m-full, b.K, mrs[last])
		}
		for j := n0; j < n1; j += nr {
			cols := min(nr, n1-j)
			bp, bi := &b.Data[j*kg*4], s.panelBias(bias, j, cols, nr)
			s.panelScales(b, j, cols, nr, correct)
			i0 := 0
			if panel != nil && cols == nr && full > 0 {
				panel(&ap[0], bp, kg, &c[j], ldc, full/mrs[0], &sa[0], &s.sb[0], &s.corr[0], bi)
				i0 = full
			}
			for i := i0; i < m; i += mrs[0] {
				rows := min(mrs[0], m-i)
				tile, at := tiles[0], i/mrs[0]*stride
				if i == full {
					tile, at = tiles[last], lastAt
				}
				if cols == nr {
					tile(&ap[at], bp, kg, &c[i*ldc+j], ldc, rows, &sa[i], &s.sb[0], &s.corr[0], bi)
				} else {
					if i != full {
						tile = narrowest(narrow, cols, tile)
					}
					tile(&ap[at], bp, kg, &s.tile[0], nr, rows, &sa[i], &s.sb[0], &s.corr[0], bi)
					s.copyTile(c[i*ldc+j:], ldc, rows, cols, nr)
				}
			}
		}
	}
}

// packBlock8 packs four k groups of eight rows at a time, XOR xor (see packBlocks).
//
//go:noescape
func packBlock8(dst *byte, src *int8, lda, n int, xor uint32)

// packVNNI packs A as u8 = a XOR 0x80 (a+128) for the VNNI kernels, whose
// K padding and missing rows then hold 0x80 (a = 0); see packBlocks.
func packVNNI(dst []byte, a []int8, lda, m, k, mr int) int {
	return packBlocks(dst, a, lda, m, k, mr, 0x80808080)
}

// packBlocks packs the m×k A, each byte XOR one of xor's (all four equal):
// per block of mr rows, per k group g, the four bytes k = 4g..4g+3 of each
// row. K padding and missing rows hold the XOR of 0. Whole blocks of 8 rows
// go four k groups at a time through packBlock8 (a transpose of 4-byte
// words), the rest a row and a word at a time. It returns the bytes per
// block.
func packBlocks(dst []byte, a []int8, lda, m, k, mr int, xor uint32) int {
	kg := (k + 3) / 4
	stride := kg * mr * 4
	for i0 := 0; i0 < m; i0 += mr {
		blockDone := 0 // k groups of the block already packed
		if mr == 8 && i0+8 <= m && k >= 16 {
			blockDone = k / 16 * 4
			_, _ = a[(i0+7)*lda+blockDone*4-1], dst[i0/mr*stride+blockDone*32-1]
			packBlock8(&dst[i0/mr*stride], &a[i0*lda], lda, blockDone/4, xor)
		}
		for i := i0; i < i0+mr; i++ {
			blk := dst[i0/mr*stride+(i-i0)*4:]
			if i >= m { // a missing row (only in a last block, which packBlock8 left alone)
				for g := range kg {
					*(*uint32)(unsafe.Pointer(&blk[g*mr*4])) = xor // its four bytes alike: any byte order
				}
				continue
			}
			full := k / 4
			if full > blockDone {
				packWords(unsafe.Pointer(&blk[blockDone*mr*4]), mr*4, &a[i*lda+blockDone*4], full-blockDone, xor)
			}
			if full < kg { // the K padding of the last group
				for t := range 4 {
					v := byte(xor)
					if kk := 4*full + t; kk < k {
						v ^= byte(a[i*lda+kk])
					}
					blk[full*mr*4+t] = v
				}
			}
		}
	}
	return stride
}
