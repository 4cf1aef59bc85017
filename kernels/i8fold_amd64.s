//go:build !purego

#include "textflag.h"

// The AVX2 int8 GEMM with B's signs folded into A (see i8fold.go for the
// layout and i8fold_amd64.go for the driver). vpmaddubsw multiplies unsigned
// bytes by signed ones and adds pairs into int16 with saturation; here the
// unsigned bytes are |b| (at most 127) and the signed ones a·sign(b) (at most
// 127 in magnitude), so a pair is at most 2·127·127 = 32258 < 2¹⁵ and never
// saturates. vpmaddwd by ones adds the two pairs of each int32 lane, and
// vpaddd accumulates: the sums are exact.
//
// The vector lanes run over rows of A (eight rows per register, four k of a
// row per int32 lane) and each column of B is broadcast, so the signs of a
// column's four b values select one of sixteen sign variants of A's block,
// built per call by foldVariantsAVX2; the variant's offset is in B's record.

// FOLD_COL2 adds column col of the record at BX (|b| at 4·col, its variant
// offset/8 at 24+col, loaded into idx) times the rows of both A registers
// (variants at SI and SI+512) to acc0 and acc1. Y14 holds the broadcast |b|,
// Y15 int16 ones, Y12–Y13 the products.
#define FOLD_COL2(col, idx, acc0, acc1) \
	MOVBQZX 24+col(BX), idx; \
	VPBROADCASTD 4*col(BX), Y14; \
	VPMADDUBSW (SI)(idx*8), Y14, Y12; \
	VPMADDWD Y15, Y12, Y12; \
	VPADDD Y12, acc0, acc0; \
	VPMADDUBSW 512(SI)(idx*8), Y14, Y13; \
	VPMADDWD Y15, Y13, Y13; \
	VPADDD Y13, acc1, acc1

// FOLD_COL1 is FOLD_COL2 for one A register (variants at SI).
#define FOLD_COL1(col, idx, acc) \
	MOVBQZX 24+col(BX), idx; \
	VPBROADCASTD 4*col(BX), Y14; \
	VPMADDUBSW (SI)(idx*8), Y14, Y12; \
	VPMADDWD Y15, Y12, Y12; \
	VPADDD Y12, acc, acc

// ZERO6 clears six accumulators.
#define ZERO6(r0, r1, r2, r3, r4, r5) \
	VPXOR r0, r0, r0; VPXOR r1, r1, r1; VPXOR r2, r2, r2; \
	VPXOR r3, r3, r3; VPXOR r4, r4, r4; VPXOR r5, r5, r5

// ADD6 adds the sums at off, 64+off, … 320+off (DI) (six columns' rows) to six accumulators.
#define ADD6(off, r0, r1, r2, r3, r4, r5) \
	VPADDD off(DI), r0, r0; VPADDD 64+off(DI), r1, r1; VPADDD 128+off(DI), r2, r2; \
	VPADDD 192+off(DI), r3, r3; VPADDD 256+off(DI), r4, r4; VPADDD 320+off(DI), r5, r5

// STORE6 stores six accumulators where ADD6 reads them.
#define STORE6(off, r0, r1, r2, r3, r4, r5) \
	VMOVDQU r0, off(DI); VMOVDQU r1, 64+off(DI); VMOVDQU r2, 128+off(DI); \
	VMOVDQU r3, 192+off(DI); VMOVDQU r4, 256+off(DI); VMOVDQU r5, 320+off(DI)

// LOAD_ONES sets Y15 to sixteen int16 ones.
#define LOAD_ONES \
	MOVL $0x00010001, AX; \
	VMOVD AX, X15; \
	VPBROADCASTD X15, Y15

// func foldChunk16AVX2(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool)
//
//	for p := range panels {  // b: kc records of 32 bytes per panel, one panel after another
//		for c := range 6 { for i := range 16 {  // sixteen rows: two registers of eight
//			sum := Σ_g Σ_t |b|[p][g][c][t] · v[g][i/8][pattern(p, g, c)][i%8][t]
//			acc[(p*6+c)*16+i] = sum (+ acc[(p*6+c)*16+i] if accumulate)
//		}}
//	}
//
// v holds kc k groups of 1024 bytes (two registers × sixteen variants × 32).
// Accumulators Y0–Y11 (Y(2c) rows 0–7 of column c, Y(2c+1) rows 8–15),
// from zero: the sums of earlier chunks are added at the end. B is
// prefetched 2 KB (four panels) ahead: it streams from L3.
TEXT ·foldChunk16AVX2(SB), NOSPLIT, $0-41
	LOAD_ONES
	MOVQ b+8(FP), BX
	MOVQ panels+24(FP), R14
	MOVQ acc+32(FP), DI
