//go:build !purego

#include "textflag.h"

// The sse4 tier's micro-kernels: 128-bit SSE (SSE2, SSSE3's pmaddubsw and
// psignb, SSE4.1's extractps), sixteen xmm registers, no FMA, no VEX. Legacy SSE
// instructions fault on a memory operand that is not 16-byte aligned, so
// every vector comes in through MOVOU/MOVUPS, but for the int8 kernel's
// sign variants of A, which it lays out aligned itself. The I8NonNeg tiles
// come first, and the fp32 tiles' F32_ARGS and F32_STOREARGS with their
// macros: macros that read arguments must precede every TEXT, or go vet
// would take them for lines of the function above them.

// The sse4 tiles for non-negative A (I8NonNeg), the AVX2 ones (end of
// i8_amd64.s) at 128 bits: B in Layout{NR: 8, KG: 4}, one k group of eight
// columns in 32 bytes, columns 0–3 then 4–7; A read in place, row-major, a
// row's k group four consecutive bytes broadcast by movd and pshufd, from
// row i at SI + i·lda (rows 3–5 from R8 = SI + 3·lda). pmaddubsw multiplies
// A's bytes as unsigned (the destination) by B's as signed and adds pairs
// into int16 with saturation; A in [0, 127] and B in [-127, 127] keep a
// pair within 2·127·127 = 32258 < 2¹⁵, so the sums are exact. pmaddwd by
// int16 ones adds each lane's two pairs into int32, paddd accumulates.
// Twelve accumulators leave four registers: the ones (X12), columns 0–3 of
// B (X13, loaded once per k group), the broadcast A (X14) and a copy of it
// (X15, for columns 0–3: pmaddubsw overwrites its destination), which then
// takes columns 4–7 of B (reloaded per row, from L1) for A itself. (The
// ones as pmaddwd's memory operand, in an aligned slot of the frame, with
// both halves of B kept in registers, measured the same.) Each tile has
// exactly its height in rows. Go's names: MOVL to an X register is movd,
// PSHUFL pshufd, PMADDWL pmaddwd, PADDL paddd, CVTPL2PS cvtdq2ps (all SSE2
// but pmaddubsw, SSSE3).

// NN_ROW adds the row's four bytes of A at arow times the k group's eight
// columns of B (X13, 16(BX)) to acc0 and acc1, through X14 and X15; X12
// holds int16 ones.
#define NN_ROW(arow, acc0, acc1) \
	MOVL arow, X14; PSHUFL $0x00, X14, X14; MOVO X14, X15; \
	PMADDUBSW X13, X15; PMADDWL X12, X15; PADDL X15, acc0; \
	MOVOU 16(BX), X15; \
	PMADDUBSW X15, X14; PMADDWL X12, X14; PADDL X14, acc1

// NN_ARGS loads a tile's A at SI and R8 = SI + 3·lda, lda in DX, B at BX,
// its k groups in CX and int16 ones in X12.
#define NN_ARGS \
	MOVQ a+0(FP), SI; MOVQ lda+8(FP), DX; LEAQ (SI)(DX*2), R8; ADDQ DX, R8; \
	MOVQ b+16(FP), BX; MOVQ kg+24(FP), CX; \
	PCMPEQW X12, X12; PSRLW $15, X12

// NN_NEXT moves A to the next k group and B to its next 32 bytes, and loops while k groups remain.
#define NN_NEXT \
	ADDQ $4, SI; ADDQ $4, R8; ADDQ $32, BX; DECQ CX; JNZ loop

// NN_STOREARGS loads the store's arguments: C at DI, ldc in bytes in DX, sa
// at R10, bias at AX, and sb in X12, X13.
#define NN_STOREARGS \
	MOVQ c+32(FP), DI; MOVQ ldc+40(FP), DX; SHLQ $2, DX; \
	MOVQ sa+48(FP), R10; MOVQ sb+56(FP), AX; MOVUPS 0(AX), X12; MOVUPS 16(AX), X13; \
	MOVQ bias+64(FP), AX

// NN_SCALE stores four columns at off from acc: c = float32(acc)·(sa·sb) +
// bias, sa in X14, sb in xsb, through X15 (sa·sb, then the bias).
#define NN_SCALE(acc, xsb, off) \
	CVTPL2PS acc, acc; MOVAPS X14, X15; MULPS xsb, X15; MULPS X15, acc; \
	MOVUPS off(AX), X15; ADDPS X15, acc; MOVUPS acc, off(DI)

