//go:build !purego

#include "textflag.h"

// The packers' NEON movers: each takes four rows of a row-major source
// (row r at src + r·lds) in chunks of 16 bytes and writes them in a packed
// layout's order (see Layout: a group of KG consecutive k of R rows or
// columns, R = NR, sits at group·R·KG), as one quarter of an R-row block:
// the caller points dst at the quarter's first slot and gives stride, the
// distance between the quarter's consecutive groups (R·KG bytes). Rows past
// the chunks and blocks of fewer than four rows are the Go caller's.

// LOAD4(lds) loads 16 bytes of each of the four rows at R1 into V0-V3 and
// advances R1 by 16: R6-R8 walk the rows 1-3.
#define LOAD4 \
	VLD1.P 16(R1), [V0.B16]; \
	VLD1.P 16(R6), [V1.B16]; \
	VLD1.P 16(R7), [V2.B16]; \
	VLD1.P 16(R8), [V3.B16]

// ROWS4 sets R6-R8 to the rows after R1 (row stride R2).
#define ROWS4 ADD R2, R1, R6; ADD R2, R6, R7; ADD R2, R7, R8

// MOVER_ARGS loads the movers' arguments: dst into R0, src R1, lds R2,
// stride R3, chunks R4.
#define MOVER_ARGS \
	MOVD dst+0(FP), R0; MOVD src+8(FP), R1; MOVD lds+16(FP), R2; \
	MOVD stride+24(FP), R3; MOVD chunks+32(FP), R4

// STORE4_STRIDED writes V4-V7 to (R0), stride R3 apart, advancing R0.
#define STORE4_STRIDED \
	VST1.P [V4.B16], (R0)(R3); VST1.P [V5.B16], (R0)(R3); \
	VST1.P [V6.B16], (R0)(R3); VST1.P [V7.B16], (R0)(R3)

// IL_ARGS loads the arguments of the interleaves (below): dst into R0, src R1, ld R3,
// groups R4, idx R5.
#define IL_ARGS \
	MOVD dst+0(FP), R0; MOVD src+8(FP), R1; MOVD ld+16(FP), R3; \
	MOVD groups+24(FP), R4; MOVD idx+32(FP), R5

// TRANSPOSE4(a, b, c, d, o0, o1, o2, o3, t0, t1, t2, t3) transposes the
// 4×4 matrix of 32-bit lanes (words of four bytes, or floats) whose rows
// are a, b, c, d into o0-o3 (oj = [a[j], b[j], c[j], d[j]]) through the
// temporaries t0-t3. TRANSPOSE4_S is V0-V3 into V4-V7.
#define TRANSPOSE4(a, b, c, d, o0, o1, o2, o3, t0, t1, t2, t3) \
	VTRN1 b.S4, a.S4, t0.S4; VTRN2 b.S4, a.S4, t1.S4; \
	VTRN1 d.S4, c.S4, t2.S4; VTRN2 d.S4, c.S4, t3.S4; \
	VTRN1 t2.D2, t0.D2, o0.D2; VTRN1 t3.D2, t1.D2, o1.D2; \
	VTRN2 t2.D2, t0.D2, o2.D2; VTRN2 t3.D2, t1.D2, o3.D2
#define TRANSPOSE4_S TRANSPOSE4(V0, V1, V2, V3, V4, V5, V6, V7, V16, V17, V18, V19)

// func packWordsNEON(dst, src *int8, lds, stride, chunks int)
//
//	for c := range chunks {  // KG = 4: the chunk's four groups, one word of each row
//		for g := range 4 { for r := range 4 { dst[(4c+g)·stride + 4r:][:4] = src[r·lds + 16c + 4g:][:4] } }
//	}
TEXT ·packWordsNEON(SB), NOSPLIT, $0-40
	MOVER_ARGS
	ROWS4
words_loop:
	LOAD4
	TRANSPOSE4_S
	STORE4_STRIDED
	SUBS $1, R4, R4
	BNE  words_loop
	RET

// func packPairsNEON(dst, src *int8, lds, stride, chunks int)
//
//	for c := range chunks {  // KG = 8: the chunk's two groups, rows in pairs of 8 bytes each
//		for g := range 2 { for r := range 4 { dst[(2c+g)·stride + 8r:][:8] = src[r·lds + 16c + 8g:][:8] } }
//	}
TEXT ·packPairsNEON(SB), NOSPLIT, $0-40
	MOVER_ARGS
	ROWS4
