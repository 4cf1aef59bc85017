//go:build !purego

#include "textflag.h"

// Packers for the int8 kernels. packWordsXor80 moves one row of A, a k
// group (four bytes, one word) at a time, to every stride-th byte of the
// packed block; widenI8 sign-extends bytes to int16 for the AVX2 kernel.

// func packWordsXor80(dst *byte, stride int, src *int8, n int)
//
//	for g := range n { dst[g*stride:][:4] = src[4*g:][:4] XOR 0x80808080 }
TEXT ·packWordsXor80(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ stride+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	TESTQ CX, CX
	JZ   done
loop:
	MOVL (SI), AX
	XORL $0x80808080, AX
	MOVL AX, (DI)
	ADDQ $4, SI
	ADDQ DX, DI
	DECQ CX
	JNZ  loop
done:
	RET

// func widenI8(dst *byte, src *int8, n, padded int)
//
//	for i := range padded { dst16[i] = int16(src[i]) if i < n, else 0 }  // dst16 is dst as little-endian int16s
//
// It reads exactly n bytes of src: 16 at a time (vpmovsxbw), then one by one.
TEXT ·widenI8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ padded+24(FP), DX
	SUBQ CX, DX
vectors:
	CMPQ CX, $16
	JLT  bytes
	VPMOVSXBW (SI), Y0
	VMOVDQU Y0, (DI)
	ADDQ $16, SI
	ADDQ $32, DI
	SUBQ $16, CX
	JMP  vectors
bytes:
	TESTQ CX, CX
	JZ   zeros
	MOVBWSX (SI), AX
	MOVW AX, (DI)
	INCQ SI
	ADDQ $2, DI
	DECQ CX
	JMP  bytes
zeros:
	TESTQ DX, DX
	JLE  done
	MOVW $0, (DI)
	ADDQ $2, DI
	DECQ DX
	JMP  zeros
done:
	VZEROUPPER
	RET