panel16:
	MOVQ v+0(FP), SI
	MOVQ kc+16(FP), CX
	ZERO6(Y0, Y2, Y4, Y6, Y8, Y10)
	ZERO6(Y1, Y3, Y5, Y7, Y9, Y11)
group16:
	PREFETCHT0 2048(BX)
	FOLD_COL2(0, R8, Y0, Y1)
	FOLD_COL2(1, R9, Y2, Y3)
	FOLD_COL2(2, R10, Y4, Y5)
	FOLD_COL2(3, R11, Y6, Y7)
	FOLD_COL2(4, R12, Y8, Y9)
	FOLD_COL2(5, R13, Y10, Y11)
	ADDQ $1024, SI
	ADDQ $32, BX
	DECQ CX
	JNZ  group16
	CMPB accumulate+40(FP), $0
	JEQ  store16
	ADD6(0, Y0, Y2, Y4, Y6, Y8, Y10)
	ADD6(32, Y1, Y3, Y5, Y7, Y9, Y11)
store16:
	STORE6(0, Y0, Y2, Y4, Y6, Y8, Y10)
	STORE6(32, Y1, Y3, Y5, Y7, Y9, Y11)
	ADDQ $384, DI
	DECQ R14
	JNZ  panel16
	VZEROUPPER
	RET

// func foldChunk8AVX2(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool)
//
// foldChunk16AVX2 for eight rows (one register): v holds kc k groups of 512
// bytes, and only rows 0–7 of each column's sixteen in acc are written.
// Accumulators Y0–Y5 (column c in Y(c)).
TEXT ·foldChunk8AVX2(SB), NOSPLIT, $0-41
	LOAD_ONES
	MOVQ b+8(FP), BX
	MOVQ panels+24(FP), R14
	MOVQ acc+32(FP), DI
panel8:
	MOVQ v+0(FP), SI
	MOVQ kc+16(FP), CX
	ZERO6(Y0, Y1, Y2, Y3, Y4, Y5)
group8:
	PREFETCHT0 2048(BX)
	FOLD_COL1(0, R8, Y0)
	FOLD_COL1(1, R9, Y1)
	FOLD_COL1(2, R10, Y2)
	FOLD_COL1(3, R11, Y3)
	FOLD_COL1(4, R12, Y4)
	FOLD_COL1(5, R13, Y5)
	ADDQ $512, SI
	ADDQ $32, BX
	DECQ CX
	JNZ  group8
	CMPB accumulate+40(FP), $0
	JEQ  store8
	ADD6(0, Y0, Y1, Y2, Y3, Y4, Y5)
store8:
	STORE6(0, Y0, Y1, Y2, Y3, Y4, Y5)
	ADDQ $384, DI
	DECQ R14
	JNZ  panel8
	VZEROUPPER
	RET

// VARIANT stores src with the signs of sign table entry p at p*32(BX) to p*32+off(DI), through tmp.
#define VARIANT(p, src, tmp, off) \
	VPSIGNB p*32(BX), src, tmp; \
	VMOVDQU tmp, p*32+off(DI)

// VARIANTS16 stores the sixteen sign variants of src at off(DI); variant 0 is src itself.
#define VARIANTS16(src, off) \
	VMOVDQU src, off(DI); \
	VARIANT(1, src, Y2, off); VARIANT(2, src, Y3, off); VARIANT(3, src, Y4, off); \
	VARIANT(4, src, Y5, off); VARIANT(5, src, Y6, off); VARIANT(6, src, Y7, off); \
	VARIANT(7, src, Y8, off); VARIANT(8, src, Y9, off); VARIANT(9, src, Y10, off); \
	VARIANT(10, src, Y11, off); VARIANT(11, src, Y12, off); VARIANT(12, src, Y13, off); \
	VARIANT(13, src, Y14, off); VARIANT(14, src, Y15, off); VARIANT(15, src, Y2, off)

// func foldVariantsAVX2(dst, a *byte, stride, regs, groups int, signs *int8)
//
//	for g := range groups { for r := range regs { for p := range 16 { for i := range 32 {
//		dst[((g*regs+r)*16+p)*32+i] = a[r*stride+g*32+i] · signs[p*32+i]  // signs are ±1
//	}}}}
//
// a is regs blocks of A (stride bytes apart) packed eight rows × four k per
// 32 bytes; regs is 1 or 2.
TEXT ·foldVariantsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ regs+24(FP), AX
	MOVQ groups+32(FP), CX
	MOVQ signs+40(FP), BX
	CMPQ AX, $1
	JEQ  variants1
