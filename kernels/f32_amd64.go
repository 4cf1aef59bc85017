//go:build !purego

package kernels

// The fp32 and fp16-weight kernels: an MR×NR register tile of FMAs over the
// whole K, reading A in place and one packed B panel (B stays half precision
// in memory and is widened by vcvtph2ps in the loop).

//go:noescape
func f32TileAVX512(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32)

//go:noescape
func f16TileAVX512(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32)

//go:noescape
func f32TileAVX2(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32)

//go:noescape
func f16TileAVX2(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32)

var (
	f32AVX512 = &F32Kernel{
		Impl:   Impl{Name: "avx512", Available: hasAVX512, Probe: probeFMAZmm},
		Layout: Layout{NR: 48, KG: 1},
		gemm:   f32GEMM(8, 48, f32TileAVX512),
	}
	f32AVX2 = &F32Kernel{
		Impl:   Impl{Name: "avx2", Available: hasAVX2, Probe: probeFMAYmm},
		Layout: Layout{NR: 16, KG: 1},
		gemm:   f32GEMM(6, 16, f32TileAVX2),
	}
	f16AVX512 = &F16Kernel{
		Impl:   Impl{Name: "avx512", Available: hasAVX512, Probe: probeFMAZmm},
		Layout: Layout{NR: 48, KG: 1},
		gemm:   f16GEMM(8, 48, f16TileAVX512),
	}
	f16AVX2 = &F16Kernel{
		Impl:   Impl{Name: "avx2", Available: hasAVX2, Probe: probeFMAYmm},
		Layout: Layout{NR: 16, KG: 1},
		gemm:   f16GEMM(6, 16, f16TileAVX2),
	}
)

// floatTile is the signature of the fp32 and fp16 micro-kernels.
type floatTile[B float32 | uint16] func(a *float32, lda int, b *B, k int, c *float32, ldc, rows int, bias *float32)

// f32GEMM is the F32Kernel.gemm of an mr×nr micro-kernel.
func f32GEMM(mr, nr int, tile floatTile[float32]) func([]float32, int, []float32, int, int, *PackedF32, []float32, int, int) {
	return func(c []float32, ldc int, a []float32, lda, m int, b *PackedF32, bias []float32, n0, n1 int) {
		floatGEMM(mr, nr, tile, c, ldc, a, lda, m, b.K, b.Data, bias, n0, n1)
	}
}

// f16GEMM is the F16Kernel.gemm of an mr×nr micro-kernel.
func f16GEMM(mr, nr int, tile floatTile[uint16]) func([]float32, int, []float32, int, int, *PackedF16, []float32, int, int) {
	return func(c []float32, ldc int, a []float32, lda, m int, b *PackedF16, bias []float32, n0, n1 int) {
		floatGEMM(mr, nr, tile, c, ldc, a, lda, m, b.K, b.Data, bias, n0, n1)
	}
}

// floatGEMM drives an mr×nr micro-kernel over columns [n0, n1) of C, B
// being k×N packed in panels of nr columns. Full row blocks read A in
// place; the last, partial one is copied into scratch with zero rows below
// it, so the kernel never reads outside A. The last, partial column panel
// is computed into a tile buffer and copied out, so the kernel never writes
// outside C.
func floatGEMM[B float32 | uint16](mr, nr int, tile floatTile[B], c []float32, ldc int, a []float32, lda, m, k int, b []B, bias []float32, n0, n1 int) {
	s := getScratch()
	defer putScratch(s)
	full := m / mr * mr
	var rest []float32
	if full < m {
		rest = s.floats(mr * k)
		clear(rest)
		for i := range m - full {
			copy(rest[i*k:(i+1)*k], a[(full+i)*lda:])
		}
	}
	for j := n0; j < n1; j += nr {
		cols := min(nr, n1-j)
		bp, bi := &b[j*k], s.panelBias(bias, j, cols, nr)
		for i := 0; i < m; i += mr {
			rows := min(mr, m-i)
			ap, ldA := &a[i*lda], lda
			if i == full {
				ap, ldA = &rest[0], k
			}
			if cols == nr {
				tile(ap, ldA, bp, k, &c[i*ldc+j], ldc, rows, bi)
			} else {
				tile(ap, ldA, bp, k, &s.tile[0], nr, rows, bi)
				s.copyTile(c[i*ldc+j:], ldc, rows, cols, nr)
			}
		}
	}
}
