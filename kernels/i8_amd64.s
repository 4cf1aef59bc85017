//go:build !purego

#include "textflag.h"

// The VNNI int8 micro-kernels: one MR×NR tile of C over the whole K, A
// packed per call (see i8_amd64.go), B one packed panel (Layout{NR, 4}).
// Each kernel comes in a few MR (the x suffix) so short row tails waste little.
// AVX2 tiles of the same shape, for A in [0, 127] only, close the file. (The
// AVX2 int8 kernel for any A is in i8fold_amd64.s.)

// ZERO3Z clears the three ZMM accumulators of one row.
#define ZERO3Z(c0, c1, c2) \
	VPXORD c0, c0, c0; VPXORD c1, c1, c1; VPXORD c2, c2, c2

// ZERO2Y clears the two YMM accumulators of one row.
#define ZERO2Y(c0, c1) \
	VPXOR c0, c0, c0; VPXOR c1, c1, c1

// LOADB3Z loads the k group's 48 columns of B into b0–b2.
#define LOADB3Z(b0, b1, b2) \
	VMOVDQU32 0(BX), b0; VMOVDQU32 64(BX), b1; VMOVDQU32 128(BX), b2

// VNNIZ_ROW adds row's four u8 at off(SI), broadcast into t, times B (b0–b2) to c0–c2.
#define VNNIZ_ROW(off, t, b0, b1, b2, c0, c1, c2) \
	VPBROADCASTD off(SI), t; \
	VPDPBUSD b0, t, c0; VPDPBUSD b1, t, c1; VPDPBUSD b2, t, c2

// STEP8Z is one k group of the 8×48 tile: B at boff(BX), A at aoff(SI), prefetching B 4 KB ahead
// (a panel's first row block streams it from L3 or memory).
#define STEP8Z(aoff, boff) \
	VMOVDQU32 boff(BX), Z24; VMOVDQU32 boff+64(BX), Z25; VMOVDQU32 boff+128(BX), Z26; \
	PREFETCHT0 boff+4096(BX); PREFETCHT0 boff+4160(BX); PREFETCHT0 boff+4224(BX); \
	VNNIZ_ROW(aoff, Z27, Z24, Z25, Z26, Z0, Z1, Z2); \
	VNNIZ_ROW(aoff+4, Z28, Z24, Z25, Z26, Z3, Z4, Z5); \
	VNNIZ_ROW(aoff+8, Z27, Z24, Z25, Z26, Z6, Z7, Z8); \
	VNNIZ_ROW(aoff+12, Z28, Z24, Z25, Z26, Z9, Z10, Z11); \
	VNNIZ_ROW(aoff+16, Z27, Z24, Z25, Z26, Z12, Z13, Z14); \
	VNNIZ_ROW(aoff+20, Z28, Z24, Z25, Z26, Z15, Z16, Z17); \
	VNNIZ_ROW(aoff+24, Z27, Z24, Z25, Z26, Z18, Z19, Z20); \
	VNNIZ_ROW(aoff+28, Z28, Z24, Z25, Z26, Z21, Z22, Z23)

// ZERO8X48Z clears the accumulators of the 8×48 tile, Z0–Z23.
#define ZERO8X48Z \
	ZERO3Z(Z0, Z1, Z2); ZERO3Z(Z3, Z4, Z5); ZERO3Z(Z6, Z7, Z8); ZERO3Z(Z9, Z10, Z11); \
	ZERO3Z(Z12, Z13, Z14); ZERO3Z(Z15, Z16, Z17); ZERO3Z(Z18, Z19, Z20); ZERO3Z(Z21, Z22, Z23)

// KLOOP8X48Z runs the 8×48 tile over CX k groups of A at SI and B at BX, an
// odd one first, then two per step; pairs and stored name its labels.
#define KLOOP8X48Z(pairs, stored) \
	TESTQ $1, CX; JZ pairs; \
	STEP8Z(0, 0); ADDQ $32, SI; ADDQ $192, BX; DECQ CX; JZ stored; \
pairs: \
	STEP8Z(0, 0); STEP8Z(32, 192); ADDQ $64, SI; ADDQ $384, BX; SUBQ $2, CX; JNZ pairs; \
stored:

// VPDPBUSDY is the VEX vpdpbusd ymm(d), ymm(s1), ymm(s2) (register numbers): d += u8 s1 · s8 s2.
#define VPDPBUSDY(d, s1, s2) \
	BYTE $0xC4; BYTE $(0xE2 ^ ((d>>3)<<7) ^ ((s2>>3)<<5)); BYTE $(((15-s1)<<3) | 0x05); \
	BYTE $0x50; BYTE $(0xC0 | ((d&7)<<3) | (s2&7))

// SCALEZ stores 16 columns of a row at off: c = float32(acc)·(sa·sb) + bias, sa in Z30.
#define SCALEZ(acc, off) \
	VCVTDQ2PS acc, acc; VMULPS off(R9), Z30, Z31; VFMADD213PS off(AX), Z31, acc; VMOVUPS acc, off(DI)

// SCALEY stores 8 columns of a row at off: c = float32(acc)·(sa·sb) + bias, sa in Y14.
#define SCALEY(acc, off) \
	VCVTDQ2PS acc, acc; VMULPS off(R9), Y14, Y15; VFMADD213PS off(AX), Y15, acc; VMOVUPS acc, off(DI)

// STORE3Z stores a VNNI row from c0–c2 less corr, its sa at aoff(R8).
#define STORE3Z(aoff, c0, c1, c2) \
	VBROADCASTSS aoff(R8), Z30; \
	VPSUBD 0(R11), c0, c0; SCALEZ(c0, 0); \
	VPSUBD 64(R11), c1, c1; SCALEZ(c1, 64); \
	VPSUBD 128(R11), c2, c2; SCALEZ(c2, 128)

// STORE1Z stores a 16-column VNNI row from c0 less corr, its sa at aoff(R8).
#define STORE1Z(aoff, c0) \
	VBROADCASTSS aoff(R8), Z30; \
	VPSUBD 0(R11), c0, c0; SCALEZ(c0, 0)

// STORE2Y stores a VNNI row from c0–c1 less corr, its sa at aoff(R8).
#define STORE2Y(aoff, c0, c1) \
	VBROADCASTSS aoff(R8), Y14; \
	VPSUBD 0(R11), c0, c0; SCALEY(c0, 0); \
	VPSUBD 32(R11), c1, c1; SCALEY(c1, 32)

// STOREARGS loads a VNNI tile's store arguments: C at DI, ldc in bytes in
// DX, rows in CX, sa at R8, sb at R9, corr at R11, bias at AX.
#define STOREARGS \
	MOVQ c+24(FP), DI; MOVQ ldc+32(FP), DX; SHLQ $2, DX; MOVQ rows+40(FP), CX; \
	MOVQ sa+48(FP), R8; MOVQ sb+56(FP), R9; MOVQ corr+64(FP), R11; MOVQ bias+72(FP), AX

// UB_ROW adds the row's four bytes of A at arow, broadcast into Y12, times
// the k group's 16 columns of B at 0(BX) and 32(BX) to acc0 and acc1; Y13
// holds int16 ones, Y14 and Y15 the products. B is vpmaddubsw's memory
// operand, its signed one.
#define UB_ROW(arow, acc0, acc1) \
	VPBROADCASTD arow, Y12; \
	VPMADDUBSW 0(BX), Y12, Y14; \
	VPMADDWD Y13, Y14, Y14; \
	VPADDD Y14, acc0, acc0; \
	VPMADDUBSW 32(BX), Y12, Y15; \
	VPMADDWD Y13, Y15, Y15; \
	VPADDD Y15, acc1, acc1

// UB_ARGS loads a tile's A at SI and R8 = SI + 3·lda, lda in DX, B at BX,
// its k groups in CX and int16 ones in Y13.
#define UB_ARGS \
	MOVQ a+0(FP), SI; MOVQ lda+8(FP), DX; LEAQ (SI)(DX*2), R8; ADDQ DX, R8; \
	MOVQ b+16(FP), BX; MOVQ kg+24(FP), CX; \
	MOVL $0x00010001, AX; VMOVD AX, X13; VPBROADCASTD X13, Y13

// UB_NEXT moves A to the next k group and B to its next 64 bytes, and loops while k groups remain.
#define UB_NEXT \
	ADDQ $4, SI; ADDQ $4, R8; ADDQ $64, BX; DECQ CX; JNZ loop

