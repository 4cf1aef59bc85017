//go:build !purego

#include "textflag.h"
#include "encodings_arm64.h"

// The arm64 GEMM micro-kernels. Each computes one whole register tile from
// packed A (laid out like a packed B with the tile's rows as columns, see
// packA) and one packed B panel, then writes it to C with its epilogue;
// gemm_arm64.go feeds edge tiles through a padded buffer. Registers: R0 loop
// count, R1 A, R2 B, R3 C, R4 C row stride in bytes, R5 sa, R6 sb, R7 bias.

// ZERO24 clears the accumulators V0-V23.
#define ZERO24 \
	VEOR V0.B16, V0.B16, V0.B16; VEOR V1.B16, V1.B16, V1.B16; VEOR V2.B16, V2.B16, V2.B16; VEOR V3.B16, V3.B16, V3.B16; \
	VEOR V4.B16, V4.B16, V4.B16; VEOR V5.B16, V5.B16, V5.B16; VEOR V6.B16, V6.B16, V6.B16; VEOR V7.B16, V7.B16, V7.B16; \
	VEOR V8.B16, V8.B16, V8.B16; VEOR V9.B16, V9.B16, V9.B16; VEOR V10.B16, V10.B16, V10.B16; VEOR V11.B16, V11.B16, V11.B16; \
	VEOR V12.B16, V12.B16, V12.B16; VEOR V13.B16, V13.B16, V13.B16; VEOR V14.B16, V14.B16, V14.B16; VEOR V15.B16, V15.B16, V15.B16; \
	VEOR V16.B16, V16.B16, V16.B16; VEOR V17.B16, V17.B16, V17.B16; VEOR V18.B16, V18.B16, V18.B16; VEOR V19.B16, V19.B16, V19.B16; \
	VEOR V20.B16, V20.B16, V20.B16; VEOR V21.B16, V21.B16, V21.B16; VEOR V22.B16, V22.B16, V22.B16; VEOR V23.B16, V23.B16, V23.B16

// LOAD_I8_ARGS loads the int8 tile arguments into R0-R7.
#define LOAD_I8_ARGS \
	MOVD a+0(FP), R1; MOVD b+8(FP), R2; MOVD groups+16(FP), R0; MOVD c+24(FP), R3; \
	MOVD ldc+32(FP), R4; MOVD sa+40(FP), R5; MOVD sb+48(FP), R6; MOVD bias+56(FP), R7; \
	LSL $2, R4, R4

// LOAD_F_ARGS loads the fp32/fp16 tile arguments into R0-R4 and R7.
#define LOAD_F_ARGS \
	MOVD a+0(FP), R1; MOVD b+8(FP), R2; MOVD k+16(FP), R0; MOVD c+24(FP), R3; \
	MOVD ldc+32(FP), R4; MOVD bias+40(FP), R7; \
	LSL $2, R4, R4

// ---------------------------------------------------------------------------
// neon: 4×4 tile, K in groups of 16, for CPUs without dot product.
// A group holds 4 rows (V16-V19) and 4 columns (V20-V23) of 16 k each. For
// each row·column pair, SMULL multiplies k 0-7 into eight int16 lanes, SMLAL2
// adds k 8-15 (each lane then holds a[k]b[k] + a[k+8]b[k+8], at most
// 2·127² = 32258: no int16 overflow for inputs in [-127, 127]), and SADALP
// adds neighbouring lanes into the pair's four int32 lanes (V0-V15,
// accumulator of row i, column j in V(4i+j)). 16 products per 3 instructions.

// WIDEN_ROW(i, t): the 4 column products of row i through temporaries Vt..Vt+3.
#define WIDEN_ROW(i, t) \
	SMULL_8H(t, 16+i, 20); SMULL_8H(t+1, 16+i, 21); SMULL_8H(t+2, 16+i, 22); SMULL_8H(t+3, 16+i, 23); \
	SMLAL2_8H(t, 16+i, 20); SMLAL2_8H(t+1, 16+i, 21); SMLAL2_8H(t+2, 16+i, 22); SMLAL2_8H(t+3, 16+i, 23); \
	SADALP_4S(4*i, t); SADALP_4S(4*i+1, t+1); SADALP_4S(4*i+2, t+2); SADALP_4S(4*i+3, t+3)