variants2:
	VMOVDQU (SI), Y0
	VMOVDQU (SI)(DX*1), Y1
	VARIANTS16(Y0, 0)
	VARIANTS16(Y1, 512)
	ADDQ $32, SI
	ADDQ $1024, DI
	DECQ CX
	JNZ  variants2
	VZEROUPPER
	RET
variants1:
	VMOVDQU (SI), Y0
	VARIANTS16(Y0, 0)
	ADDQ $32, SI
	ADDQ $512, DI
	DECQ CX
	JNZ  variants1
	VZEROUPPER
	RET

// FOLD_SCALE turns column col of eight rows, acc at off(SI), into floats in
// dst: float32(acc)·(sa·sb[col]) + bias[col], sa in Y15 (eight rows).
#define FOLD_SCALE(off, col, dst) \
	VCVTDQ2PS off(SI), dst; \
	VBROADCASTSS 4*col(R9), Y13; \
	VMULPS Y15, Y13, Y13; \
	VBROADCASTSS 4*col(R10), Y14; \
	VFMADD213PS Y14, Y13, dst

// FOLD_ROWS stores eight rows (of the 16 at roff in each column of the
// panel at SI) to C at DI: the six columns, scaled, are transposed into rows
// by vunpck{l,h}ps and vshufps; a row's first four values are a 128-bit
// half, its last two a 64-bit quarter. It jumps to done after the last row.
#define FOLD_ROWS(roff, done) \
	FOLD_SCALE(roff, 0, Y0); FOLD_SCALE(64+roff, 1, Y1); FOLD_SCALE(128+roff, 2, Y2); \
	FOLD_SCALE(192+roff, 3, Y3); FOLD_SCALE(256+roff, 4, Y4); FOLD_SCALE(320+roff, 5, Y5); \
	VUNPCKLPS Y1, Y0, Y6;  /* c0 c1 of rows 0 1 | 4 5 */ \
	VUNPCKHPS Y1, Y0, Y7;  /* rows 2 3 | 6 7 */ \
	VUNPCKLPS Y3, Y2, Y8; \
	VUNPCKHPS Y3, Y2, Y9; \
	VUNPCKLPS Y5, Y4, Y10; /* c4 c5 of rows 0 1 | 4 5 */ \
	VUNPCKHPS Y5, Y4, Y11; /* rows 2 3 | 6 7 */ \
	VSHUFPS $0x44, Y8, Y6, Y0; /* c0–c3 of row 0 | row 4 */ \
	VSHUFPS $0xEE, Y8, Y6, Y1; /* row 1 | row 5 */ \
	VSHUFPS $0x44, Y9, Y7, Y2; /* row 2 | row 6 */ \
	VSHUFPS $0xEE, Y9, Y7, Y3; /* row 3 | row 7 */ \
	VEXTRACTF128 $1, Y10, X12; /* c4 c5 of rows 4 5 */ \
	VEXTRACTF128 $1, Y11, X13; /* rows 6 7 */ \
	VMOVUPS X0, (DI); VMOVLPS X10, 16(DI); NEXTROW(done); \
	VMOVUPS X1, (DI); VMOVHPS X10, 16(DI); NEXTROW(done); \
	VMOVUPS X2, (DI); VMOVLPS X11, 16(DI); NEXTROW(done); \
	VMOVUPS X3, (DI); VMOVHPS X11, 16(DI); NEXTROW(done); \
	VEXTRACTF128 $1, Y0, (DI); VMOVLPS X12, 16(DI); NEXTROW(done); \
	VEXTRACTF128 $1, Y1, (DI); VMOVHPS X12, 16(DI); NEXTROW(done); \
	VEXTRACTF128 $1, Y2, (DI); VMOVLPS X13, 16(DI); NEXTROW(done); \
	VEXTRACTF128 $1, Y3, (DI); VMOVHPS X13, 16(DI)

// NEXTROW jumps to done once the last of rows is stored, else moves DI to the next row of C.
#define NEXTROW(done) \
	DECQ CX; JZ done; ADDQ DX, DI

// FOLD_SWEEP stores rows roff/4 to roff/4+AX-1 (AX ≤ 8) of each of R11
// panels, acc at SI, C at R12, column scales at R9 and bias at R10, all
// advancing panel by panel.
#define FOLD_SWEEP(roff, loop, done) \
loop: \
	MOVQ R12, DI; \
	MOVQ AX, CX; \
	FOLD_ROWS(roff, done); \
done: \
	ADDQ $384, SI; \
	ADDQ $24, R12; \
	ADDQ $24, R9; \
	ADDQ $24, R10; \
	DECQ R11; \
	JNZ  loop