// NN_STORE stores a row of eight columns from c0–c1, its sa at aoff(R10), and moves DI to the next row.
#define NN_STORE(aoff, c0, c1) \
	MOVSS aoff(R10), X14; SHUFPS $0x00, X14, X14; \
	NN_SCALE(c0, X12, 0); NN_SCALE(c1, X13, 16); ADDQ DX, DI

// NN_ZERO2, NN_ROWS2 and NN_STORES2 clear, accumulate and store rows 0–1
// of a tile (accumulators X0–X3); the 4 and 6 versions rows 0–3 and 0–5,
// NN_ZERO1 row 0.
#define NN_ZERO1 PXOR X0, X0; PXOR X1, X1
#define NN_ZERO2 NN_ZERO1; PXOR X2, X2; PXOR X3, X3
#define NN_ZERO4 NN_ZERO2; PXOR X4, X4; PXOR X5, X5; PXOR X6, X6; PXOR X7, X7
#define NN_ZERO6 NN_ZERO4; PXOR X8, X8; PXOR X9, X9; PXOR X10, X10; PXOR X11, X11
#define NN_ROWS2 NN_ROW((SI), X0, X1); NN_ROW((SI)(DX*1), X2, X3)
#define NN_ROWS4 NN_ROWS2; NN_ROW((SI)(DX*2), X4, X5); NN_ROW((R8), X6, X7)
#define NN_ROWS6 NN_ROWS4; NN_ROW((R8)(DX*1), X8, X9); NN_ROW((R8)(DX*2), X10, X11)
#define NN_STORES2 NN_STORE(0, X0, X1); NN_STORE(4, X2, X3)
#define NN_STORES4 NN_STORES2; NN_STORE(8, X4, X5); NN_STORE(12, X6, X7)
#define NN_STORES6 NN_STORES4; NN_STORE(16, X8, X9); NN_STORE(20, X10, X11)

// F32_ARGS loads an fp32 tile's A at SI, lda in bytes in DX, B at BX and
// k in CX.
#define F32_ARGS \
	MOVQ a+0(FP), SI; MOVQ lda+8(FP), DX; SHLQ $2, DX; MOVQ b+16(FP), BX; MOVQ k+24(FP), CX

// F32_STOREARGS loads an fp32 tile's store arguments: C at DI, ldc in
// bytes in DX, rows in CX, accumulate in AX and the bias at R8.
#define F32_STOREARGS \
	MOVQ c+32(FP), DI; MOVQ ldc+40(FP), DX; SHLQ $2, DX; MOVQ rows+48(FP), CX; \
	MOVBLZX accumulate+64(FP), AX; MOVQ bias+56(FP), R8

// NN_TILE is a tile's body: clear its accumulators (zero), run rows over
// every k group (columns 0–3 of B loaded once per group), store them
// (stores).
#define NN_TILE(zero, rows, stores) \
	NN_ARGS; zero; \
loop: \
	MOVOU 0(BX), X13; \
	rows; NN_NEXT; \
	NN_STOREARGS; stores; RET

// func i8TileSSE4NonNegx6(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
//	for i := range 6 { for j := range 8 {
//		sum := Σ_g Σ_t a[i*lda+4*g+t] * b[(g*8+j)*4+t]  // a in [0, 127]
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
//
// Accumulators X0–X11 (row i in X(2i), X(2i+1)).
TEXT ·i8TileSSE4NonNegx6(SB), NOSPLIT, $0-72
	NN_TILE(NN_ZERO6, NN_ROWS6, NN_STORES6)

// func i8TileSSE4NonNegx4(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
// i8TileSSE4NonNegx6 for four rows.
TEXT ·i8TileSSE4NonNegx4(SB), NOSPLIT, $0-72
	NN_TILE(NN_ZERO4, NN_ROWS4, NN_STORES4)

// func i8TileSSE4NonNegx2(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
// i8TileSSE4NonNegx6 for two rows.
TEXT ·i8TileSSE4NonNegx2(SB), NOSPLIT, $0-72
	NN_TILE(NN_ZERO2, NN_ROWS2, NN_STORES2)

// func i8TileSSE4NonNegx1(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
// i8TileSSE4NonNegx6 for one row.
TEXT ·i8TileSSE4NonNegx1(SB), NOSPLIT, $0-72
	NN_TILE(NN_ZERO1, NN_ROW((SI), X0, X1), NN_STORE(0, X0, X1))