// func i8TileNEON(a, b *int8, groups int, c *float32, ldc int, sa, sb, bias *float32)
TEXT ·i8TileNEON(SB), NOSPLIT, $0-64
	LOAD_I8_ARGS
	ZERO24

neonLoop:
	VLD1.P 64(R1), [V16.B16, V17.B16, V18.B16, V19.B16]
	VLD1.P 64(R2), [V20.B16, V21.B16, V22.B16, V23.B16]
	WIDEN_ROW(0, 24)
	WIDEN_ROW(1, 28)
	WIDEN_ROW(2, 24)
	WIDEN_ROW(3, 28)
	SUBS $1, R0, R0
	BNE  neonLoop

	// Row i's sum for column j is the horizontal sum of V(4i+j): two rounds
	// of pairwise adds leave row i's four columns in V(4i).
	VADDP V1.S4, V0.S4, V24.S4
	VADDP V3.S4, V2.S4, V25.S4
	VADDP V25.S4, V24.S4, V0.S4
	VADDP V5.S4, V4.S4, V26.S4
	VADDP V7.S4, V6.S4, V27.S4
	VADDP V27.S4, V26.S4, V4.S4
	VADDP V9.S4, V8.S4, V28.S4
	VADDP V11.S4, V10.S4, V29.S4
	VADDP V29.S4, V28.S4, V8.S4
	VADDP V13.S4, V12.S4, V30.S4
	VADDP V15.S4, V14.S4, V31.S4
	VADDP V31.S4, V30.S4, V12.S4

	VLD1 (R5), [V16.S4]
	VLD1 (R6), [V17.S4]
	VLD1 (R7), [V18.S4]
	SCALE(0, 17, 18, 16, 0)
	SCALE(4, 17, 18, 16, 1)
	SCALE(8, 17, 18, 16, 2)
	SCALE(12, 17, 18, 16, 3)
	VST1 [V0.S4], (R3)
	ADD  R4, R3, R3
	VST1 [V4.S4], (R3)
	ADD  R4, R3, R3
	VST1 [V8.S4], (R3)
	ADD  R4, R3, R3
	VST1 [V12.S4], (R3)
	RET

// ---------------------------------------------------------------------------
// dotprod: 8×12 tile, K in groups of 4. A group holds 8 rows × 4 k of A
// (V24 rows 0-3, V25 rows 4-7, one int32 lane per row) and 12 columns × 4 k
// of B (V26-V28, one lane per column). SDOT by element multiplies the four
// columns of one B register by one row's four k and adds into that row's
// accumulator: row i, columns 4v..4v+3 in V(3i+v). 24 SDOT = 384 products
// per group.

// SDOT_ROW(d, a, i): row accumulators Vd..Vd+2 += B · A(Va).4B[i].
#define SDOT_ROW(d, a, i) SDOT_ELEM(d, 26, a, i); SDOT_ELEM(d+1, 27, a, i); SDOT_ELEM(d+2, 28, a, i)

// SCALE_ROW3(d, sa, i): the epilogue of a 12-column row in Vd..Vd+2, with
// sb in V26-V28 and bias in V29-V31.
#define SCALE_ROW3(d, sa, i) SCALE(d, 26, 29, sa, i); SCALE(d+1, 27, 30, sa, i); SCALE(d+2, 28, 31, sa, i)

// STORE_ROWS12 writes the 8 rows of 12 floats in V0-V23 to C.
#define STORE_ROWS12 \
	VST1 [V0.S4, V1.S4, V2.S4], (R3); ADD R4, R3, R3; \
	VST1 [V3.S4, V4.S4, V5.S4], (R3); ADD R4, R3, R3; \
	VST1 [V6.S4, V7.S4, V8.S4], (R3); ADD R4, R3, R3; \
	VST1 [V9.S4, V10.S4, V11.S4], (R3); ADD R4, R3, R3; \
	VST1 [V12.S4, V13.S4, V14.S4], (R3); ADD R4, R3, R3; \
	VST1 [V15.S4, V16.S4, V17.S4], (R3); ADD R4, R3, R3; \
	VST1 [V18.S4, V19.S4, V20.S4], (R3); ADD R4, R3, R3; \
	VST1 [V21.S4, V22.S4, V23.S4], (R3)

// func i8TileDotProd(a, b *int8, groups int, c *float32, ldc int, sa, sb, bias *float32)
TEXT ·i8TileDotProd(SB), NOSPLIT, $0-64
	LOAD_I8_ARGS
	ZERO24

