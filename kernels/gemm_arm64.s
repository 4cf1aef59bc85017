//go:build !purego

#include "textflag.h"
#include "encodings_arm64.h"

// The arm64 GEMM micro-kernels. Each computes one column panel of C for a
// run of whole row blocks: for each block it multiplies mr rows of packed A
// (laid out like a packed B with the rows as columns, see packA; the blocks
// one after another) by the packed B panel and writes the mr×nr tile with
// its epilogue, then moves on to the next block's A, C rows and row scales.
// gemm_arm64.go feeds tiles that stick out of C through a padded buffer.
//
// Registers: R0 k steps (k groups for int8), R1 A, R2 B panel, R3 C,
// R4 C row stride in bytes, R5 sa, R6 sb, R7 bias, R8 row blocks left,
// R9 loop count, R10 B cursor, R11 tail steps, R21 zero64, R22-R23 the
// loop and tail counts every block starts from.
//
// The k loops are software-pipelined for in-order cores (Cortex-A53, A55,
// A510): each step's operands are loaded during the step before, into
// registers the step before has finished with, so no multiply waits for a
// load; out-of-order cores run them at the multiply pipes' rate either way.
// A loop iteration is four steps (eight for i8mm); it runs while more than
// an iteration's steps remain and loads at most the next step's operands,
// so nothing past the panel or the block is read; the last one to four
// (eight) steps run straight-line after it.

// zero64 is 64 zero bytes: ZERO16 and ZERO24 clear four accumulators with
// one load of it (R21 points at it), instead of one VEOR each.
DATA ·zero64+0(SB)/8, $0
DATA ·zero64+8(SB)/8, $0
DATA ·zero64+16(SB)/8, $0
DATA ·zero64+24(SB)/8, $0
DATA ·zero64+32(SB)/8, $0
DATA ·zero64+40(SB)/8, $0
DATA ·zero64+48(SB)/8, $0
DATA ·zero64+56(SB)/8, $0
GLOBL ·zero64(SB), RODATA|NOPTR, $64

// ZERO4(v0, v1, v2, v3) clears four registers from zero64.
#define ZERO4(v0, v1, v2, v3) VLD1 (R21), [v0.B16, v1.B16, v2.B16, v3.B16]

// ZERO16 and ZERO24 clear the accumulators V0-V15 and V0-V23.
#define ZERO16 ZERO4(V0, V1, V2, V3); ZERO4(V4, V5, V6, V7); ZERO4(V8, V9, V10, V11); ZERO4(V12, V13, V14, V15)
#define ZERO24 ZERO16; ZERO4(V16, V17, V18, V19); ZERO4(V20, V21, V22, V23)

// LOAD_I8_ARGS loads the int8 panel arguments into R0-R8 and zero64's
// address into R21.
#define LOAD_I8_ARGS \
	MOVD a+0(FP), R1; MOVD b+8(FP), R2; MOVD steps+16(FP), R0; MOVD c+24(FP), R3; \
	MOVD ldc+32(FP), R4; MOVD sa+40(FP), R5; MOVD sb+48(FP), R6; MOVD bias+56(FP), R7; \
	MOVD blocks+64(FP), R8; LSL $2, R4, R4; MOVD $·zero64(SB), R21

// STEP_COUNTS(shift, mask), for loop iterations of 1<<shift steps (mask =
// (1<<shift) - 1), sets R22 to the number of pipelined iterations,
// (steps-1)>>shift, and R23 to the steps left for the straight-line tail, 1
// to 1<<shift, the same for every block; LOOP_COUNTS copies them into the
// block's counters R9 and R11.
#define STEP_COUNTS(shift, mask) SUB $1, R0, R23; LSR $shift, R23, R22; AND $mask, R23, R23; ADD $1, R23, R23
#define LOOP_COUNTS MOVD R22, R9; MOVD R23, R11