// F32_BCAST broadcasts the float at arow to X12's four lanes.
#define F32_BCAST(arow) \
	MOVSS arow, X12; SHUFPS $0x00, X12, X12

// F32_MAC loads the B vector at off(BX) into t, adds the product in tp
// (two products back) to acc and multiplies t by the broadcast a in X12.
#define F32_MAC(off, t, tp, acc) \
	MOVUPS off(BX), t; ADDPS tp, acc; MULPS X12, t

// F32_K3, F32_K2 and F32_K1 run one k (A at aoff from each row, B at boff)
// of a 3-, 2- or 1-row tile; see f32TileSSEx3.
#define F32_K3(aoff, boff) \
	F32_BCAST(aoff(SI)); \
	F32_MAC(boff, X13, X14, X10); F32_MAC(16+boff, X14, X15, X11); F32_MAC(32+boff, X15, X13, X0); F32_MAC(48+boff, X13, X14, X1); \
	F32_BCAST(aoff(SI)(DX*1)); \
	F32_MAC(boff, X14, X15, X2); F32_MAC(16+boff, X15, X13, X3); F32_MAC(32+boff, X13, X14, X4); F32_MAC(48+boff, X14, X15, X5); \
	F32_BCAST(aoff(SI)(DX*2)); \
	F32_MAC(boff, X15, X13, X6); F32_MAC(16+boff, X13, X14, X7); F32_MAC(32+boff, X14, X15, X8); F32_MAC(48+boff, X15, X13, X9)
#define F32_K2(aoff, boff) \
	F32_BCAST(aoff(SI)); \
	F32_MAC(boff, X8, X10, X6); F32_MAC(16+boff, X9, X11, X7); F32_MAC(32+boff, X10, X8, X0); F32_MAC(48+boff, X11, X9, X1); \
	F32_BCAST(aoff(SI)(DX*1)); \
	F32_MAC(boff, X8, X10, X2); F32_MAC(16+boff, X9, X11, X3); F32_MAC(32+boff, X10, X8, X4); F32_MAC(48+boff, X11, X9, X5)
#define F32_K1(aoff, boff) \
	F32_BCAST(aoff(SI)); \
	F32_MAC(boff, X8, X10, X2); F32_MAC(16+boff, X9, X11, X3); F32_MAC(32+boff, X10, X8, X0); F32_MAC(48+boff, X11, X9, X1)

// F32_ZERO3, F32_ZERO2 and F32_ZERO1 clear a tile's accumulators and the
// two registers that F32_K3/K2/K1's first k adds as the previous k's last
// two products.
#define F32_ZERO1 XORPS X0, X0; XORPS X1, X1; XORPS X2, X2; XORPS X3, X3; XORPS X10, X10; XORPS X11, X11
#define F32_ZERO2 F32_ZERO1; XORPS X4, X4; XORPS X5, X5; XORPS X6, X6; XORPS X7, X7
#define F32_ZERO3 F32_ZERO2; XORPS X8, X8; XORPS X9, X9; XORPS X14, X14; XORPS X15, X15

// F32_BIAS stores a row c0–c3 plus the bias in X12–X15 at DI.
#define F32_BIAS(c0, c1, c2, c3) \
	ADDPS X12, c0; ADDPS X13, c1; ADDPS X14, c2; ADDPS X15, c3; \
	MOVUPS c0, 0(DI); MOVUPS c1, 16(DI); MOVUPS c2, 32(DI); MOVUPS c3, 48(DI)

// F32_ACC adds a row c0–c3 to C at DI, through X12–X15.
#define F32_ACC(c0, c1, c2, c3) \
	MOVUPS 0(DI), X12; MOVUPS 16(DI), X13; MOVUPS 32(DI), X14; MOVUPS 48(DI), X15; \
	F32_BIAS(c0, c1, c2, c3)

// F32_NEXTROW jumps to done once the last of rows is stored, else moves DI to the next row of C.
#define F32_NEXTROW \
	DECQ CX; JZ done; ADDQ DX, DI