pairs_loop:
	LOAD4
	VTRN1 V1.D2, V0.D2, V4.D2
	VTRN1 V3.D2, V2.D2, V5.D2
	VTRN2 V1.D2, V0.D2, V6.D2
	VTRN2 V3.D2, V2.D2, V7.D2
	VST1.P [V4.B16, V5.B16], (R0)(R3)
	VST1.P [V6.B16, V7.B16], (R0)(R3)
	SUBS $1, R4, R4
	BNE  pairs_loop
	RET

// func packRows16NEON(dst, src *int8, lds, stride, chunks int)
//
//	for c := range chunks {  // KG = 16: the chunk is one group, rows one after another
//		for r := range 4 { dst[c·stride + 16r:][:16] = src[r·lds + 16c:][:16] }
//	}
TEXT ·packRows16NEON(SB), NOSPLIT, $0-40
	MOVER_ARGS
	ROWS4
rows16_loop:
	LOAD4
	VST1.P [V0.B16, V1.B16, V2.B16, V3.B16], (R0)(R3)
	SUBS $1, R4, R4
	BNE  rows16_loop
	RET

// func packFloatsNEON(dst, src *float32, lds, stride, chunks int)
//
//	for c := range chunks {  // KG = 1 (fp32): four k of four rows, transposed; lds and stride in floats
//		for k := range 4 { for r := range 4 { dst[(4c+k)·stride + r] = src[r·lds + 4c + k] } }
//	}
TEXT ·packFloatsNEON(SB), NOSPLIT, $0-40
	MOVER_ARGS
	LSL  $2, R2, R2
	LSL  $2, R3, R3
	ROWS4
floats_loop:
	LOAD4
	TRANSPOSE4_S
	STORE4_STRIDED
	SUBS $1, R4, R4
	BNE  floats_loop
	RET

// func transpose8x8NEON(dst *float32, ldd int, src *float32, lds int)
//
//	for i := range 8 { for j := range 8 { dst[i*ldd+j] = src[j*lds+i] } }   // ldd and lds in floats
//
// Source row j in V(2j) (columns 0-3) and V(2j+1) (columns 4-7); each
// quarter of the matrix is a 4×4 transpose, destination row i landing in
// V(16+2i), V(17+2i), the quarters' temporaries among the registers still
// free.
TEXT ·transpose8x8NEON(SB), NOSPLIT, $0-32
	MOVD dst+0(FP), R0
	MOVD ldd+8(FP), R3
	MOVD src+16(FP), R1
	MOVD lds+24(FP), R2
	LSL  $2, R2, R2
	LSL  $2, R3, R3
	VLD1.P (R1)(R2), [V0.S4, V1.S4]
	VLD1.P (R1)(R2), [V2.S4, V3.S4]
	VLD1.P (R1)(R2), [V4.S4, V5.S4]
	VLD1.P (R1)(R2), [V6.S4, V7.S4]
	VLD1.P (R1)(R2), [V8.S4, V9.S4]
	VLD1.P (R1)(R2), [V10.S4, V11.S4]
	VLD1.P (R1)(R2), [V12.S4, V13.S4]
	VLD1   (R1), [V14.S4, V15.S4]
	TRANSPOSE4(V0, V2, V4, V6, V16, V18, V20, V22, V25, V27, V29, V31)   // rows 0-3, columns 0-3
	TRANSPOSE4(V8, V10, V12, V14, V17, V19, V21, V23, V25, V27, V29, V31) // rows 4-7, columns 0-3
	TRANSPOSE4(V1, V3, V5, V7, V24, V26, V28, V30, V25, V27, V29, V31)    // rows 0-3, columns 4-7
	TRANSPOSE4(V9, V11, V13, V15, V25, V27, V29, V31, V0, V1, V2, V3)     // rows 4-7, columns 4-7
	VST1.P [V16.S4, V17.S4], (R0)(R3)
	VST1.P [V18.S4, V19.S4], (R0)(R3)
	VST1.P [V20.S4, V21.S4], (R0)(R3)
	VST1.P [V22.S4, V23.S4], (R0)(R3)
	VST1.P [V24.S4, V25.S4], (R0)(R3)
	VST1.P [V26.S4, V27.S4], (R0)(R3)
	VST1.P [V28.S4, V29.S4], (R0)(R3)
	VST1   [V30.S4, V31.S4], (R0)
	RET

// The row-major packers: a panel of a K×N int8 B whose rows are the source's
// (row kk at src + kk·ld), k group by k group, each group's KG rows × NR
// columns transposed into NR columns × KG bytes. The group's rows are loaded
// into V0-V3 (whole or by lanes) and TBL picks each output register's
// bytes from them with the index vectors at idx (pack_arm64.go).

