//go:build !purego

#include "textflag.h"

// The sse4 tier's micro-kernels: 128-bit SSE (SSE2, SSSE3's pmaddubsw,
// psignb and pabsb), sixteen xmm registers, no FMA, no VEX. Legacy SSE
// instructions fault on a memory operand that is not 16-byte aligned, so
// every vector comes in through MOVOU/MOVUPS.

// ROWF32 adds a row's a at addr, broadcast into X14, times B (X12, X13) to
// c0, c1, through X15 (mulps then addps: SSE has no FMA).
#define ROWF32(addr, c0, c1) \
	MOVSS addr, X14; SHUFPS $0x00, X14, X14; \
	MOVAPS X12, X15; MULPS X14, X15; ADDPS X15, c0; \
	MOVAPS X13, X15; MULPS X14, X15; ADDPS X15, c1

// BIASF32 stores a row c0, c1 plus the bias in X12, X13 at DI.
#define BIASF32(c0, c1) \
	ADDPS X12, c0; MOVUPS c0, 0(DI); ADDPS X13, c1; MOVUPS c1, 16(DI)

// ACCF32 adds a row c0, c1 to C at DI.
#define ACCF32(c0, c1) \
	MOVUPS 0(DI), X12; ADDPS X12, c0; MOVUPS c0, 0(DI); \
	MOVUPS 16(DI), X13; ADDPS X13, c1; MOVUPS c1, 16(DI)

// NEXTROW jumps to done once the last of rows is stored, else moves DI to the next row of C.
#define NEXTROW \
	DECQ CX; JZ done; ADDQ DX, DI