// F32_DRAIN1–3 add a 1-, 2- or 3-row tile's last two products; F32_BIASES1–3
// and F32_ACCS1–3 store its rows plus the bias or C.
#define F32_DRAIN1 ADDPS X10, X2; ADDPS X11, X3
#define F32_DRAIN2 ADDPS X10, X6; ADDPS X11, X7
#define F32_DRAIN3 ADDPS X14, X10; ADDPS X15, X11
#define F32_BIASES1 F32_BIAS(X0, X1, X2, X3)
#define F32_BIASES2 F32_BIASES1; F32_NEXTROW; F32_BIAS(X4, X5, X6, X7)
#define F32_BIASES3 F32_BIASES2; F32_NEXTROW; F32_BIAS(X8, X9, X10, X11)
#define F32_ACCS1 F32_ACC(X0, X1, X2, X3)
#define F32_ACCS2 F32_ACCS1; F32_NEXTROW; F32_ACC(X4, X5, X6, X7)
#define F32_ACCS3 F32_ACCS2; F32_NEXTROW; F32_ACC(X8, X9, X10, X11)

// F32_TILE is an fp32 tile's body: clear its accumulators (zero), run
// kstep over every k, four a loop and then the last k%4 one at a time, add
// the last two products (drain), and store its rows plus the bias (biases)
// or C (accs).
#define F32_TILE(zero, kstep, drain, biases, accs) \
	F32_ARGS; zero; \
	MOVQ CX, AX; SHRQ $2, AX; JZ tail; \
loop: \
	kstep(0, 0); kstep(4, 64); kstep(8, 128); kstep(12, 192); \
	ADDQ $16, SI; ADDQ $256, BX; DECQ AX; JNZ loop; \
tail: \
	ANDQ $3, CX; JZ store; \
one: \
	kstep(0, 0); ADDQ $4, SI; ADDQ $64, BX; DECQ CX; JNZ one; \
store: \
	drain; F32_STOREARGS; TESTL AX, AX; JNZ accumulate; \
	MOVUPS 0(R8), X12; MOVUPS 16(R8), X13; MOVUPS 32(R8), X14; MOVUPS 48(R8), X15; \
	biases; RET; \
accumulate: \
	accs; \
done: \
	RET

// func f32TileSSEx3(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 3 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*16+j] }
//		c[i*ldc+j] = sum
//	}}
//
// Row i accumulates in X(4i)–X(4i+3). Per k, each row's a is broadcast
// into X12 (movss, shufps: pshufd from memory would fault on an unaligned
// row) and each of its four products runs through X13–X15 in turn: load
// B, multiply, and add two products later, so that an addps never waits
// on the mulps just issued (in-order FP issue on Atom) and no register
// copy or shuffle per product takes an FP pipe from the arithmetic (Zen).
// The last two products of a k are added at the start of the next one (or
// after the loop), hence X14 and X15 cleared before the first. Four k a
// loop, then the last k%4 one at a time.
TEXT ·f32TileSSEx3(SB), NOSPLIT, $0-65
	F32_TILE(F32_ZERO3, F32_K3, F32_DRAIN3, F32_BIASES3, F32_ACCS3)

// func f32TileSSEx2(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
// f32TileSSEx3 for two rows, the products through X8–X11 (X10 and X11
// carry the last two into the next k).
TEXT ·f32TileSSEx2(SB), NOSPLIT, $0-65
	F32_TILE(F32_ZERO2, F32_K2, F32_DRAIN2, F32_BIASES2, F32_ACCS2)

// func f32TileSSEx1(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
// f32TileSSEx2 for one row.
TEXT ·f32TileSSEx1(SB), NOSPLIT, $0-65
	F32_TILE(F32_ZERO1, F32_K1, F32_DRAIN1, F32_BIASES1, F32_ACCS1)

// The int8 GEMM with B's signs folded into A, as the AVX2 one (see
// i8fold.go for the layout and foldGEMM for the driver), at 128 bits:
// pmaddubsw multiplies |b| (unsigned, broadcast: one column's four k in
// every lane) by a·sign(b) (signed: four rows × four k of A, the sign
// variant the column's record names), so a pair is at most 2·127² = 32258
// and never saturates; pmaddwd by ones adds each lane's two pairs into
// int32 and paddd accumulates. Sixteen variants of 16 bytes per register of
// four rows: a record's variant byte 4v, scaled by 4, is the variant's offset.