// TBL4_STORE writes the 64 bytes that the indices in V16-V19 pick from
// V0-V3 to (R0), advancing R0.
#define TBL4_STORE \
	VTBL V16.B16, [V0.B16, V1.B16, V2.B16, V3.B16], V4.B16; \
	VTBL V17.B16, [V0.B16, V1.B16, V2.B16, V3.B16], V5.B16; \
	VTBL V18.B16, [V0.B16, V1.B16, V2.B16, V3.B16], V6.B16; \
	VTBL V19.B16, [V0.B16, V1.B16, V2.B16, V3.B16], V7.B16; \
	VST1.P [V4.B16, V5.B16, V6.B16, V7.B16], 64(R0)

// func interleave4NEON(dst, src *int8, ld, groups int, idx *[48]byte)
//
//	for g := range groups { for c := range 12 { for r := range 4 { dst[48g+4c+r] = src[(4g+r)·ld+c] } } }
//
// Row r's 12 bytes go into Vr (8, then 4 by lane); the index of row r,
// column c in V0-V3 is 16r + c.
TEXT ·interleave4NEON(SB), NOSPLIT, $0-40
	IL_ARGS
	VLD1 (R5), [V16.B16, V17.B16, V18.B16]
	ADD  $8, R1, R2
il4_loop:
	VLD1.P (R1)(R3), V0.D[0]
	VLD1.P (R2)(R3), V0.S[2]
	VLD1.P (R1)(R3), V1.D[0]
	VLD1.P (R2)(R3), V1.S[2]
	VLD1.P (R1)(R3), V2.D[0]
	VLD1.P (R2)(R3), V2.S[2]
	VLD1.P (R1)(R3), V3.D[0]
	VLD1.P (R2)(R3), V3.S[2]
	VTBL   V16.B16, [V0.B16, V1.B16, V2.B16, V3.B16], V4.B16
	VTBL   V17.B16, [V0.B16, V1.B16, V2.B16, V3.B16], V5.B16
	VTBL   V18.B16, [V0.B16, V1.B16, V2.B16, V3.B16], V6.B16
	VST1.P [V4.B16, V5.B16, V6.B16], 48(R0)
	SUBS   $1, R4, R4
	BNE    il4_loop
	RET

// func interleave8NEON(dst, src *int8, ld, groups int, idx *[64]byte)
//
//	for g := range groups { for c := range 8 { for r := range 8 { dst[64g+8c+r] = src[(8g+r)·ld+c] } } }
//
// Rows 2q and 2q+1 go into the halves of Vq: row r, column c is at 8r + c.
TEXT ·interleave8NEON(SB), NOSPLIT, $0-40
	IL_ARGS
	VLD1 (R5), [V16.B16, V17.B16, V18.B16, V19.B16]
il8_loop:
	VLD1.P (R1)(R3), V0.D[0]
	VLD1.P (R1)(R3), V0.D[1]
	VLD1.P (R1)(R3), V1.D[0]
	VLD1.P (R1)(R3), V1.D[1]
	VLD1.P (R1)(R3), V2.D[0]
	VLD1.P (R1)(R3), V2.D[1]
	VLD1.P (R1)(R3), V3.D[0]
	VLD1.P (R1)(R3), V3.D[1]
	TBL4_STORE
	SUBS   $1, R4, R4
	BNE    il8_loop
	RET

// func interleave16NEON(dst, src *int8, ld, groups int, idx *[64]byte)
//
//	for g := range groups { for c := range 4 { for r := range 16 { dst[64g+16c+r] = src[(16g+r)·ld+c] } } }
//
// Row r's 4 bytes go into lane r%4 of V(r/4): row r, column c is at 4r + c.
TEXT ·interleave16NEON(SB), NOSPLIT, $0-40
	IL_ARGS
	VLD1 (R5), [V16.B16, V17.B16, V18.B16, V19.B16]
il16_loop:
	VLD1.P (R1)(R3), V0.S[0]
	VLD1.P (R1)(R3), V0.S[1]
	VLD1.P (R1)(R3), V0.S[2]
	VLD1.P (R1)(R3), V0.S[3]
	VLD1.P (R1)(R3), V1.S[0]
	VLD1.P (R1)(R3), V1.S[1]
	VLD1.P (R1)(R3), V1.S[2]
	VLD1.P (R1)(R3), V1.S[3]
	VLD1.P (R1)(R3), V2.S[0]
	VLD1.P (R1)(R3), V2.S[1]
	VLD1.P (R1)(R3), V2.S[2]
	VLD1.P (R1)(R3), V2.S[3]
	VLD1.P (R1)(R3), V3.S[0]
	VLD1.P (R1)(R3), V3.S[1]
	VLD1.P (R1)(R3), V3.S[2]
	VLD1.P (R1)(R3), V3.S[3]
	TBL4_STORE
	SUBS   $1, R4, R4
	BNE    il16_loop
	RET
