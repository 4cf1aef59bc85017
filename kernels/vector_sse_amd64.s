//go:build !purego

#include "textflag.h"

// SSE versions of the vector work between the GEMMs for the sse4 tier (see
// vector.go for the Go twins). SSE has no FMA, so each computes its twin's
// float32 operations in its twin's order, four lanes at once, and rounds as
// it does: the results are the generic ones bit for bit (but for the sum
// expScaleSumSSE returns, which adds in four lanes). Each takes n elements,
// n a multiple of 4; vector_sse_amd64.go does the tail in Go. Memory
// operands of legacy SSE must be 16-byte aligned: the constants below are
// (a 16-byte table entry each, in a symbol the linker aligns to 32), the
// caller's rows come in through MOVUPS.

// The constants, each in four lanes: exp32's, the GELUs', the quantizers'
// and erf32's (vector.go).
DATA sseC<>+0(SB)/8, $0xc2ae999ac2ae999a
DATA sseC<>+8(SB)/8, $0xc2ae999ac2ae999a
DATA sseC<>+16(SB)/8, $0x42b0000042b00000
DATA sseC<>+24(SB)/8, $0x42b0000042b00000
DATA sseC<>+32(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA sseC<>+40(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA sseC<>+48(SB)/8, $0x3f3180003f318000
DATA sseC<>+56(SB)/8, $0x3f3180003f318000
DATA sseC<>+64(SB)/8, $0xb95e8083b95e8083
DATA sseC<>+72(SB)/8, $0xb95e8083b95e8083
DATA sseC<>+80(SB)/8, $0x3950696739506967
DATA sseC<>+88(SB)/8, $0x3950696739506967
DATA sseC<>+96(SB)/8, $0x3ab743ce3ab743ce
DATA sseC<>+104(SB)/8, $0x3ab743ce3ab743ce
DATA sseC<>+112(SB)/8, $0x3c0889083c088908
DATA sseC<>+120(SB)/8, $0x3c0889083c088908
DATA sseC<>+128(SB)/8, $0x3d2aa9c13d2aa9c1
DATA sseC<>+136(SB)/8, $0x3d2aa9c13d2aa9c1
DATA sseC<>+144(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA sseC<>+152(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA sseC<>+160(SB)/8, $0x3f0000003f000000
DATA sseC<>+168(SB)/8, $0x3f0000003f000000
DATA sseC<>+176(SB)/8, $0x3f8000003f800000
DATA sseC<>+184(SB)/8, $0x3f8000003f800000
DATA sseC<>+192(SB)/8, $0x0000007f0000007f
DATA sseC<>+200(SB)/8, $0x0000007f0000007f
DATA sseC<>+208(SB)/8, $0x4b4000004b400000
DATA sseC<>+216(SB)/8, $0x4b4000004b400000
DATA sseC<>+224(SB)/8, $0xbfcc422abfcc422a
DATA sseC<>+232(SB)/8, $0xbfcc422abfcc422a
DATA sseC<>+240(SB)/8, $0xbd922279bd922279
DATA sseC<>+248(SB)/8, $0xbd922279bd922279
DATA sseC<>+256(SB)/8, $0x42fe000042fe0000
DATA sseC<>+264(SB)/8, $0x42fe000042fe0000
DATA sseC<>+272(SB)/8, $0xc2fe0000c2fe0000
DATA sseC<>+280(SB)/8, $0xc2fe0000c2fe0000
DATA sseC<>+288(SB)/8, $0x7fffffff7fffffff
DATA sseC<>+296(SB)/8, $0x7fffffff7fffffff
DATA sseC<>+304(SB)/8, $0xbc83dbd4bc83dbd4
DATA sseC<>+312(SB)/8, $0xbc83dbd4bc83dbd4
DATA sseC<>+320(SB)/8, $0xbb41a1f6bb41a1f6
DATA sseC<>+328(SB)/8, $0xbb41a1f6bb41a1f6
DATA sseC<>+336(SB)/8, $0xba40ac63ba40ac63
DATA sseC<>+344(SB)/8, $0xba40ac63ba40ac63
DATA sseC<>+352(SB)/8, $0xb86ec2d2b86ec2d2
DATA sseC<>+360(SB)/8, $0xb86ec2d2b86ec2d2
DATA sseC<>+368(SB)/8, $0xb60cff51b60cff51
DATA sseC<>+376(SB)/8, $0xb60cff51b60cff51
DATA sseC<>+384(SB)/8, $0x32edffee32edffee
DATA sseC<>+392(SB)/8, $0x32edffee32edffee
DATA sseC<>+400(SB)/8, $0xaf95df0baf95df0b
DATA sseC<>+408(SB)/8, $0xaf95df0baf95df0b
DATA sseC<>+416(SB)/8, $0xbc69b6a7bc69b6a7
DATA sseC<>+424(SB)/8, $0xbc69b6a7bc69b6a7
DATA sseC<>+432(SB)/8, $0xbbf19bf8bbf19bf8
DATA sseC<>+440(SB)/8, $0xbbf19bf8bbf19bf8
DATA sseC<>+448(SB)/8, $0xbadc924ebadc924e
DATA sseC<>+456(SB)/8, $0xbadc924ebadc924e
DATA sseC<>+464(SB)/8, $0xb95fbd29b95fbd29
DATA sseC<>+472(SB)/8, $0xb95fbd29b95fbd29
DATA sseC<>+480(SB)/8, $0xb77460cdb77460cd
DATA sseC<>+488(SB)/8, $0xb77460cdb77460cd
DATA sseC<>+496(SB)/8, $0x3f3504f33f3504f3
DATA sseC<>+504(SB)/8, $0x3f3504f33f3504f3
DATA sseC<>+512(SB)/8, $0x4080000040800000
DATA sseC<>+520(SB)/8, $0x4080000040800000
DATA sseC<>+528(SB)/8, $0xc0800000c0800000
DATA sseC<>+536(SB)/8, $0xc0800000c0800000
DATA sseC<>+544(SB)/8, $0x3f0000003f000000
DATA sseC<>+552(SB)/8, $0x3f0000003f000000
GLOBL sseC<>(SB), RODATA|NOPTR, $560

#define C_expLo sseC<>+0(SB)
#define C_expHi sseC<>+16(SB)
#define C_log2e sseC<>+32(SB)
#define C_ln2Hi sseC<>+48(SB)
#define C_ln2Lo sseC<>+64(SB)
#define C_expC0 sseC<>+80(SB)
#define C_expC1 sseC<>+96(SB)
#define C_expC2 sseC<>+112(SB)
#define C_expC3 sseC<>+128(SB)
#define C_expC4 sseC<>+144(SB)
#define C_expC5 sseC<>+160(SB)
#define C_one sseC<>+176(SB)
#define C_bias127 sseC<>+192(SB)
#define C_magic sseC<>+208(SB)
#define C_geluA sseC<>+224(SB)
#define C_geluB sseC<>+240(SB)
#define C_plus127 sseC<>+256(SB)
#define C_minus127 sseC<>+272(SB)
#define C_absMask sseC<>+288(SB)
#define C_a1 sseC<>+304(SB)
#define C_a3 sseC<>+320(SB)
#define C_a5 sseC<>+336(SB)
#define C_a7 sseC<>+352(SB)
#define C_a9 sseC<>+368(SB)
#define C_a11 sseC<>+384(SB)
#define C_a13 sseC<>+400(SB)
#define C_b0 sseC<>+416(SB)
#define C_b2 sseC<>+432(SB)
#define C_b4 sseC<>+448(SB)
#define C_b6 sseC<>+464(SB)
#define C_b8 sseC<>+480(SB)
#define C_invSqrt2 sseC<>+496(SB)
#define C_four sseC<>+512(SB)
#define C_minusFour sseC<>+528(SB)
#define C_half sseC<>+544(SB)

// MAXNAN sets x = max(x, c) and MINNAN x = min(x, c) for the constant c,
// through t, letting a NaN x through as the Go comparisons of the twins do
// (maxps and minps return their source operand when either is NaN).
#define MAXNAN(c, x, t) MOVAPS c, t; MAXPS x, t; MOVAPS t, x
#define MINNAN(c, x, t) MOVAPS c, t; MINPS x, t; MOVAPS t, x

// EXP sets X0 = exp32(X0), step for step (vector.go), through X1 and X2:
// clamp to [expLo, expHi]; n = round(x·log2e) by the roundMagic addition;
// r = x - n·ln2Hi - n·ln2Lo; p by Horner's rule, then p·r·r + r + 1; times
// 2ⁿ built in the exponent bits.
#define EXP \
	MAXNAN(C_expLo, X0, X1); MINNAN(C_expHi, X0, X1); \
	MOVAPS X0, X1; MULPS C_log2e, X1; ADDPS C_magic, X1; SUBPS C_magic, X1; \
	MOVAPS X1, X2; MULPS C_ln2Hi, X2; SUBPS X2, X0; \
	MOVAPS X1, X2; MULPS C_ln2Lo, X2; SUBPS X2, X0; \
	MOVAPS C_expC0, X2; \
	MULPS X0, X2; ADDPS C_expC1, X2; \
	MULPS X0, X2; ADDPS C_expC2, X2; \
	MULPS X0, X2; ADDPS C_expC3, X2; \
	MULPS X0, X2; ADDPS C_expC4, X2; \
	MULPS X0, X2; ADDPS C_expC5, X2; \
	MULPS X0, X2; MULPS X0, X2; ADDPS X0, X2; ADDPS C_one, X2; \
	CVTPS2PL X1, X1; PADDL C_bias127, X1; PSLLL $23, X1; \
	MULPS X1, X2; MOVAPS X2, X0

// HSUM and HMAX reduce the four lanes of X0 into its low lane, through X1.
#define HSUM \
	MOVAPS X0, X1; SHUFPS $0x4e, X1, X1; ADDPS X1, X0; \
	MOVAPS X0, X1; SHUFPS $0xb1, X1, X1; ADDPS X1, X0
#define HMAX \
	MOVAPS X0, X1; SHUFPS $0x4e, X1, X1; MAXPS X1, X0; \
	MOVAPS X0, X1; SHUFPS $0xb1, X1, X1; MAXPS X1, X0

// STOREQ4 stores X0 as four int8 at (DI) as roundQ8 does: a NaN lane
// becomes 0 (cmpps ordered), the rest are clamped to ±127, rounded to
// nearest even (cvtps2dq under Go's rounding mode) and narrowed; uses X1.
#define STOREQ4 \
	MOVAPS X0, X1; CMPPS X0, X1, $7; ANDPS X1, X0; \
	MAXPS C_minus127, X0; MINPS C_plus127, X0; CVTPS2PL X0, X0; \
	PACKSSLW X0, X0; PACKSSWB X0, X0; MOVQ X0, AX; MOVL AX, (DI)

// func maxAbsSSE(x *float32, n int) float32
//
//	m := 0; for i := range n { m = max(m, |x[i]|) }  // a NaN wins, as in Go's max
//
// maxps drops a NaN (it returns its source operand when either is NaN), so
// the NaN lanes are gathered apart (cmpps unordered) and, if there was one,
// the result is the quiet NaN.
TEXT ·maxAbsSSE(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	XORPS X0, X0
	XORPS X3, X3
	MOVAPS C_absMask, X2
maxabs:
	MOVUPS (SI), X1
	ANDPS X2, X1
	MAXPS X1, X0
	CMPPS X1, X1, $3
	ORPS X1, X3
	ADDQ $16, SI
	SUBQ $4, CX
	JNZ  maxabs
	MOVMSKPS X3, AX
	TESTL AX, AX
	JNZ  maxabsnan
	HMAX
	MOVSS X0, ret+16(FP)
	RET
maxabsnan:
	MOVL $0x7fc00000, ret+16(FP) // a NaN
	RET

// func quantizeSSE(dst *int8, src *float32, n int, inv float32)
//
//	for i := range n { dst[i] = roundQ8(src[i] * inv) }
TEXT ·quantizeSSE(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVSS inv+24(FP), X3
	SHUFPS $0x00, X3, X3
quant:
	MOVUPS (SI), X0
	MULPS X3, X0
	STOREQ4
	ADDQ $16, SI
	ADDQ $4, DI
	SUBQ $4, CX
	JNZ  quant
	RET

// func quantizeScaledSSE(dst *int8, src, inv *float32, n int)
//
//	for i := range n { dst[i] = roundQ8(src[i] * inv[i]) }
TEXT ·quantizeScaledSSE(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ inv+16(FP), DX
	MOVQ n+24(FP), CX
quantscaled:
	MOVUPS (SI), X0
	MOVUPS (DX), X3
	MULPS X3, X0
	STOREQ4
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $4, DI
	SUBQ $4, CX
	JNZ  quantscaled
	RET

// func expScaleSumSSE(x *float32, n int, scale, shift float32) float32
//
//	for i := range n { x[i] = exp32(x[i]*scale - shift); sum[i%4] += x[i] }
//	return (sum[0] + sum[2]) + (sum[1] + sum[3])
TEXT ·expScaleSumSSE(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVSS scale+16(FP), X4
	SHUFPS $0x00, X4, X4
	MOVSS shift+20(FP), X5
	SHUFPS $0x00, X5, X5
	XORPS X6, X6
exp:
	MOVUPS (SI), X0
	MULPS X4, X0
	SUBPS X5, X0
	EXP
	MOVUPS X0, (SI)
	ADDPS X0, X6
	ADDQ $16, SI
	SUBQ $4, CX
	JNZ  exp
	MOVAPS X6, X0
	HSUM
	MOVSS X0, ret+24(FP)
	RET

// func geluTanhSSE(x *float32, n int)
//
//	for i, v := range x[:n] { x[i] = v / (1 + exp32(v*(geluA+geluB*v*v))) }
TEXT ·geluTanhSSE(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
gelutanh:
	MOVUPS (SI), X4
	MOVAPS C_geluB, X0
	MULPS X4, X0
	MULPS X4, X0
	ADDPS C_geluA, X0
	MULPS X4, X0
	EXP
	ADDPS C_one, X0
	DIVPS X0, X4
	MOVUPS X4, (SI)
	ADDQ $16, SI
	SUBQ $4, CX
	JNZ  gelutanh
	RET

// func geluErfSSE(x *float32, n int)
//
//	for i, v := range x[:n] {
//		t := clamp(v*(1/√2), -4, 4); t2 := t*t  // NaN passes
//		p := ((((((t2*a13+a11)*t2+a9)*t2+a7)*t2+a5)*t2+a3)*t2+a1)
//		q := ((((t2*b8+b6)*t2+b4)*t2+b2)*t2+b0)
//		x[i] = 0.5 * v * (1 + t*p/q)
//	}
TEXT ·geluErfSSE(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
geluerf:
	MOVUPS (SI), X4
	MOVAPS X4, X0
	MULPS C_invSqrt2, X0
	MAXNAN(C_minusFour, X0, X1)
	MINNAN(C_four, X0, X1)
	MOVAPS X0, X2
	MULPS X2, X2 // t²
	MOVAPS X2, X1
	MULPS C_a13, X1
	ADDPS C_a11, X1
	MULPS X2, X1
	ADDPS C_a9, X1
	MULPS X2, X1
	ADDPS C_a7, X1
	MULPS X2, X1
	ADDPS C_a5, X1
	MULPS X2, X1
	ADDPS C_a3, X1
	MULPS X2, X1
	ADDPS C_a1, X1 // p
	MOVAPS X2, X3
	MULPS C_b8, X3
	ADDPS C_b6, X3
	MULPS X2, X3
	ADDPS C_b4, X3
	MULPS X2, X3
	ADDPS C_b2, X3
	MULPS X2, X3
	ADDPS C_b0, X3 // q
	MULPS X1, X0
	DIVPS X3, X0 // erf = t·p/q
	ADDPS C_one, X0
	MULPS C_half, X4
	MULPS X0, X4
	MOVUPS X4, (SI)
	ADDQ $16, SI
	SUBQ $4, CX
	JNZ  geluerf
	RET

// func multiplySSE(x *float32, n int, by float32)
//
//	for i := range n { x[i] *= by }
TEXT ·multiplySSE(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVSS by+16(FP), X1
	SHUFPS $0x00, X1, X1
multiply:
	MOVUPS (SI), X0
	MULPS X1, X0
	MOVUPS X0, (SI)
	ADDQ $16, SI
	SUBQ $4, CX
	JNZ  multiply
	RET

// func normalizeSSE(x, gamma, beta *float32, n int, mean, inv float32)
//
//	for i := range n { x[i] = (x[i]-mean)*inv*gamma[i] + beta[i] }
TEXT ·normalizeSSE(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ gamma+8(FP), DX
	MOVQ beta+16(FP), BX
	MOVQ n+24(FP), CX
	MOVSS mean+32(FP), X2
	SHUFPS $0x00, X2, X2
	MOVSS inv+36(FP), X3
	SHUFPS $0x00, X3, X3
normalize:
	MOVUPS (SI), X0
	SUBPS X2, X0
	MULPS X3, X0
	MOVUPS (DX), X1
	MULPS X1, X0
	MOVUPS (BX), X1
	ADDPS X1, X0
	MOVUPS X0, (SI)
	ADDQ $16, SI
	ADDQ $16, DX
	ADDQ $16, BX
	SUBQ $4, CX
	JNZ  normalize
	RET

// ADDLANE adds x at off(SI) to the accumulator acc, and leaves for done
// after the last element, through X8; RESIDLANE first adds resid at off(DX)
// to x, and writes x back.
#define ADDLANE(off, acc, done) \
	MOVUPS off(SI), X8; ADDPS X8, acc; SUBQ $4, CX; JZ done
#define RESIDLANE(off, acc, done) \
	MOVUPS off(SI), X8; MOVUPS off(DX), X9; ADDPS X9, X8; MOVUPS X8, off(SI); \
	ADDPS X8, acc; SUBQ $4, CX; JZ done

// SQLANE adds (x at off(SI) - mean (X10))² to acc, and leaves for done after
// the last element, through X8.
#define SQLANE(off, acc, done) \
	MOVUPS off(SI), X8; SUBPS X10, X8; MULPS X8, X8; ADDPS X8, acc; SUBQ $4, CX; JZ done

// ZERO8 clears the accumulators X0–X7.
#define ZERO8 \
	XORPS X0, X0; XORPS X1, X1; XORPS X2, X2; XORPS X3, X3; \
	XORPS X4, X4; XORPS X5, X5; XORPS X6, X6; XORPS X7, X7

// STORE8 writes the accumulators X0–X7 to lanes at DI.
#define STORE8 \
	MOVUPS X0, 0(DI); MOVUPS X1, 16(DI); MOVUPS X2, 32(DI); MOVUPS X3, 48(DI); \
	MOVUPS X4, 64(DI); MOVUPS X5, 80(DI); MOVUPS X6, 96(DI); MOVUPS X7, 112(DI)

// func addSumLanesSSE(lanes *[32]float32, x, resid *float32, n int)
//
//	for i := range n {
//		if resid != nil { x[i] += resid[i] }
//		lanes[i%32] = lanes[i%32] + x[i]  // from zero, in the order of i
//	}
//
// The 32 partial sums of addSumGeneric, in eight accumulators of four.
TEXT ·addSumLanesSSE(SB), NOSPLIT, $0-32
	MOVQ lanes+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ resid+16(FP), DX
	MOVQ n+24(FP), CX
	ZERO8
	TESTQ DX, DX
	JZ   addlanes
residlanes:
	RESIDLANE(0, X0, addlanesdone)
	RESIDLANE(16, X1, addlanesdone)
	RESIDLANE(32, X2, addlanesdone)
	RESIDLANE(48, X3, addlanesdone)
	RESIDLANE(64, X4, addlanesdone)
	RESIDLANE(80, X5, addlanesdone)
	RESIDLANE(96, X6, addlanesdone)
	RESIDLANE(112, X7, addlanesdone)
	ADDQ $128, SI
	ADDQ $128, DX
	JMP  residlanes
addlanes:
	ADDLANE(0, X0, addlanesdone)
	ADDLANE(16, X1, addlanesdone)
	ADDLANE(32, X2, addlanesdone)
	ADDLANE(48, X3, addlanesdone)
	ADDLANE(64, X4, addlanesdone)
	ADDLANE(80, X5, addlanesdone)
	ADDLANE(96, X6, addlanesdone)
	ADDLANE(112, X7, addlanesdone)
	ADDQ $128, SI
	JMP  addlanes
addlanesdone:
	STORE8
	RET

// func sqDevSumLanesSSE(lanes *[32]float32, x *float32, n int, mean float32)
//
//	for i := range n { d := x[i] - mean; lanes[i%32] = lanes[i%32] + d*d }  // from zero
TEXT ·sqDevSumLanesSSE(SB), NOSPLIT, $0-28
	MOVQ lanes+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	MOVSS mean+24(FP), X10
	SHUFPS $0x00, X10, X10
	ZERO8
sqlanes:
	SQLANE(0, X0, sqlanesdone)
	SQLANE(16, X1, sqlanesdone)
	SQLANE(32, X2, sqlanesdone)
	SQLANE(48, X3, sqlanesdone)
	SQLANE(64, X4, sqlanesdone)
	SQLANE(80, X5, sqlanesdone)
	SQLANE(96, X6, sqlanesdone)
	SQLANE(112, X7, sqlanesdone)
	ADDQ $128, SI
	JMP  sqlanes
sqlanesdone:
	STORE8
	RET