// func foldStoreAVX2(acc *int32, panels int, c *float32, ldc, rows int, sa, sb, bias *float32)
//
//	for p := range panels { for i := range rows { for j := range 6 {  // rows ≤ 16
//		c[i*ldc+p*6+j] = float32(acc[(p*6+j)*16+i])*(sa[i]*sb[p*6+j]) + bias[p*6+j]
//	}}}
//
// sa holds sixteen row scales whatever rows is. Rows 0–7 go first, panel
// after panel, then rows 8–15: a sweep of sixteen rows at once misses L1
// at every panel when ldc is a multiple of 1024 floats (the FFN's 3072),
// since the rows' lines then share one cache set and it has eight ways.
TEXT ·foldStoreAVX2(SB), NOSPLIT, $0-64
	MOVQ ldc+24(FP), DX
	SHLQ $2, DX
	MOVQ sa+40(FP), R8
	MOVQ rows+32(FP), AX
	MOVQ $8, BX
	CMPQ AX, BX
	CMOVQGT BX, AX
	MOVQ acc+0(FP), SI
	MOVQ panels+8(FP), R11
	MOVQ c+16(FP), R12
	MOVQ sb+48(FP), R9
	MOVQ bias+56(FP), R10
	VMOVUPS (R8), Y15
	FOLD_SWEEP(0, sweep_low, low_done)
	MOVQ rows+32(FP), AX
	SUBQ $8, AX
	JLE  stored
	MOVQ acc+0(FP), SI
	MOVQ panels+8(FP), R11
	MOVQ c+16(FP), R12
	LEAQ (R12)(DX*8), R12
	MOVQ sb+48(FP), R9
	MOVQ bias+56(FP), R10
	VMOVUPS 32(R8), Y15
	FOLD_SWEEP(32, sweep_high, high_done)
stored:
	VZEROUPPER
	RET

// foldShuffle gathers, in each 128-bit lane, the low byte of each int32 into
// the lane's first bytes: all four of the low lane, the first two of the
// high one (columns 4 and 5), zeros elsewhere. foldPermute then moves the
// low lane's first dword to dword 6 and the high lane's to dword 7.
DATA foldShuffle<>+0(SB)/8, $0x808080800c080400
DATA foldShuffle<>+8(SB)/8, $0x8080808080808080
DATA foldShuffle<>+16(SB)/8, $0x8080808080800400
DATA foldShuffle<>+24(SB)/8, $0x8080808080808080
GLOBL foldShuffle<>(SB), RODATA|NOPTR, $32
DATA foldPermute<>+0(SB)/8, $0
DATA foldPermute<>+8(SB)/8, $0
DATA foldPermute<>+16(SB)/8, $0
DATA foldPermute<>+24(SB)/8, $0x0000000400000000
GLOBL foldPermute<>(SB), RODATA|NOPTR, $32

// func foldRecordsAVX2(dst, words *int8, panels, stride int)
//
//	for p := range panels {  // words: 6·panels k-group words of one group, column after column, and 8 bytes more
//		rec := dst[p*stride:][:32]
//		for c := range 6 { for t := range 4 {
//			b := words[(p*6+c)*4+t]
//			rec[4*c+t] = |b|
//			if b < 0 { rec[24+c] |= 4 << t }
//		}}
//		rec[30], rec[31] = 0, 0
//	}
//
// The sign bits (vpand, vpsrlw) are weighted 4, 8, 16, 32 by vpmaddubsw and
// summed per word by vpmaddwd; vpshufb and vpermd move each word's sum to
// its byte 24+c, and vpblendd puts them over the magnitudes' last 8 bytes.
TEXT ·foldRecordsAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ words+8(FP), SI
	MOVQ panels+16(FP), CX
	MOVQ stride+24(FP), DX
	MOVL $0x80808080, AX
	VMOVD AX, X8
	VPBROADCASTD X8, Y8
	MOVL $0x20100804, AX
	VMOVD AX, X9
	VPBROADCASTD X9, Y9
	LOAD_ONES
	VMOVDQU foldShuffle<>(SB), Y11
	VMOVDQU foldPermute<>(SB), Y12
records:
	VMOVDQU (SI), Y0
	VPABSB Y0, Y1
	VPAND Y8, Y0, Y2
	VPSRLW $7, Y2, Y2
	VPMADDUBSW Y9, Y2, Y2
	VPMADDWD Y15, Y2, Y2
	VPSHUFB Y11, Y2, Y2
	VPERMD Y2, Y12, Y2
	VPBLENDD $0xC0, Y2, Y1, Y1
	VMOVDQU Y1, (DI)
	ADDQ $24, SI
	ADDQ DX, DI
	DECQ CX
	JNZ  records
	VZEROUPPER
	RET