// ---------------------------------------------------------------------------
// dotprod and fp32: 8×12 tiles. A step (4 k of int8, or one k of fp32)
// holds 8 rows of A in a register pair (rows 0-3, rows 4-7: V24-V25 on even
// steps, V26-V27 on odd ones) and 12 columns of B in three registers. The
// accumulator of row r and columns 4c..4c+3 is V(3r+c); SDOT (or FMLA) by
// element multiplies a B register by one row's lane of A. 24 multiplies,
// column by column, so that each B register is done with after 8.
//
// B's registers rotate through V28-V31: the i-th 16 bytes of the panel, d_i
// (step t's column c is d_{3t+c}), live in V(28 + i%4), loaded two at a
// time (LDP) as soon as the two registers are free; after four steps the
// rotation is back where it started, so a loop iteration is four steps.

// COL(op, c, b, a): the 8 multiplies of column group c: accumulators
// V(3r+c) += Vb times row r's lane of the pair Va (rows 0-3), Va+1 (4-7).
#define COL(op, c, b, a) \
	op(c, b, a, 0); op(3+c, b, a, 1); op(6+c, b, a, 2); op(9+c, b, a, 3); \
	op(12+c, b, a+1, 0); op(15+c, b, a+1, 1); op(18+c, b, a+1, 2); op(21+c, b, a+1, 3)

// STEP(op, a, b0, b1, b2): one whole step with A in Va, Va+1 and B in Vb0-Vb2.
#define STEP(op, a, b0, b1, b2) COL(op, 0, b0, a); COL(op, 1, b1, a); COL(op, 2, b2, a)

// PIPE_START loads the first step (A0 into V24-V25, d0-d2 into V28-V30)
// and leaves R1 at A1 and R10 at d3, where the loop and the tail expect them.
#define PIPE_START \
	MOVD R2, R10; \
	FLDPQ.P 32(R1), (F24, F25); \
	FLDPQ.P 32(R10), (F28, F29); \
	FMOVQ.P 16(R10), F30

// PIPE_LOOP(op, loop, tail): the pipelined steps (loop, tail: label
// names). At the top of an iteration A of its first step is in V24-V25,
// d0-d2 in V28-V30, R1 points at the A of step 1 and R10 at d3; each load
// goes where the columns before it have freed its registers, 8 multiplies
// apart, at least two column groups before its first use:
//
//	step 0: col 0 (d0) | d3,d4 → V31,V28 | col 1 (d1) | A1 → V26 | col 2 (d2) | d5,d6 → V29,V30
//	step 1: col 0 (d3) | A2 → V24 | col 1 (d4) | d7,d8 → V31,V28 | col 2 (d5)
//	step 2: col 0 (d6) | d9,d10 → V29,V30 | col 1 (d7) | A3 → V26 | col 2 (d8) | d11,d12 → V31,V28
//	step 3: col 0 (d9) | A4 → V24 | col 1 (d10) | d13,d14 → V29,V30 | col 2 (d11)
//
// The first load of A and of B in an iteration post-increments its pointer
// by the iteration's 128 (A) and 192 (B) bytes; the later ones address
// back from there.
#define PIPE_LOOP(op, loop, tail) \
	CBZ R9, tail; \
loop: \
	COL(op, 0, 28, 24); FLDPQ.P 192(R10), (F31, F28); \
	COL(op, 1, 29, 24); FLDPQ.P 128(R1), (F26, F27); \
	COL(op, 2, 30, 24); FLDPQ -160(R10), (F29, F30); \
	COL(op, 0, 31, 26); FLDPQ -96(R1), (F24, F25); \
	COL(op, 1, 28, 26); FLDPQ -128(R10), (F31, F28); \
	COL(op, 2, 29, 26); \
	COL(op, 0, 30, 24); FLDPQ -96(R10), (F29, F30); \
	COL(op, 1, 31, 24); FLDPQ -64(R1), (F26, F27); \
	COL(op, 2, 28, 24); FLDPQ -64(R10), (F31, F28); \
	COL(op, 0, 29, 26); FLDPQ -32(R1), (F24, F25); \
	COL(op, 1, 30, 26); FLDPQ -32(R10), (F29, F30); \
	COL(op, 2, 31, 26); \
	SUBS $1, R9, R9; \
	BNE loop; \
tail:

// PIPE_TAIL(op, done): the last R11 steps (1 to 4), each step's operands
// loaded after the step before, into the registers the rotation gives it.
#define PIPE_TAIL(op, done) \
	STEP(op, 24, 28, 29, 30); SUBS $1, R11, R11; BEQ done; \
	FLDPQ.P 32(R1), (F26, F27); FLDPQ.P 32(R10), (F31, F28); FMOVQ.P 16(R10), F29; \
	STEP(op, 26, 31, 28, 29); SUBS $1, R11, R11; BEQ done; \
	FLDPQ.P 32(R1), (F24, F25); FMOVQ.P 16(R10), F30; FLDPQ.P 32(R10), (F31, F28); \
	STEP(op, 24, 30, 31, 28); SUBS $1, R11, R11; BEQ done; \
	FLDPQ.P 32(R1), (F26, F27); FMOVQ.P 16(R10), F29; FLDPQ.P 32(R10), (F30, F31); \
	STEP(op, 26, 29, 30, 31); \
done:

// SCALE_ROW3(d, sa, i): the int8 epilogue of the 12-column row in Vd..Vd+2,
// with sb in V26-V28 and bias in V29-V31; the row's scale is Vsa.S[i].
#define SCALE_ROW3(d, sa, i) SCALE(d, 26, 29, sa, i); SCALE(d+1, 27, 30, sa, i); SCALE(d+2, 28, 31, sa, i)

// STORE_ROWS12 writes the 8 rows of 12 floats in V0-V23 to C, leaving R3 at
// the next block's rows.
#define STORE_ROWS12 \
	VST1.P [V0.S4, V1.S4, V2.S4], (R3)(R4); \
	VST1.P [V3.S4, V4.S4, V5.S4], (R3)(R4); \
	VST1.P [V6.S4, V7.S4, V8.S4], (R3)(R4); \
	VST1.P [V9.S4, V10.S4, V11.S4], (R3)(R4); \
	VST1.P [V12.S4, V13.S4, V14.S4], (R3)(R4); \
	VST1.P [V15.S4, V16.S4, V17.S4], (R3)(R4); \
	VST1.P [V18.S4, V19.S4, V20.S4], (R3)(R4); \
	VST1.P [V21.S4, V22.S4, V23.S4], (R3)(R4)

// func i8PanelDotProd(a, b *int8, steps int, c *float32, ldc int, sa, sb, bias *float32, blocks int)
//
//	for each of blocks 8-row blocks {
//		acc := 0; for k := range 4·steps { acc[r][j] += A[r][k]·B[k][j] }  // 8×12, SDOT by element
//		C[r][j] = float(acc[r][j])·sb[j]·sa[r] + bias[j]
//	}
TEXT ·i8PanelDotProd(SB), NOSPLIT, $0-72
	LOAD_I8_ARGS
	STEP_COUNTS(2, 3)
dot_block:
	ZERO24
	LOOP_COUNTS
	PIPE_START
	PIPE_LOOP(SDOT_ELEM, dot_loop, dot_tail)
	PIPE_TAIL(SDOT_ELEM, dot_done)
	VLD1.P 32(R5), [V24.S4, V25.S4]
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
	SUBS $1, R8, R8
	BNE  dot_block
	RET

// func f32Panel(a, b *float32, k int, c *float32, ldc int, bias *float32, blocks int)
//
//	for each of blocks 8-row blocks {
//		acc[r][j] := bias[j]; for kk := range k { acc[r][j] += A[r][kk]·B[kk][j] }  // 8×12, FMLA by element
//		C[r][j] = acc[r][j]
//	}
//
// The accumulators start from the bias, which spares adding it at the end.
// The fp16-weight GEMM runs this kernel too, on panels widened to fp32.
TEXT ·f32Panel(SB), NOSPLIT, $0-56
	MOVD a+0(FP), R1
	MOVD b+8(FP), R2
	MOVD k+16(FP), R0
	MOVD c+24(FP), R3
	MOVD ldc+32(FP), R4
	MOVD bias+40(FP), R7
	MOVD blocks+48(FP), R8
	LSL  $2, R4, R4
	STEP_COUNTS(2, 3)
