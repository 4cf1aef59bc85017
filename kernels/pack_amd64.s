//go:build !purego

#include "textflag.h"

// func transpose8x8AVX(dst *float32, ldd int, src *float32, lds int)
//
//	for i := range 8 { for j := range 8 { dst[i*ldd+j] = src[j*lds+i] } }
//
// Rows pair up in vunpck{l,h}ps, then in vshufps, then halves swap in
// vperm2f128: the classic 24-shuffle transpose.
TEXT ·transpose8x8AVX(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), DX
	SHLQ $2, DX
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), CX
	SHLQ $2, CX
	LEAQ (CX)(CX*2), R8
	LEAQ (SI)(CX*4), R9
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(CX*1), Y1
	VMOVUPS (SI)(CX*2), Y2
	VMOVUPS (SI)(R8*1), Y3
	VMOVUPS (R9), Y4
	VMOVUPS (R9)(CX*1), Y5
	VMOVUPS (R9)(CX*2), Y6
	VMOVUPS (R9)(R8*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7
	LEAQ (DX)(DX*2), R8
	LEAQ (DI)(DX*4), R9
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	VMOVUPS Y8, (DI)
	VMOVUPS Y9, (DI)(DX*1)
	VMOVUPS Y10, (DI)(DX*2)
	VMOVUPS Y11, (DI)(R8*1)
	VMOVUPS Y12, (R9)
	VMOVUPS Y13, (R9)(DX*1)
	VMOVUPS Y14, (R9)(DX*2)
	VMOVUPS Y15, (R9)(R8*1)
	VZEROUPPER
	RET

// Packers for the int8 kernels. packWords moves a row of A (XOR 0x80 for
// VNNI) or a column of B, a k group (four bytes, one word) at a time, to
// every stride-th byte of the packed block; interleave4 groups four rows of
// B by k; sumI8 and addI8AVX2 make B's column sums.

// func packWords(dst unsafe.Pointer, stride int, src *int8, n int, xor uint32)
//
//	for g := range n { dst[g*stride:][:4] = src[4*g:][:4] XOR xor }
TEXT ·packWords(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ stride+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	MOVL xor+32(FP), BX
	TESTQ CX, CX
	JZ   done
loop:
	MOVL (SI), AX
	XORL BX, AX
	MOVL AX, (DI)
	ADDQ $4, SI
	ADDQ DX, DI
	DECQ CX
	JNZ  loop
done:
	RET

// TRANSPOSE4 turns four rows of four words (a–d) into four columns, with
// X8–X11 as temporaries.
#define TRANSPOSE4(a, b, c, d) \
	VPUNPCKLDQ b, a, X8; \
	VPUNPCKHDQ b, a, X9; \
	VPUNPCKLDQ d, c, X10; \
	VPUNPCKHDQ d, c, X11; \
	VPUNPCKLQDQ X10, X8, a; \
	VPUNPCKHQDQ X10, X8, b; \
	VPUNPCKLQDQ X11, X9, c; \
	VPUNPCKHQDQ X11, X9, d

// func packBlock8(dst *byte, src *int8, lda, n int, xor uint32)
//
//	for g := range 4 * n { for r := range 8 {  // rows r of src lda bytes apart
//		dst[(g*8+r)*4:][:4] = src[r*lda+4*g:][:4] XOR xor
//	}}
//
// Four k groups of eight rows per step: each half of the rows is a 4×4
// transpose of 4-byte words.
TEXT ·packBlock8(SB), NOSPLIT, $0-36
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lda+16(FP), DX
	MOVQ n+24(FP), CX
	LEAQ (DX)(DX*2), R8
	LEAQ (SI)(DX*4), R9
	MOVL xor+32(FP), AX
	VMOVD AX, X15
	VPBROADCASTD X15, X15
block8_loop:
	VMOVDQU (SI), X0
	VMOVDQU (SI)(DX*1), X1
	VMOVDQU (SI)(DX*2), X2
	VMOVDQU (SI)(R8*1), X3
	VMOVDQU (R9), X4
	VMOVDQU (R9)(DX*1), X5
	VMOVDQU (R9)(DX*2), X6
	VMOVDQU (R9)(R8*1), X7
	TRANSPOSE4(X0, X1, X2, X3)
	TRANSPOSE4(X4, X5, X6, X7)
	VPXOR X15, X0, X0
	VPXOR X15, X4, X4
	VPXOR X15, X1, X1
	VPXOR X15, X5, X5
	VPXOR X15, X2, X2
	VPXOR X15, X6, X6
	VPXOR X15, X3, X3
	VPXOR X15, X7, X7
	VMOVDQU X0, (DI)
	VMOVDQU X4, 16(DI)
	VMOVDQU X1, 32(DI)
	VMOVDQU X5, 48(DI)
	VMOVDQU X2, 64(DI)
	VMOVDQU X6, 80(DI)
	VMOVDQU X3, 96(DI)
	VMOVDQU X7, 112(DI)
	ADDQ $16, SI
	ADDQ $16, R9
	ADDQ $128, DI
	DECQ CX
	JNZ  block8_loop
	RET

// func interleave4AVX(dst, r0, r1, r2, r3 *int8, n int)
//
//	for j := range n { dst[4*j:][:4] = [r0[j], r1[j], r2[j], r3[j]] }  // n a multiple of 16
TEXT ·interleave4AVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ r0+8(FP), AX
	MOVQ r1+16(FP), BX
	MOVQ r2+24(FP), DX
	MOVQ r3+32(FP), SI
	MOVQ n+40(FP), CX
interleave_loop:
	VMOVDQU (AX), X0
	VMOVDQU (BX), X1
	VMOVDQU (DX), X2
	VMOVDQU (SI), X3
	VPUNPCKLBW X1, X0, X4 // r0 r1 byte pairs, columns 0-7
	VPUNPCKHBW X1, X0, X5 // columns 8-15
	VPUNPCKLBW X3, X2, X6 // r2 r3
	VPUNPCKHBW X3, X2, X7
	VPUNPCKLWD X6, X4, X0 // four bytes per column, columns 0-3
	VPUNPCKHWD X6, X4, X1 // 4-7
	VPUNPCKLWD X7, X5, X2 // 8-11
	VPUNPCKHWD X7, X5, X3 // 12-15
	VMOVDQU X0, (DI)
	VMOVDQU X1, 16(DI)
	VMOVDQU X2, 32(DI)
	VMOVDQU X3, 48(DI)
	ADDQ $16, AX
	ADDQ $16, BX
	ADDQ $16, DX
	ADDQ $16, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JNZ  interleave_loop
	RET

// func sumI8AVX2(x *int8, n int) int32
//
//	return Σ x[:n]  // n a multiple of 16
TEXT ·sumI8AVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
sum_loop:
	VPMOVSXBD (SI), Y2
	VPMOVSXBD 8(SI), Y3
	VPADDD Y2, Y0, Y0
	VPADDD Y3, Y1, Y1
	ADDQ $16, SI
	SUBQ $16, CX
	JNZ  sum_loop
	VPADDD Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD X1, X0, X0
	VPSHUFD $0x4E, X0, X1
	VPADDD X1, X0, X0
	VPSHUFD $0xB1, X0, X1
	VPADDD X1, X0, X0
	VMOVD X0, AX
	MOVL AX, ret+16(FP)
	VZEROUPPER
	RET

// func addI8AVX2(sums *int32, x *int8, n int)
//
//	for i := range n { sums[i] += int32(x[i]) }  // n a multiple of 16
TEXT ·addI8AVX2(SB), NOSPLIT, $0-24
	MOVQ sums+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
add_loop:
	VPMOVSXBD (SI), Y0
	VPMOVSXBD 8(SI), Y1
	VPADDD (DI), Y0, Y0
	VPADDD 32(DI), Y1, Y1
	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	ADDQ $16, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JNZ  add_loop
	VZEROUPPER
	RET