// func f32TileSSEx6(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 6 { for j := range 8 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*8+j] }
//		c[i*ldc+j] = sum
//	}}
//
// Row i accumulates in X(2i), X(2i+1); A's rows are at SI, SI+DX, SI+2DX,
// SI+R10 (3DX), DI and DI+DX.
TEXT ·f32TileSSEx6(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	LEAQ (SI)(DX*4), DI
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3
	XORPS X4, X4
	XORPS X5, X5
	XORPS X6, X6
	XORPS X7, X7
	XORPS X8, X8
	XORPS X9, X9
	XORPS X10, X10
	XORPS X11, X11
loopf32:
	MOVUPS 0(BX), X12
	MOVUPS 16(BX), X13
	ROWF32((SI), X0, X1)
	ROWF32((SI)(DX*1), X2, X3)
	ROWF32((SI)(DX*2), X4, X5)
	ROWF32((SI)(R10*1), X6, X7)
	ROWF32((DI), X8, X9)
	ROWF32((DI)(DX*1), X10, X11)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $32, BX
	DECQ CX
	JNZ  loopf32
	MOVQ c+32(FP), DI
	MOVQ ldc+40(FP), DX
	SHLQ $2, DX
	MOVQ rows+48(FP), CX
	MOVBLZX accumulate+64(FP), AX
	TESTL AX, AX
	JNZ  accumulate
	MOVQ bias+56(FP), AX
	MOVUPS 0(AX), X12
	MOVUPS 16(AX), X13
	BIASF32(X0, X1)
	NEXTROW
	BIASF32(X2, X3)
	NEXTROW
	BIASF32(X4, X5)
	NEXTROW
	BIASF32(X6, X7)
	NEXTROW
	BIASF32(X8, X9)
	NEXTROW
	BIASF32(X10, X11)
	RET
accumulate:
	ACCF32(X0, X1)
	NEXTROW
	ACCF32(X2, X3)
	NEXTROW
	ACCF32(X4, X5)
	NEXTROW
	ACCF32(X6, X7)
	NEXTROW
	ACCF32(X8, X9)
	NEXTROW
	ACCF32(X10, X11)
done:
	RET

// DOTI8 adds one row's four k times a B vector b (four columns × the same
// four k) to the int32 lanes of acc, exactly: from the row's block at
// SI+sgn (the four a, broadcast, 16-byte aligned) psignb gives b·sign(a) in
// [-127, 127]; pmaddubsw multiplies it by |a| ≤ 127 (at SI+abs) as u8 and
// adds pairs into int16 (|pair| ≤ 2·127² = 32258, no saturation); pmaddwd
// by ones (X15) adds the two pairs of each column into int32.
#define DOTI8(sgn, abs, b, acc) \
	MOVO b, X13; PSIGNB sgn(SI), X13; MOVOU abs(SI), X14; \
	PMADDUBSW X13, X14; PMADDWL X15, X14; PADDL X14, acc

// ROWI8 adds row r's products with B (X8, X9) to c0, c1; its broadcast a
// and |a| are at SI+sgn and SI+abs.
#define ROWI8(sgn, abs, c0, c1) \
	DOTI8(sgn, abs, X8, c0); DOTI8(sgn, abs, X9, c1)

// STOREI8 stores a row's sums c0, c1 as sa[r]·sb[j]·float32(sum) + bias[j]
// at DX (sb in X8, X9, bias in X10, X11; sa[r] at R9).
#define STOREI8(c0, c1) \
	MOVSS (R9), X12; SHUFPS $0x00, X12, X12; \
	MOVAPS X12, X13; MULPS X8, X13; CVTPL2PS c0, c0; MULPS X13, c0; ADDPS X10, c0; MOVUPS c0, 0(DX); \
	MOVAPS X12, X13; MULPS X9, X13; CVTPL2PS c1, c1; MULPS X13, c1; ADDPS X11, c1; MOVUPS c1, 16(DX); \
	ADDQ $4, R9; ADDQ R8, DX

// func i8TileSSE4x4(a *int8, b *int8, kg int, c *float32, ldc int, sa, sb, bias *float32)
//
//	for i := range 4 { for j := range 8 {
//		var sum int32
//		for kk := range 4 * kg { sum += int32(a[(kk/4)*128+i*32+kk%4]) * int32(b[(kk/4)*32+j*4+kk%4]) }
//		c[i*ldc+j] = sa[i]*sb[j]*float32(sum) + bias[j]
//	}}
//
// A is a block of four rows laid out by broadcastBlock (16-byte aligned),
// B one panel of Layout{8, 4}. Row i accumulates in X(2i), X(2i+1)
// (columns 0–3 and 4–7).
TEXT ·i8TileSSE4x4(SB), NOSPLIT, $0-64
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ kg+16(FP), CX
	PXOR X0, X0
	PXOR X1, X1
	PXOR X2, X2
	PXOR X3, X3
	PXOR X4, X4
	PXOR X5, X5
	PXOR X6, X6
	PXOR X7, X7
	PCMPEQW X15, X15
	PSRLW $15, X15 // int16 ones
loopi8:
	MOVOU 0(DI), X8
	MOVOU 16(DI), X9
	ROWI8(0, 16, X0, X1)
	ROWI8(32, 48, X2, X3)
	ROWI8(64, 80, X4, X5)
	ROWI8(96, 112, X6, X7)
	ADDQ $128, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  loopi8
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8
	MOVQ sa+40(FP), R9
	MOVQ sb+48(FP), AX
	MOVUPS 0(AX), X8
	MOVUPS 16(AX), X9
	MOVQ bias+56(FP), AX
	MOVUPS 0(AX), X10
	MOVUPS 16(AX), X11
	STOREI8(X0, X1)
	STOREI8(X2, X3)
	STOREI8(X4, X5)
	STOREI8(X6, X7)
	RET

// func broadcastQuads(dst *int8, src *int8, groups int)
//
//	for g := range groups { for l := range 4 { for t := range 4 {
//		dst[128*g+4*l+t] = src[4*g+t]; dst[128*g+16+4*l+t] = abs(src[4*g+t])
//	}}}
TEXT ·broadcastQuads(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ groups+16(FP), CX
	TESTQ CX, CX
	JZ   donequads
loopquads:
	MOVL (SI), X0
	PSHUFL $0x00, X0, X0
	PABSB X0, X1
	MOVOU X0, 0(DI)
	MOVOU X1, 16(DI)
	ADDQ $4, SI
	ADDQ $128, DI
	DECQ CX
	JNZ  loopquads
donequads:
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