f32_block:
	VLD1 (R7), [V0.S4, V1.S4, V2.S4]
	VMOV V0.B16, V3.B16; VMOV V1.B16, V4.B16; VMOV V2.B16, V5.B16
	VMOV V0.B16, V6.B16; VMOV V1.B16, V7.B16; VMOV V2.B16, V8.B16
	VMOV V0.B16, V9.B16; VMOV V1.B16, V10.B16; VMOV V2.B16, V11.B16
	VMOV V0.B16, V12.B16; VMOV V1.B16, V13.B16; VMOV V2.B16, V14.B16
	VMOV V0.B16, V15.B16; VMOV V1.B16, V16.B16; VMOV V2.B16, V17.B16
	VMOV V0.B16, V18.B16; VMOV V1.B16, V19.B16; VMOV V2.B16, V20.B16
	VMOV V0.B16, V21.B16; VMOV V1.B16, V22.B16; VMOV V2.B16, V23.B16
	LOOP_COUNTS
	PIPE_START
	PIPE_LOOP(FMLA_ELEM, f32_loop, f32_tail)
	PIPE_TAIL(FMLA_ELEM, f32_done)
	STORE_ROWS12
	SUBS $1, R8, R8
	BNE  f32_block
	RET

// ---------------------------------------------------------------------------
// i8mm: 8×8 tiles, K in groups of 8. A step holds four row pairs of A (each
// 2 rows × 8 k) and four column pairs of B (each 2 columns × 8 k), loaded
// with one LD1 of four registers each: V16-V19 and V20-V23 on even steps,
// V24-V27 and V28-V31 on odd ones, so that each step loads the next one's
// while it multiplies. SMMLA multiplies a row pair by a column pair into a
// 2×2 int32 block: V(4p+q) = [r c, r c+1, r+1 c, r+1 c+1] for rows r = 2p,
// columns c = 2q. 16 SMMLA = 512 products a step. At the store, UZP1/UZP2
// on 64-bit lanes pull rows r and r+1 out of two neighbouring blocks.

// MM_HALF(a, b, p) and MM_STEP(a, b): the 4 SMMLA of row pair p, and the
// 16 of a step, with A in Va..Va+3 and B in Vb..Vb+3.
#define MM_HALF(a, b, p) SMMLA(4*(p), (a)+(p), b); SMMLA(4*(p)+1, (a)+(p), (b)+1); SMMLA(4*(p)+2, (a)+(p), (b)+2); SMMLA(4*(p)+3, (a)+(p), (b)+3)
#define MM_STEP(a, b) MM_HALF(a, b, 0); MM_HALF(a, b, 1); MM_HALF(a, b, 2); MM_HALF(a, b, 3)

// A step's A and B into either register set, from (r): MM_A16 and MM_B20
// load the even set, MM_A24 the odd one's A. In the loop most loads
// address without write-back: on Cortex-A510 a post-increment's pointer
// write, quicker than the SMMLA before it, waits for that SMMLA's result to
// be written first (llvm-mca: 65 cycles per 64 SMMLA with every load
// post-incremented, 38 with none). Six of the sixteen loads of an
// iteration post-increment, MM_A24S twice (A, by 256 bytes in R19) and
// MM_B28H four times (B, by 128 in R20): they cost about 16 of those cycles
// per 128 SMMLA and save six instructions that would address the loads;
// the first, right after the loop's ADDs, waits for nothing.
#define MM_A16(r) VLD1 (r), [V16.B16, V17.B16, V18.B16, V19.B16]
#define MM_B20(r) VLD1 (r), [V20.B16, V21.B16, V22.B16, V23.B16]
#define MM_A24(r) VLD1 (r), [V24.B16, V25.B16, V26.B16, V27.B16]
#define MM_A24S VLD1.P (R1)(R19), [V24.B16, V25.B16, V26.B16, V27.B16]
#define MM_B28H VLD1.P (R10)(R20), [V28.B16, V29.B16, V30.B16, V31.B16]

// MM_PIPE_STEP(a, b, la, lb): a step whose SMMLA are split by la and lb,
// the loads of the next step into the other register set.
#define MM_PIPE_STEP(a, b, la, lb) la; MM_HALF(a, b, 0); MM_HALF(a, b, 1); lb; MM_HALF(a, b, 2); MM_HALF(a, b, 3)