dotLoop:
	VLD1.P 32(R1), [V24.B16, V25.B16]
	VLD1.P 48(R2), [V26.B16, V27.B16, V28.B16]
	SDOT_ROW(0, 24, 0)
	SDOT_ROW(3, 24, 1)
	SDOT_ROW(6, 24, 2)
	SDOT_ROW(9, 24, 3)
	SDOT_ROW(12, 25, 0)
	SDOT_ROW(15, 25, 1)
	SDOT_ROW(18, 25, 2)
	SDOT_ROW(21, 25, 3)
	SUBS $1, R0, R0
	BNE  dotLoop

	VLD1 (R5), [V24.S4, V25.S4]
	VLD1 (R6), [V26.S4, V27.S4, V28.S4]
	VLD1 (R7), [V29.S4, V30.S4, V31.S4]
	SCALE_ROW3(0, 24, 0)
	SCALE_ROW3(3, 24, 1)
	SCALE_ROW3(6, 24, 2)
	SCALE_ROW3(9, 24, 3)
	SCALE_ROW3(12, 25, 0)
	SCALE_ROW3(15, 25, 1)
	SCALE_ROW3(18, 25, 2)
	SCALE_ROW3(21, 25, 3)
	STORE_ROWS12
	RET

// ---------------------------------------------------------------------------
// i8mm: 8×8 tile, K in groups of 8. A group holds four row pairs of A
// (V16-V19, each 2 rows × 8 k) and four column pairs of B (V20-V23, each
// 2 columns × 8 k). SMMLA multiplies a row pair by a column pair into a 2×2
// int32 block: V(4p+q) = [r c, r c+1, r+1 c, r+1 c+1] for rows r = 2p,
// columns c = 2q. 16 SMMLA = 512 products per group. At the store, UZP1/UZP2
// on 64-bit lanes pull rows r and r+1 out of two neighbouring blocks.

// STORE_PAIR8(sa, i): scale two 8-column rows (V24-V25, then V26-V27; row
// scales Vsa.S[i] and Vsa.S[i+1], sb in V16-V17, bias in V18-V19) and store
// them to consecutive rows of C.
#define STORE_PAIR8(sa, i) \
	SCALE(24, 16, 18, sa, i); SCALE(25, 17, 19, sa, i); \
	SCALE(26, 16, 18, sa, i+1); SCALE(27, 17, 19, sa, i+1); \
	VST1 [V24.S4, V25.S4], (R3); ADD R4, R3, R3; \
	VST1 [V26.S4, V27.S4], (R3); ADD R4, R3, R3

// func i8TileI8MM(a, b *int8, groups int, c *float32, ldc int, sa, sb, bias *float32)
TEXT ·i8TileI8MM(SB), NOSPLIT, $0-64
	LOAD_I8_ARGS
	ZERO24

mmLoop:
	VLD1.P 64(R1), [V16.B16, V17.B16, V18.B16, V19.B16]
	VLD1.P 64(R2), [V20.B16, V21.B16, V22.B16, V23.B16]
	SMMLA(0, 16, 20); SMMLA(1, 16, 21); SMMLA(2, 16, 22); SMMLA(3, 16, 23)
	SMMLA(4, 17, 20); SMMLA(5, 17, 21); SMMLA(6, 17, 22); SMMLA(7, 17, 23)
	SMMLA(8, 18, 20); SMMLA(9, 18, 21); SMMLA(10, 18, 22); SMMLA(11, 18, 23)
	SMMLA(12, 19, 20); SMMLA(13, 19, 21); SMMLA(14, 19, 22); SMMLA(15, 19, 23)
	SUBS $1, R0, R0
	BNE  mmLoop

	VLD1 (R5), [V20.S4, V21.S4]
	VLD1 (R6), [V16.S4, V17.S4]
	VLD1 (R7), [V18.S4, V19.S4]
	VUZP1 V1.D2, V0.D2, V24.D2
	VUZP1 V3.D2, V2.D2, V25.D2
	VUZP2 V1.D2, V0.D2, V26.D2
	VUZP2 V3.D2, V2.D2, V27.D2
	STORE_PAIR8(20, 0)
	VUZP1 V5.D2, V4.D2, V24.D2
	VUZP1 V7.D2, V6.D2, V25.D2
	VUZP2 V5.D2, V4.D2, V26.D2
	VUZP2 V7.D2, V6.D2, V27.D2
	STORE_PAIR8(20, 2)
	VUZP1 V9.D2, V8.D2, V24.D2
	VUZP1 V11.D2, V10.D2, V25.D2
	VUZP2 V9.D2, V8.D2, V26.D2
	VUZP2 V11.D2, V10.D2, V27.D2
	STORE_PAIR8(21, 0)
	VUZP1 V13.D2, V12.D2, V24.D2
	VUZP1 V15.D2, V14.D2, V25.D2
	VUZP2 V13.D2, V12.D2, V26.D2
	VUZP2 V15.D2, V14.D2, V27.D2
	STORE_PAIR8(21, 2)
	RET