// FOLD_SSE2 adds column col of the record at BX (|b| in lane sel of X13,
// its variant offset/4 at 24+col, loaded into idx) times the two A registers'
// rows (variants at SI and SI+256) to acc0 and acc1; X14 holds the broadcast
// |b|, X15 a copy, X12 int16 ones. The two registers' chains go step by step
// side by side, so that a CPU issuing SIMD in order (Silvermont-class Atoms)
// starts the second multiply while the first one's result is on its way.
#define FOLD_SSE2(col, sel, idx, acc0, acc1) \
	MOVBQZX 24+col(BX), idx; \
	PSHUFL sel, X13, X14; \
	MOVO X14, X15; \
	PMADDUBSW (SI)(idx*4), X15; PMADDUBSW 256(SI)(idx*4), X14; \
	PMADDWL X12, X15; PMADDWL X12, X14; \
	PADDL X15, acc0; PADDL X14, acc1

// FOLD_SSE1 is FOLD_SSE2 for one A register (variants at SI).
#define FOLD_SSE1(col, sel, idx, acc) \
	MOVBQZX 24+col(BX), idx; \
	PSHUFL sel, X13, X14; \
	PMADDUBSW (SI)(idx*4), X14; PMADDWL X12, X14; PADDL X14, acc

// ZEROI8 clears six accumulators.
#define ZEROI8(r0, r1, r2, r3, r4, r5) \
	PXOR r0, r0; PXOR r1, r1; PXOR r2, r2; PXOR r3, r3; PXOR r4, r4; PXOR r5, r5

// ADDI8 adds the sums at off, 64+off, … 320+off (DI) (six columns' rows) to six accumulators.
#define ADDI8(off, r0, r1, r2, r3, r4, r5) \
	MOVOU off(DI), X13; PADDL X13, r0; MOVOU 64+off(DI), X13; PADDL X13, r1; \
	MOVOU 128+off(DI), X13; PADDL X13, r2; MOVOU 192+off(DI), X13; PADDL X13, r3; \
	MOVOU 256+off(DI), X13; PADDL X13, r4; MOVOU 320+off(DI), X13; PADDL X13, r5

// STOREI8 stores six accumulators where ADDI8 reads them.
#define STOREI8(off, r0, r1, r2, r3, r4, r5) \
	MOVOU r0, off(DI); MOVOU r1, 64+off(DI); MOVOU r2, 128+off(DI); \
	MOVOU r3, 192+off(DI); MOVOU r4, 256+off(DI); MOVOU r5, 320+off(DI)

// ONESI16 sets X12 to eight int16 ones.
#define ONESI16 \
	PCMPEQW X12, X12; PSRLW $15, X12

// func foldChunkSSE(v *byte, b *int8, kc, panels int, acc *int32, accumulate bool, regs int)
//
//	for p := range panels {  // b: kc records of 32 bytes per panel, one panel after another
//		for c := range 6 { for i := range 4 * regs {  // regs ≤ 4 registers of four rows
//			sum := Σ_g Σ_t |b|[p][g][c][t] · v[g][i/4][pattern(p, g, c)][i%4][t]
//			acc[(p*6+c)*16+i] = sum (+ acc[(p*6+c)*16+i] if accumulate)
//		}}
//	}
//
// v holds kc k groups of regs·256 bytes (regs registers × sixteen variants ×
// 16), 16-byte aligned. Each panel's kc records run once per tile of eight
// rows (two registers: accumulators X0–X11, X(2c) rows 0–3 of column c,
// X(2c+1) rows 4–7), then once for a last register of four rows (X0–X5),
// from L1 after the first; the sums start from zero and those of earlier
// chunks are added at the end. acc keeps the AVX2 kernel's tile of sixteen
// rows per column. B is prefetched 2 KB ahead: it streams from L3.
TEXT ·foldChunkSSE(SB), NOSPLIT, $16-56
	ONESI16
	MOVQ b+8(FP), DX
	MOVQ panels+24(FP), R14
	MOVQ acc+32(FP), DI
	MOVQ regs+48(FP), AX
	SHLQ $8, AX // a group's variants
panel:
	MOVQ DI, accpanel-16(SP)
	MOVQ v+0(FP), SI
	MOVQ regs+48(FP), R15
	CMPQ R15, $2
	JLT  tile4
tile8:
	MOVQ DX, BX
	MOVQ kc+16(FP), CX
	ZEROI8(X0, X2, X4, X6, X8, X10)
	ZEROI8(X1, X3, X5, X7, X9, X11)
	MOVQ SI, tile-8(SP)