// MM_EVEN and MM_ODD are the tail's steps, loading the next step with
// post-increment.
#define MM_A16P VLD1.P 64(R1), [V16.B16, V17.B16, V18.B16, V19.B16]
#define MM_B20P VLD1.P 64(R10), [V20.B16, V21.B16, V22.B16, V23.B16]
#define MM_A24P VLD1.P 64(R1), [V24.B16, V25.B16, V26.B16, V27.B16]
#define MM_B28P VLD1.P 64(R10), [V28.B16, V29.B16, V30.B16, V31.B16]
#define MM_EVEN MM_PIPE_STEP(16, 20, MM_A24P, MM_B28P)
#define MM_ODD MM_PIPE_STEP(24, 28, MM_A16P, MM_B20P)

// MM_TAIL_PAIR(even, odd): an even and an odd tail step, each run only if
// more than one step is left (R11), else the last step (label even or odd).
#define MM_TAIL_PAIR(even, odd) \
	SUBS $1, R11, R11; BEQ even; MM_EVEN; \
	SUBS $1, R11, R11; BEQ odd; MM_ODD

// STORE_PAIR8(sa, i): scale two 8-column rows (V24-V25, then V26-V27; row
// scales Vsa.S[i] and Vsa.S[i+1], sb in V16-V17, bias in V18-V19) and store
// them to consecutive rows of C.
#define STORE_PAIR8(sa, i) \
	SCALE(24, 16, 18, sa, i); SCALE(25, 17, 19, sa, i); \
	SCALE(26, 16, 18, sa, i+1); SCALE(27, 17, 19, sa, i+1); \
	VST1.P [V24.S4, V25.S4], (R3)(R4); \
	VST1.P [V26.S4, V27.S4], (R3)(R4)

// UNZIP(b0, b1, b2, b3): rows 2p and 2p+1 of the tile out of its blocks
// Vb0-Vb3 (columns 0-1, 2-3, 4-5, 6-7) into V24-V25 and V26-V27.
#define UNZIP(b0, b1, b2, b3) \
	VUZP1 b1.D2, b0.D2, V24.D2; VUZP1 b3.D2, b2.D2, V25.D2; \
	VUZP2 b1.D2, b0.D2, V26.D2; VUZP2 b3.D2, b2.D2, V27.D2

// func i8PanelI8MM(a, b *int8, steps int, c *float32, ldc int, sa, sb, bias *float32, blocks int)
//
//	for each of blocks 8-row blocks {
//		acc := 0; for k := range 8·steps { acc[r][j] += A[r][k]·B[k][j] }  // 8×8, SMMLA on 2×2 blocks
//		C[r][j] = float(acc[r][j])·sb[j]·sa[r] + bias[j]
//	}
//
// A loop iteration is eight steps, even and odd alternating; the last one
// to eight steps run after it, the very last without loads. R12-R17, R24-R26
// and R0 hold the loop's load addresses, R19 and R20 its strides, 256 and
// 128.
TEXT ·i8PanelI8MM(SB), NOSPLIT, $0-72
	LOAD_I8_ARGS
	STEP_COUNTS(3, 7)
	MOVD $256, R19
	MOVD $128, R20
mm_block:
	ZERO16
	LOOP_COUNTS
	MOVD R2, R10
	MM_A16P
	MM_B20P
	CBZ  R9, mm_tail
mm_loop:
	// R1 and R10 point at step 1's A and B; step s+1's are 64·s bytes
	// on. Steps 0 and 4 load A at R1 and move it on by 256 bytes each,
	// the even steps B at R10 and move it on by 128; the other loads
	// address from these ADDs.
	ADD  $64, R1, R12
	ADD  $128, R1, R13
	ADD  $192, R1, R14
	ADD  $320, R1, R15
	ADD  $384, R1, R16
	ADD  $448, R1, R17
	ADD  $64, R10, R24
	ADD  $192, R10, R25
	ADD  $320, R10, R26
	ADD  $448, R10, R0
	MM_PIPE_STEP(16, 20, MM_A24S, MM_B28H)
	MM_PIPE_STEP(24, 28, MM_A16(R12), MM_B20(R24))
	MM_PIPE_STEP(16, 20, MM_A24(R13), MM_B28H)
	MM_PIPE_STEP(24, 28, MM_A16(R14), MM_B20(R25))
	MM_PIPE_STEP(16, 20, MM_A24S, MM_B28H)
	MM_PIPE_STEP(24, 28, MM_A16(R15), MM_B20(R26))
	MM_PIPE_STEP(16, 20, MM_A24(R16), MM_B28H)
	MM_PIPE_STEP(24, 28, MM_A16(R17), MM_B20(R0))
	SUBS $1, R9, R9
	BNE  mm_loop