// ---------------------------------------------------------------------------
// fp32 and fp16 weights: 8×12 tile, one k per step. A step holds 8 rows of A
// (V24 rows 0-3, V25 rows 4-7) and 12 columns of B (V26-V28); FMLA by element
// adds B times one row's value into the row's accumulators V(3i)..V(3i+2).
// 24 FMLA = 96 multiply-adds per k.

// FMLA_ROW(d, a, i): row accumulators Vd..Vd+2 += B · A(Va).S[i].
#define FMLA_ROW(d, a, i) FMLA_ELEM(d, 26, a, i); FMLA_ELEM(d+1, 27, a, i); FMLA_ELEM(d+2, 28, a, i)

// FMLA_TILE: one k step of the 8×12 tile.
#define FMLA_TILE \
	FMLA_ROW(0, 24, 0); FMLA_ROW(3, 24, 1); FMLA_ROW(6, 24, 2); FMLA_ROW(9, 24, 3); \
	FMLA_ROW(12, 25, 0); FMLA_ROW(15, 25, 1); FMLA_ROW(18, 25, 2); FMLA_ROW(21, 25, 3)

// ADD_BIAS12: V0-V23 += the 12 biases at R7 (as 8 rows of 12 columns).
#define ADD_BIAS12 \
	VLD1 (R7), [V29.S4, V30.S4, V31.S4]; \
	FADD_4S(0, 0, 29); FADD_4S(1, 1, 30); FADD_4S(2, 2, 31); \
	FADD_4S(3, 3, 29); FADD_4S(4, 4, 30); FADD_4S(5, 5, 31); \
	FADD_4S(6, 6, 29); FADD_4S(7, 7, 30); FADD_4S(8, 8, 31); \
	FADD_4S(9, 9, 29); FADD_4S(10, 10, 30); FADD_4S(11, 11, 31); \
	FADD_4S(12, 12, 29); FADD_4S(13, 13, 30); FADD_4S(14, 14, 31); \
	FADD_4S(15, 15, 29); FADD_4S(16, 16, 30); FADD_4S(17, 17, 31); \
	FADD_4S(18, 18, 29); FADD_4S(19, 19, 30); FADD_4S(20, 20, 31); \
	FADD_4S(21, 21, 29); FADD_4S(22, 22, 30); FADD_4S(23, 23, 31)

// func f32Tile(a, b *float32, k int, c *float32, ldc int, bias *float32)
TEXT ·f32Tile(SB), NOSPLIT, $0-48
	LOAD_F_ARGS
	ZERO24

f32Loop:
	VLD1.P 32(R1), [V24.S4, V25.S4]
	VLD1.P 48(R2), [V26.S4, V27.S4, V28.S4]
	FMLA_TILE
	SUBS $1, R0, R0
	BNE  f32Loop

	ADD_BIAS12
	STORE_ROWS12
	RET

// func f16Tile(a *float32, b *uint16, k int, c *float32, ldc int, bias *float32)
// As f32Tile, with each k's 12 half-precision weights (24 bytes, V29 and the
// low half of V30) widened to fp32 by FCVTL/FCVTL2.
TEXT ·f16Tile(SB), NOSPLIT, $0-48
	LOAD_F_ARGS
	ZERO24

f16Loop:
	VLD1.P 32(R1), [V24.S4, V25.S4]
	VLD1.P 16(R2), [V29.H8]
	VLD1.P 8(R2), [V30.H4]
	FCVTL_4S(26, 29)
	FCVTL2_4S(27, 29)
	FCVTL_4S(28, 30)
	FMLA_TILE
	SUBS $1, R0, R0
	BNE  f16Loop

	ADD_BIAS12
	STORE_ROWS12
	RET
