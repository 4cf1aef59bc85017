//go:build !purego

#include "textflag.h"

// Row packers for the int8 kernels: they move one row of A, a k group (four
// bytes, one word) at a time, to every stride-th byte of the packed block.

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

// func packWordsAbs(dst *byte, stride, off int, src *int8, n int)
//
//	for g := range n {
//		w := src[4*g:][:4]
//		dst[g*stride:][:4] = |w| (byte-wise), dst[g*stride+off:][:4] = w
//	}
//
// |w| is x XOR s + (s AND 1) per byte, s = 0xff where the byte is negative;
// no carry crosses a byte since |a| ≤ 127.
TEXT ·packWordsAbs(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ stride+8(FP), DX
	MOVQ off+16(FP), R8
	MOVQ src+24(FP), SI
	MOVQ n+32(FP), CX
	TESTQ CX, CX
	JZ   done
loop:
	MOVL (SI), AX
	MOVL AX, (DI)(R8*1)
	MOVL AX, BX
	ANDL $0x80808080, BX
	SHRL $7, BX
	IMUL3L $0xff, BX, BX
	XORL BX, AX
	ANDL $0x01010101, BX
	ADDL BX, AX
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