mm_tail:
	MM_TAIL_PAIR(mm_last_even, mm_last_odd)
	MM_TAIL_PAIR(mm_last_even, mm_last_odd)
	MM_TAIL_PAIR(mm_last_even, mm_last_odd)
	SUBS $1, R11, R11
	BEQ  mm_last_even
	MM_EVEN
	B    mm_last_odd
mm_last_even:
	MM_STEP(16, 20)
	B    mm_store
mm_last_odd:
	MM_STEP(24, 28)
mm_store:
	VLD1.P 32(R5), [V20.S4, V21.S4]
	VLD1 (R6), [V16.S4, V17.S4]
	VLD1 (R7), [V18.S4, V19.S4]
	UNZIP(V0, V1, V2, V3)
	STORE_PAIR8(20, 0)
	UNZIP(V4, V5, V6, V7)
	STORE_PAIR8(20, 2)
	UNZIP(V8, V9, V10, V11)
	STORE_PAIR8(21, 0)
	UNZIP(V12, V13, V14, V15)
	STORE_PAIR8(21, 2)
	SUBS $1, R8, R8
	BNE  mm_block
	RET

// ---------------------------------------------------------------------------
// neon: 4×4 tiles, K in groups of 16, for CPUs without dot product. A step
// holds 4 rows (V16-V19) and 4 columns (V20-V23) of 16 k each. For each
// row·column pair, SMULL multiplies k 0-7 into eight int16 lanes, SMLAL2
// adds k 8-15 (each lane then holds a[k]b[k] + a[k+8]b[k+8], at most
// 2·127² = 32258: no int16 overflow for inputs in [-127, 127]), and SADALP
// adds neighbouring lanes into the pair's four int32 lanes (V0-V15,
// accumulator of row r, column c in V(4r+c)). 16 products per 3
// instructions.
//
// The 16 pairs run in two batches of 8 (rows 0-1, then rows 2-3, column by
// column), each as 8 SMULL, 8 SMLAL2, 8 SADALP through the temporaries
// V24-V31: every instruction's input was written 8 instructions before, and
// the SADALPs, slow to write back on Cortex-A510, come together. Each
// register is reloaded for the next step in place, as soon as the step is
// done with it: A0-A1 after batch 0's SMLAL2s, B0-B1 and B2-B3 after batch
// 1's, A2-A3 (needed from batch 1 on) during batch 0.

// N_MUL, N_MLA, N_ADP(k, r, c): pair k of a batch, row r, column c.
#define N_MUL(k, r, c) SMULL_8H(24+(k), 16+(r), 20+(c))
#define N_MLA(k, r, c) SMLAL2_8H(24+(k), 16+(r), 20+(c))
#define N_ADP(k, r, c) SADALP_4S(4*(r)+(c), 24+(k))

// N_PAIRS(op, r) applies op to the 8 pairs of rows r and r+1, column by column.
#define N_PAIRS(op, r) op(0, r, 0); op(1, r+1, 0); op(2, r, 1); op(3, r+1, 1); op(4, r, 2); op(5, r+1, 2); op(6, r, 3); op(7, r+1, 3)
#define N_PAIRS_LO(op, r) op(0, r, 0); op(1, r+1, 0); op(2, r, 1); op(3, r+1, 1)
#define N_PAIRS_HI(op, r) op(4, r, 2); op(5, r+1, 2); op(6, r, 3); op(7, r+1, 3)

// N_STEP(a23, a01, b01, b23): one step, the loads of A2-A3 (this step) and
// of A0-A1, B0-B1, B2-B3 (the next step) at their places.
#define N_STEP(a23, a01, b01, b23) \
	N_PAIRS_LO(N_MUL, 0); a23; N_PAIRS_HI(N_MUL, 0); N_PAIRS(N_MLA, 0); a01; N_PAIRS(N_ADP, 0); \
	N_PAIRS(N_MUL, 2); N_PAIRS_LO(N_MLA, 2); b01; N_PAIRS_HI(N_MLA, 2); \
	SADALP_4S(8, 24); SADALP_4S(12, 25); b23; SADALP_4S(9, 26); SADALP_4S(13, 27); \
	SADALP_4S(10, 28); SADALP_4S(14, 29); SADALP_4S(11, 30); SADALP_4S(15, 31)