// UB_STOREARGS loads the store's arguments: C at DI, ldc in bytes in DX, sa
// at R10, sb at R9, bias at AX (SCALEY's registers).
#define UB_STOREARGS \
	MOVQ c+32(FP), DI; MOVQ ldc+40(FP), DX; SHLQ $2, DX; \
	MOVQ sa+48(FP), R10; MOVQ sb+56(FP), R9; MOVQ bias+64(FP), AX

// UB_STORE stores a row of 16 columns from c0–c1, its sa at aoff(R10), and moves DI to the next row.
#define UB_STORE(aoff, c0, c1) \
	VBROADCASTSS aoff(R10), Y14; SCALEY(c0, 0); SCALEY(c1, 32); ADDQ DX, DI

// UB_ZERO2, UB_ROWS2 and UB_STORES2 clear, accumulate and store rows 0–1
// of a tile (accumulators Y0–Y3); the 4 and 6 versions rows 0–3 and 0–5.
#define UB_ZERO2 ZERO2Y(Y0, Y1); ZERO2Y(Y2, Y3)
#define UB_ZERO4 UB_ZERO2; ZERO2Y(Y4, Y5); ZERO2Y(Y6, Y7)
#define UB_ZERO6 UB_ZERO4; ZERO2Y(Y8, Y9); ZERO2Y(Y10, Y11)
#define UB_ROWS2 UB_ROW((SI), Y0, Y1); UB_ROW((SI)(DX*1), Y2, Y3)
#define UB_ROWS4 UB_ROWS2; UB_ROW((SI)(DX*2), Y4, Y5); UB_ROW((R8), Y6, Y7)
#define UB_ROWS6 UB_ROWS4; UB_ROW((R8)(DX*1), Y8, Y9); UB_ROW((R8)(DX*2), Y10, Y11)
#define UB_STORES2 UB_STORE(0, Y0, Y1); UB_STORE(4, Y2, Y3)
#define UB_STORES4 UB_STORES2; UB_STORE(8, Y4, Y5); UB_STORE(12, Y6, Y7)
#define UB_STORES6 UB_STORES4; UB_STORE(16, Y8, Y9); UB_STORE(20, Y10, Y11)

// UB_TILE is a tile's body: clear its accumulators (zero), run rows over
// every k group, store them (stores).
#define UB_TILE(zero, rows, stores) \
	UB_ARGS; zero; \
loop: \
	rows; UB_NEXT; \
	UB_STOREARGS; stores; VZEROUPPER; RET

// NEXTROW jumps to done once the last of rows is stored, else moves DI to the next row of C.
#define NEXTROW \
	DECQ CX; JZ done; ADDQ DX, DI