group8:
	PREFETCHT0 2048(BX)
	MOVOU 0(BX), X13 // |b| of columns 0–3
	FOLD_SSE2(0, $0x00, R8, X0, X1)
	FOLD_SSE2(1, $0x55, R9, X2, X3)
	FOLD_SSE2(2, $0xaa, R10, X4, X5)
	FOLD_SSE2(3, $0xff, R11, X6, X7)
	MOVQ 16(BX), X13 // columns 4 and 5
	FOLD_SSE2(4, $0x00, R12, X8, X9)
	FOLD_SSE2(5, $0x55, R13, X10, X11)
	ADDQ AX, SI
	ADDQ $32, BX
	DECQ CX
	JNZ  group8
	MOVQ tile-8(SP), SI
	CMPB accumulate+40(FP), $0
	JEQ  store8
	ADDI8(0, X0, X2, X4, X6, X8, X10)
	ADDI8(16, X1, X3, X5, X7, X9, X11)
store8:
	STOREI8(0, X0, X2, X4, X6, X8, X10)
	STOREI8(16, X1, X3, X5, X7, X9, X11)
	ADDQ $512, SI
	ADDQ $32, DI
	SUBQ $2, R15
	CMPQ R15, $2
	JGE  tile8
tile4:
	TESTQ R15, R15
	JZ   nextpanel
	MOVQ DX, BX
	MOVQ kc+16(FP), CX
	ZEROI8(X0, X1, X2, X3, X4, X5)
	MOVQ SI, tile-8(SP)
group4:
	PREFETCHT0 2048(BX)
	MOVOU 0(BX), X13
	FOLD_SSE1(0, $0x00, R8, X0)
	FOLD_SSE1(1, $0x55, R9, X1)
	FOLD_SSE1(2, $0xaa, R10, X2)
	FOLD_SSE1(3, $0xff, R11, X3)
	MOVQ 16(BX), X13
	FOLD_SSE1(4, $0x00, R12, X4)
	FOLD_SSE1(5, $0x55, R13, X5)
	ADDQ AX, SI
	ADDQ $32, BX
	DECQ CX
	JNZ  group4
	MOVQ tile-8(SP), SI
	CMPB accumulate+40(FP), $0
	JEQ  store4
	ADDI8(0, X0, X1, X2, X3, X4, X5)
store4:
	STOREI8(0, X0, X1, X2, X3, X4, X5)
nextpanel:
	MOVQ accpanel-16(SP), DI
	ADDQ $384, DI
	MOVQ kc+16(FP), CX
	SHLQ $5, CX
	ADDQ CX, DX
	DECQ R14
	JNZ  panel
	RET

// STORECOL writes column col of a panel for four rows: X0 = float32(sums
// at col·64(SI)) · (sa (X15) · sb[col]) + bias[col], lane i to C row i (R8,
// R9, R10, R11 point at the panel's first column of the four rows).
#define STORECOL(col) \
	MOVOU (col*64)(SI), X0; CVTPL2PS X0, X0; \
	MOVSS (col*4)(BX), X1; SHUFPS $0x00, X1, X1; MULPS X15, X1; MULPS X1, X0; \
	MOVSS (col*4)(DX), X1; SHUFPS $0x00, X1, X1; ADDPS X1, X0; \
	EXTRACTPS $0, X0, (col*4)(R8); EXTRACTPS $1, X0, (col*4)(R9); \
	EXTRACTPS $2, X0, (col*4)(R10); EXTRACTPS $3, X0, (col*4)(R11)

// func foldStoreSSE(acc *int32, panels int, c *float32, ldc, quads int, sa, sb, bias *float32)
//
//	for i := range 4 * quads { for p := range panels { for j := range 6 {
//		col := p*6 + j
//		c[i*ldc+col] = float32(acc[p*96+j*16+i])*(sa[i]*sb[col]) + bias[col]
//	}}}
//
// acc is the chunk kernels' tile of sixteen rows per column; rows go four at
// a time, the lanes of one column's sums, each stored with extractps.
TEXT ·foldStoreSSE(SB), NOSPLIT, $0-64
	MOVQ acc+0(FP), AX
	MOVQ c+16(FP), DI
	MOVQ ldc+24(FP), CX
	SHLQ $2, CX
	MOVQ quads+32(FP), R12
	MOVQ sa+40(FP), R13
	TESTQ R12, R12
	JZ   donestore