// N_LOADS(o): the loads of N_STEP for the step at offset o of R1 and R10.
#define N_A23(o) FLDPQ (o+32)(R1), (F18, F19)
#define N_A01(o) FLDPQ (o+64)(R1), (F16, F17)
#define N_B01(o) FLDPQ (o+64)(R10), (F20, F21)
#define N_B23(o) FLDPQ (o+96)(R10), (F22, F23)
#define N_PIPE_STEP(o) N_STEP(N_A23(o), N_A01(o), N_B01(o), N_B23(o))
#define N_LAST_STEP N_STEP(N_A23(0), NOP, NOP, NOP)

// func i8PanelNEON(a, b *int8, steps int, c *float32, ldc int, sa, sb, bias *float32, blocks int)
//
//	for each of blocks 4-row blocks {
//		acc := 0; for k := range 16·steps { acc[r][j] += A[r][k]·B[k][j] }  // 4×4, SMULL + SMLAL2 + SADALP
//		C[r][j] = float(acc[r][j])·sb[j]·sa[r] + bias[j]
//	}
//
// A loop iteration is four steps (R1 and R10 step by 256 bytes after it);
// the last one to four steps run after it, the very last without loading
// the step after.
TEXT ·i8PanelNEON(SB), NOSPLIT, $0-72
	LOAD_I8_ARGS
	STEP_COUNTS(2, 3)
neon_block:
	ZERO16
	LOOP_COUNTS
	MOVD  R2, R10
	FLDPQ (R1), (F16, F17)
	FLDPQ (R10), (F20, F21)
	FLDPQ 32(R10), (F22, F23)
	CBZ   R9, neon_tail
neon_loop:
	N_PIPE_STEP(0)
	N_PIPE_STEP(64)
	N_PIPE_STEP(128)
	N_PIPE_STEP(192)
	ADD  $256, R1, R1
	ADD  $256, R10, R10
	SUBS $1, R9, R9
	BNE  neon_loop
neon_tail:
	SUBS $1, R11, R11
	BEQ  neon_last
	N_PIPE_STEP(0)
	ADD  $64, R1, R1
	ADD  $64, R10, R10
	SUBS $1, R11, R11
	BEQ  neon_last
	N_PIPE_STEP(0)
	ADD  $64, R1, R1
	ADD  $64, R10, R10
	SUBS $1, R11, R11
	BEQ  neon_last
	N_PIPE_STEP(0)
	ADD  $64, R1, R1
	ADD  $64, R10, R10
neon_last:
	N_LAST_STEP
	ADD  $64, R1, R1

	// Row r's sum for column c is the horizontal sum of V(4r+c): two
	// rounds of pairwise adds leave row r's four columns in V(4r).
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

	VLD1.P 16(R5), [V16.S4]
	VLD1 (R6), [V17.S4]
	VLD1 (R7), [V18.S4]
	SCALE(0, 17, 18, 16, 0)
	SCALE(4, 17, 18, 16, 1)
	SCALE(8, 17, 18, 16, 2)
	SCALE(12, 17, 18, 16, 3)
	VST1.P [V0.S4], (R3)(R4)
	VST1.P [V4.S4], (R3)(R4)
	VST1.P [V8.S4], (R3)(R4)
	VST1.P [V12.S4], (R3)(R4)
	SUBS $1, R8, R8
	BNE  neon_block
	RET

// ---------------------------------------------------------------------------
// fp16 weights: each B panel is widened to fp32 once per GEMM call (here)
// and run through f32Panel, so the FMLA loop does no conversions.

// func widenHalf(dst *float32, src *uint16, n int)
//
//	for i := range n { dst[i] = float32(half(src[i])) }   // n a positive multiple of 16
TEXT ·widenHalf(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
widen_loop:
	VLD1.P 32(R1), [V0.H8, V1.H8]
	FCVTL_4S(4, 0)
	FCVTL2_4S(5, 0)
	FCVTL_4S(6, 1)
	FCVTL2_4S(7, 1)
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R0)
	SUBS $16, R2, R2
	BNE  widen_loop
	RET