// func i8TileAVX512x8(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 8 { for j := range 48 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*8+i)*4+t] * b[(g*48+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
TEXT ·i8TileAVX512x8(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO8X48Z
	KLOOP8X48Z(pairs, stored)
	STOREARGS
	STORE3Z(0, Z0, Z1, Z2)
	NEXTROW
	STORE3Z(4, Z3, Z4, Z5)
	NEXTROW
	STORE3Z(8, Z6, Z7, Z8)
	NEXTROW
	STORE3Z(12, Z9, Z10, Z11)
	NEXTROW
	STORE3Z(16, Z12, Z13, Z14)
	NEXTROW
	STORE3Z(20, Z15, Z16, Z17)
	NEXTROW
	STORE3Z(24, Z18, Z19, Z20)
	NEXTROW
	STORE3Z(28, Z21, Z22, Z23)
done:
	VZEROUPPER
	RET

// func i8PanelAVX512x8(a *byte, b *int8, kg int, c *float32, ldc, blocks int, sa, sb *float32, corr *int32, bias *float32)
//
// i8TileAVX512x8 over blocks full blocks of 8 rows in one call, the blocks
// of A packed one after another (kg*32 bytes each), C and sa moving down 8
// rows a block: the rows of a whole column panel without a Go call per tile.
TEXT ·i8PanelAVX512x8(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $2, DX
	MOVQ blocks+40(FP), R12
	MOVQ sa+48(FP), R8
	MOVQ sb+56(FP), R9
	MOVQ corr+64(FP), R11
	MOVQ bias+72(FP), AX
panel_block:
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO8X48Z
	KLOOP8X48Z(panel_pairs, panel_stored)
	// SI is now at the next block of A.
	STORE3Z(0, Z0, Z1, Z2)
	ADDQ DX, DI
	STORE3Z(4, Z3, Z4, Z5)
	ADDQ DX, DI
	STORE3Z(8, Z6, Z7, Z8)
	ADDQ DX, DI
	STORE3Z(12, Z9, Z10, Z11)
	ADDQ DX, DI
	STORE3Z(16, Z12, Z13, Z14)
	ADDQ DX, DI
	STORE3Z(20, Z15, Z16, Z17)
	ADDQ DX, DI
	STORE3Z(24, Z18, Z19, Z20)
	ADDQ DX, DI
	STORE3Z(28, Z21, Z22, Z23)
	ADDQ DX, DI
	ADDQ $32, R8
	DECQ R12
	JNZ  panel_block
	VZEROUPPER
	RET

// func i8TileAVX512x8n16(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
// i8TileAVX512x8 on the first 16 columns of the panel only, for a last
// panel of at most 16 columns (attention's context at 64 head dimensions).
TEXT ·i8TileAVX512x8n16(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
n16_loop:
	VMOVDQU32 0(BX), Z24
	VPBROADCASTD 0(SI), Z26
	VPDPBUSD Z24, Z26, Z0
	VPBROADCASTD 4(SI), Z27
	VPDPBUSD Z24, Z27, Z1
	VPBROADCASTD 8(SI), Z28
	VPDPBUSD Z24, Z28, Z2
	VPBROADCASTD 12(SI), Z29
	VPDPBUSD Z24, Z29, Z3
	VPBROADCASTD 16(SI), Z26
	VPDPBUSD Z24, Z26, Z4
	VPBROADCASTD 20(SI), Z27
	VPDPBUSD Z24, Z27, Z5
	VPBROADCASTD 24(SI), Z28
	VPDPBUSD Z24, Z28, Z6
	VPBROADCASTD 28(SI), Z29
	VPDPBUSD Z24, Z29, Z7
	ADDQ $32, SI
	ADDQ $192, BX
	DECQ CX
	JNZ  n16_loop
	STOREARGS
	STORE1Z(0, Z0)
	NEXTROW
	STORE1Z(4, Z1)
	NEXTROW
	STORE1Z(8, Z2)
	NEXTROW
	STORE1Z(12, Z3)
	NEXTROW
	STORE1Z(16, Z4)
	NEXTROW
	STORE1Z(20, Z5)
	NEXTROW
	STORE1Z(24, Z6)
	NEXTROW
	STORE1Z(28, Z7)
done:
	VZEROUPPER
	RET

// func i8TileAVX512x4(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 4 { for j := range 48 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*4+i)*4+t] * b[(g*48+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
TEXT ·i8TileAVX512x4(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO3Z(Z0, Z1, Z2)
	ZERO3Z(Z3, Z4, Z5)
	ZERO3Z(Z6, Z7, Z8)
	ZERO3Z(Z9, Z10, Z11)
loop:
	LOADB3Z(Z12, Z13, Z14)
	VNNIZ_ROW(0, Z15, Z12, Z13, Z14, Z0, Z1, Z2)
	VNNIZ_ROW(4, Z16, Z12, Z13, Z14, Z3, Z4, Z5)
	VNNIZ_ROW(8, Z15, Z12, Z13, Z14, Z6, Z7, Z8)
	VNNIZ_ROW(12, Z16, Z12, Z13, Z14, Z9, Z10, Z11)
	ADDQ $16, SI
	ADDQ $192, BX
	DECQ CX
	JNZ  loop
	STOREARGS
	STORE3Z(0, Z0, Z1, Z2)
	NEXTROW
	STORE3Z(4, Z3, Z4, Z5)
	NEXTROW
	STORE3Z(8, Z6, Z7, Z8)
	NEXTROW
	STORE3Z(12, Z9, Z10, Z11)
done:
	VZEROUPPER
	RET

// func i8TileAVX512x2(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 2 { for j := range 48 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*2+i)*4+t] * b[(g*48+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
TEXT ·i8TileAVX512x2(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO3Z(Z0, Z1, Z2)
	ZERO3Z(Z3, Z4, Z5)
loop:
	LOADB3Z(Z6, Z7, Z8)
	VNNIZ_ROW(0, Z9, Z6, Z7, Z8, Z0, Z1, Z2)
	VNNIZ_ROW(4, Z10, Z6, Z7, Z8, Z3, Z4, Z5)
	ADDQ $8, SI
	ADDQ $192, BX
	DECQ CX
	JNZ  loop
	STOREARGS
	STORE3Z(0, Z0, Z1, Z2)
	NEXTROW
	STORE3Z(4, Z3, Z4, Z5)
done:
	VZEROUPPER
	RET

// func i8TileAVX512x1(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 1 { for j := range 48 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*1+i)*4+t] * b[(g*48+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
TEXT ·i8TileAVX512x1(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO3Z(Z0, Z1, Z2)
loop:
	LOADB3Z(Z3, Z4, Z5)
	VNNIZ_ROW(0, Z6, Z3, Z4, Z5, Z0, Z1, Z2)
	ADDQ $4, SI
	ADDQ $192, BX
	DECQ CX
	JNZ  loop
	STOREARGS
	STORE3Z(0, Z0, Z1, Z2)
done:
	VZEROUPPER
	RET

// func i8TileAVXVNNIx6(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 6 { for j := range 16 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*6+i)*4+t] * b[(g*16+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
//
// vpdpbusd is VEX-encoded with BYTE: Go's assembler knows only its EVEX form.
TEXT ·i8TileAVXVNNIx6(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO2Y(Y0, Y1)
	ZERO2Y(Y2, Y3)
	ZERO2Y(Y4, Y5)
	ZERO2Y(Y6, Y7)
	ZERO2Y(Y8, Y9)
	ZERO2Y(Y10, Y11)
loop:
	VMOVDQU 0(BX), Y12
	VMOVDQU 32(BX), Y13
	VPBROADCASTD 0(SI), Y14
	VPDPBUSDY(0, 14, 12); VPDPBUSDY(1, 14, 13)
	VPBROADCASTD 4(SI), Y15
	VPDPBUSDY(2, 15, 12); VPDPBUSDY(3, 15, 13)
	VPBROADCASTD 8(SI), Y14
	VPDPBUSDY(4, 14, 12); VPDPBUSDY(5, 14, 13)
	VPBROADCASTD 12(SI), Y15
	VPDPBUSDY(6, 15, 12); VPDPBUSDY(7, 15, 13)
	VPBROADCASTD 16(SI), Y14
	VPDPBUSDY(8, 14, 12); VPDPBUSDY(9, 14, 13)
	VPBROADCASTD 20(SI), Y15
	VPDPBUSDY(10, 15, 12); VPDPBUSDY(11, 15, 13)
	ADDQ $24, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS
	STORE2Y(0, Y0, Y1)
	NEXTROW
	STORE2Y(4, Y2, Y3)
	NEXTROW
	STORE2Y(8, Y4, Y5)
	NEXTROW
	STORE2Y(12, Y6, Y7)
	NEXTROW
	STORE2Y(16, Y8, Y9)
	NEXTROW
	STORE2Y(20, Y10, Y11)
done:
	VZEROUPPER
	RET

// func i8TileAVXVNNIx4(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 4 { for j := range 16 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*4+i)*4+t] * b[(g*16+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
//
// vpdpbusd is VEX-encoded with BYTE: Go's assembler knows only its EVEX form.
TEXT ·i8TileAVXVNNIx4(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO2Y(Y0, Y1)
	ZERO2Y(Y2, Y3)
	ZERO2Y(Y4, Y5)
	ZERO2Y(Y6, Y7)
loop:
	VMOVDQU 0(BX), Y8
	VMOVDQU 32(BX), Y9
	VPBROADCASTD 0(SI), Y10
	VPDPBUSDY(0, 10, 8); VPDPBUSDY(1, 10, 9)
	VPBROADCASTD 4(SI), Y11
	VPDPBUSDY(2, 11, 8); VPDPBUSDY(3, 11, 9)
	VPBROADCASTD 8(SI), Y10
	VPDPBUSDY(4, 10, 8); VPDPBUSDY(5, 10, 9)
	VPBROADCASTD 12(SI), Y11
	VPDPBUSDY(6, 11, 8); VPDPBUSDY(7, 11, 9)
	ADDQ $16, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS
	STORE2Y(0, Y0, Y1)
	NEXTROW
	STORE2Y(4, Y2, Y3)
	NEXTROW
	STORE2Y(8, Y4, Y5)
	NEXTROW
	STORE2Y(12, Y6, Y7)
done:
	VZEROUPPER
	RET

// func i8TileAVXVNNIx2(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 2 { for j := range 16 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*2+i)*4+t] * b[(g*16+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
//
// vpdpbusd is VEX-encoded with BYTE: Go's assembler knows only its EVEX form.
TEXT ·i8TileAVXVNNIx2(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO2Y(Y0, Y1)
	ZERO2Y(Y2, Y3)
loop:
	VMOVDQU 0(BX), Y4
	VMOVDQU 32(BX), Y5
	VPBROADCASTD 0(SI), Y6
	VPDPBUSDY(0, 6, 4); VPDPBUSDY(1, 6, 5)
	VPBROADCASTD 4(SI), Y7
	VPDPBUSDY(2, 7, 4); VPDPBUSDY(3, 7, 5)
	ADDQ $8, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS
	STORE2Y(0, Y0, Y1)
	NEXTROW
	STORE2Y(4, Y2, Y3)
done:
	VZEROUPPER
	RET

// func i8TileAVXVNNIx1(a *byte, b *int8, kg int, c *float32, ldc, rows int, sa, sb *float32, corr *int32, bias *float32)
//
//	for i := range 1 { for j := range 16 {  // only rows i < rows are stored
//		sum := -corr[j] + Σ_g Σ_t a[(g*1+i)*4+t] * b[(g*16+j)*4+t]  // a is u8, corr = 128·colsum
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
//
// vpdpbusd is VEX-encoded with BYTE: Go's assembler knows only its EVEX form.
TEXT ·i8TileAVXVNNIx1(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), BX
	MOVQ kg+16(FP), CX
	ZERO2Y(Y0, Y1)
loop:
	VMOVDQU 0(BX), Y2
	VMOVDQU 32(BX), Y3
	VPBROADCASTD 0(SI), Y4
	VPDPBUSDY(0, 4, 2); VPDPBUSDY(1, 4, 3)
	ADDQ $4, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS
	STORE2Y(0, Y0, Y1)
done:
	VZEROUPPER
	RET

// The AVX2 tiles for non-negative A (I8NonNeg): the AVX-VNNI tiles' B
// layout (16 columns × one k group of four in 64 bytes) with vpdpbusd done
// as vpmaddubsw, vpmaddwd by ones and vpaddd. vpmaddubsw multiplies A's
// bytes as unsigned by B's as signed and adds pairs into int16 with
// saturation; A in [0, 127] and B in [-127, 127] keep a pair within
// 2·127·127 = 32258 < 2¹⁵, so the sums are exact without the sign trick
// (i8fold_amd64.s). A is read where it lies, row-major: a row's k group is
// four consecutive bytes, broadcast from row i at SI + i·lda (rows 3–5 from
// R8 = SI + 3·lda), so nothing of A is packed. Each tile has exactly its
// height in rows.

// func i8TileAVX2NonNegx6(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
//	for i := range 6 { for j := range 16 {
//		sum := Σ_g Σ_t a[i*lda+4*g+t] * b[(g*16+j)*4+t]  // a in [0, 127]
//		c[i*ldc+j] = float32(sum)*(sa[i]*sb[j]) + bias[j]
//	}}
//
// Accumulators Y0–Y11 (row i in Y(2i), Y(2i+1)).
TEXT ·i8TileAVX2NonNegx6(SB), NOSPLIT, $0-72
	UB_TILE(UB_ZERO6, UB_ROWS6, UB_STORES6)

// func i8TileAVX2NonNegx4(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
// i8TileAVX2NonNegx6 for four rows.
TEXT ·i8TileAVX2NonNegx4(SB), NOSPLIT, $0-72
	UB_TILE(UB_ZERO4, UB_ROWS4, UB_STORES4)

// func i8TileAVX2NonNegx2(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
// i8TileAVX2NonNegx6 for two rows.
TEXT ·i8TileAVX2NonNegx2(SB), NOSPLIT, $0-72
	UB_TILE(UB_ZERO2, UB_ROWS2, UB_STORES2)

// func i8TileAVX2NonNegx1(a *int8, lda int, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
// i8TileAVX2NonNegx6 for one row.
TEXT ·i8TileAVX2NonNegx1(SB), NOSPLIT, $0-72
	UB_TILE(ZERO2Y(Y0, Y1), UB_ROW((SI), Y0, Y1), UB_STORE(0, Y0, Y1))