quad:
	MOVUPS (R13), X15
	MOVQ DI, R8
	LEAQ (R8)(CX*1), R9
	LEAQ (R9)(CX*1), R10
	LEAQ (R10)(CX*1), R11
	MOVQ AX, SI
	MOVQ sb+48(FP), BX
	MOVQ bias+56(FP), DX
	MOVQ panels+8(FP), R14
panelstore:
	STORECOL(0)
	STORECOL(1)
	STORECOL(2)
	STORECOL(3)
	STORECOL(4)
	STORECOL(5)
	ADDQ $384, SI
	ADDQ $24, BX
	ADDQ $24, DX
	ADDQ $24, R8
	ADDQ $24, R9
	ADDQ $24, R10
	ADDQ $24, R11
	DECQ R14
	JNZ  panelstore
	ADDQ $16, AX
	ADDQ $16, R13
	LEAQ (DI)(CX*4), DI
	DECQ R12
	JNZ  quad
donestore:
	RET

// func foldVariantsSSE(dst *byte, a *byte, stride, regs, groups int, signs *int8)
//
//	for g := range groups { for r := range regs { for v := range 16 { for i := range 16 {
//		dst[(g*regs+r)*256+v*16+i] = int8(a[r*stride+g*16+i]) * signs[v*32+i]
//	}}}}
//
// a is A packed in blocks of four rows (packBlocks), stride bytes apart;
// signs is foldSigns (±1). dst is 16-byte aligned.
TEXT ·foldVariantsSSE(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ groups+32(FP), CX
	TESTQ CX, CX
	JZ   donevariants
groupvariants:
	MOVQ SI, R8
	MOVQ regs+24(FP), R9
regvariants:
	MOVOU (R8), X0
	MOVQ signs+40(FP), AX
	MOVQ $16, R10
variant:
	MOVOU (AX), X1
	MOVO X0, X2
	PSIGNB X1, X2
	MOVO X2, (DI)
	ADDQ $32, AX
	ADDQ $16, DI
	DECQ R10
	JNZ  variant
	ADDQ DX, R8
	DECQ R9
	JNZ  regvariants
	ADDQ $16, SI
	DECQ CX
	JNZ  groupvariants
donevariants:
	RET

// WIDENH widens four halves, one per uint32 lane of x, to float32 in x (see
// widenHalvesSSE), through X2 and X3.
#define WIDENH(x) \
	MOVO x, X2; PAND X10, X2; PSLLL $16, X2; \
	PAND X14, x; PSLLL $13, x; \
	MOVO x, X3; PCMPGTL X12, X3; PAND X11, X3; \
	MULPS X13, x; POR X3, x; POR X2, x

// func widenHalvesSSE(dst *float32, src *uint16, n int)
//
//	for i := range n { dst[i] = half.ToFloat32(src[i]) }  // n a multiple of 8
//
// Integer conversion, four halves per xmm: o = (h&0x7fff)<<13 is the value
// with a float32's fields but a half's exponent bias, so o·2¹¹² (exact, as
// subnormal halves become float32 subnormals that the multiply normalises)
// is the magnitude for every finite h; an Inf or NaN (o ≥ 0x0f800000) also
// gets the exponent field all ones (its mantissa carried along), and then
// the sign (h&0x8000)<<16 goes on top.
TEXT ·widenHalvesSSE(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   donehalves
	PXOR X15, X15
	MOVL $0x7fff, AX
	MOVQ AX, X14
	PSHUFL $0x00, X14, X14 // 0x7fff
	MOVL $0x77800000, AX
	MOVQ AX, X13
	PSHUFL $0x00, X13, X13 // 2¹¹² as float32
	MOVL $0x0f7fffff, AX
	MOVQ AX, X12
	PSHUFL $0x00, X12, X12 // the largest o of a finite half
	MOVL $0x7f800000, AX
	MOVQ AX, X11
	PSHUFL $0x00, X11, X11 // float32's exponent field
	MOVL $0x8000, AX
	MOVQ AX, X10
	PSHUFL $0x00, X10, X10 // a half's sign
loophalves:
	MOVOU (SI), X0
	MOVO X0, X1
	PUNPCKLWL X15, X0 // halves 0–3 as uint32
	PUNPCKHWL X15, X1 // halves 4–7
	WIDENH(X0)
	MOVUPS X0, 0(DI)
	WIDENH(X1)
	MOVUPS X1, 16(DI)
	ADDQ $16, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  loophalves
donehalves:
	RET
