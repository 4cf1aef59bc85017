//go:build !purego

#include "textflag.h"

// AVX2+FMA versions of the vector work between the GEMMs (see vector.go for
// the pure-Go twins they match). Each handles n elements, n a multiple of 8;
// vector_amd64.go does the tail in Go.

// Broadcast constants, eight float32 (or int32) lanes each.
DATA expLo<>+0(SB)/8, $0xc2ae999ac2ae999a
DATA expLo<>+8(SB)/8, $0xc2ae999ac2ae999a
DATA expLo<>+16(SB)/8, $0xc2ae999ac2ae999a
DATA expLo<>+24(SB)/8, $0xc2ae999ac2ae999a
GLOBL expLo<>(SB), RODATA|NOPTR, $32
DATA expHi<>+0(SB)/8, $0x42b0000042b00000
DATA expHi<>+8(SB)/8, $0x42b0000042b00000
DATA expHi<>+16(SB)/8, $0x42b0000042b00000
DATA expHi<>+24(SB)/8, $0x42b0000042b00000
GLOBL expHi<>(SB), RODATA|NOPTR, $32
DATA log2e<>+0(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA log2e<>+8(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA log2e<>+16(SB)/8, $0x3fb8aa3b3fb8aa3b
DATA log2e<>+24(SB)/8, $0x3fb8aa3b3fb8aa3b
GLOBL log2e<>(SB), RODATA|NOPTR, $32
DATA ln2Hi<>+0(SB)/8, $0x3f3180003f318000
DATA ln2Hi<>+8(SB)/8, $0x3f3180003f318000
DATA ln2Hi<>+16(SB)/8, $0x3f3180003f318000
DATA ln2Hi<>+24(SB)/8, $0x3f3180003f318000
GLOBL ln2Hi<>(SB), RODATA|NOPTR, $32
DATA ln2Lo<>+0(SB)/8, $0xb95e8083b95e8083
DATA ln2Lo<>+8(SB)/8, $0xb95e8083b95e8083
DATA ln2Lo<>+16(SB)/8, $0xb95e8083b95e8083
DATA ln2Lo<>+24(SB)/8, $0xb95e8083b95e8083
GLOBL ln2Lo<>(SB), RODATA|NOPTR, $32
DATA expC0<>+0(SB)/8, $0x3950696739506967
DATA expC0<>+8(SB)/8, $0x3950696739506967
DATA expC0<>+16(SB)/8, $0x3950696739506967
DATA expC0<>+24(SB)/8, $0x3950696739506967
GLOBL expC0<>(SB), RODATA|NOPTR, $32
DATA expC1<>+0(SB)/8, $0x3ab743ce3ab743ce
DATA expC1<>+8(SB)/8, $0x3ab743ce3ab743ce
DATA expC1<>+16(SB)/8, $0x3ab743ce3ab743ce
DATA expC1<>+24(SB)/8, $0x3ab743ce3ab743ce
GLOBL expC1<>(SB), RODATA|NOPTR, $32
DATA expC2<>+0(SB)/8, $0x3c0889083c088908
DATA expC2<>+8(SB)/8, $0x3c0889083c088908
DATA expC2<>+16(SB)/8, $0x3c0889083c088908
DATA expC2<>+24(SB)/8, $0x3c0889083c088908
GLOBL expC2<>(SB), RODATA|NOPTR, $32
DATA expC3<>+0(SB)/8, $0x3d2aa9c13d2aa9c1
DATA expC3<>+8(SB)/8, $0x3d2aa9c13d2aa9c1
DATA expC3<>+16(SB)/8, $0x3d2aa9c13d2aa9c1
DATA expC3<>+24(SB)/8, $0x3d2aa9c13d2aa9c1
GLOBL expC3<>(SB), RODATA|NOPTR, $32
DATA expC4<>+0(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA expC4<>+8(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA expC4<>+16(SB)/8, $0x3e2aaaaa3e2aaaaa
DATA expC4<>+24(SB)/8, $0x3e2aaaaa3e2aaaaa
GLOBL expC4<>(SB), RODATA|NOPTR, $32
DATA expC5<>+0(SB)/8, $0x3f0000003f000000
DATA expC5<>+8(SB)/8, $0x3f0000003f000000
DATA expC5<>+16(SB)/8, $0x3f0000003f000000
DATA expC5<>+24(SB)/8, $0x3f0000003f000000
GLOBL expC5<>(SB), RODATA|NOPTR, $32
DATA one<>+0(SB)/8, $0x3f8000003f800000
DATA one<>+8(SB)/8, $0x3f8000003f800000
DATA one<>+16(SB)/8, $0x3f8000003f800000
DATA one<>+24(SB)/8, $0x3f8000003f800000
GLOBL one<>(SB), RODATA|NOPTR, $32
DATA geluA<>+0(SB)/8, $0xbfcc422abfcc422a
DATA geluA<>+8(SB)/8, $0xbfcc422abfcc422a
DATA geluA<>+16(SB)/8, $0xbfcc422abfcc422a
DATA geluA<>+24(SB)/8, $0xbfcc422abfcc422a
GLOBL geluA<>(SB), RODATA|NOPTR, $32
DATA geluB<>+0(SB)/8, $0xbd922279bd922279
DATA geluB<>+8(SB)/8, $0xbd922279bd922279
DATA geluB<>+16(SB)/8, $0xbd922279bd922279
DATA geluB<>+24(SB)/8, $0xbd922279bd922279
GLOBL geluB<>(SB), RODATA|NOPTR, $32
DATA plus127<>+0(SB)/8, $0x42fe000042fe0000
DATA plus127<>+8(SB)/8, $0x42fe000042fe0000
DATA plus127<>+16(SB)/8, $0x42fe000042fe0000
DATA plus127<>+24(SB)/8, $0x42fe000042fe0000
GLOBL plus127<>(SB), RODATA|NOPTR, $32
DATA minus127<>+0(SB)/8, $0xc2fe0000c2fe0000
DATA minus127<>+8(SB)/8, $0xc2fe0000c2fe0000
DATA minus127<>+16(SB)/8, $0xc2fe0000c2fe0000
DATA minus127<>+24(SB)/8, $0xc2fe0000c2fe0000
GLOBL minus127<>(SB), RODATA|NOPTR, $32
DATA absMask<>+0(SB)/8, $0x7fffffff7fffffff
DATA absMask<>+8(SB)/8, $0x7fffffff7fffffff
DATA absMask<>+16(SB)/8, $0x7fffffff7fffffff
DATA absMask<>+24(SB)/8, $0x7fffffff7fffffff
GLOBL absMask<>(SB), RODATA|NOPTR, $32
DATA bias127<>+0(SB)/8, $0x0000007f0000007f
DATA bias127<>+8(SB)/8, $0x0000007f0000007f
DATA bias127<>+16(SB)/8, $0x0000007f0000007f
DATA bias127<>+24(SB)/8, $0x0000007f0000007f
GLOBL bias127<>(SB), RODATA|NOPTR, $32

// EXP computes Y0 = exp(Y0) as exp32 does, using Y1-Y3.
#define EXP \
	VMAXPS expLo<>(SB), Y0, Y0 \
	VMINPS expHi<>(SB), Y0, Y0 \
	VMULPS log2e<>(SB), Y0, Y1 \
	VROUNDPS $0, Y1, Y1 \
	VFNMADD231PS ln2Hi<>(SB), Y1, Y0 \
	VFNMADD231PS ln2Lo<>(SB), Y1, Y0 \
	VMOVUPS expC0<>(SB), Y2 \
	VFMADD213PS expC1<>(SB), Y0, Y2 \
	VFMADD213PS expC2<>(SB), Y0, Y2 \
	VFMADD213PS expC3<>(SB), Y0, Y2 \
	VFMADD213PS expC4<>(SB), Y0, Y2 \
	VFMADD213PS expC5<>(SB), Y0, Y2 \
	VMULPS Y0, Y0, Y3 \
	VFMADD213PS Y0, Y3, Y2 \
	VADDPS one<>(SB), Y2, Y2 \
	VCVTPS2DQ Y1, Y1 \
	VPADDD bias127<>(SB), Y1, Y1 \
	VPSLLD $23, Y1, Y1 \
	VMULPS Y1, Y2, Y0

// STOREQ8 stores Y0 as eight int8 at (DI): clamped to [lo, hi] (±127),
// rounded to nearest even, narrowed with saturation.
#define STOREQ8(lo, hi) \
	VMAXPS lo, Y0, Y0; VMINPS hi, Y0, Y0; VCVTPS2DQ Y0, Y0; \
	VEXTRACTI128 $1, Y0, X1; VPACKSSDW X1, X0, X0; VPACKSSWB X0, X0, X0; VMOVQ X0, (DI)

// STOREQ16 is STOREQ8 for the sixteen floats of Z0 (narrowed by vpmovsdb).
#define STOREQ16(lo, hi) \
	VMAXPS lo, Z0, Z0; VMINPS hi, Z0, Z0; VCVTPS2DQ Z0, Z0; VPMOVSDB Z0, X1; VMOVDQU X1, (DI)

// HMAX and HSUM reduce the eight lanes of Y0 into X0's low lane, using X1.
#define HMAX \
	VEXTRACTF128 $1, Y0, X1 \
	VMAXPS X1, X0, X0 \
	VPERMILPS $0x4e, X0, X1 \
	VMAXPS X1, X0, X0 \
	VPERMILPS $0xb1, X0, X1 \
	VMAXPS X1, X0, X0

#define HSUM \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS X1, X0, X0 \
	VPERMILPS $0x4e, X0, X1 \
	VADDPS X1, X0, X0 \
	VPERMILPS $0xb1, X0, X1 \
	VADDPS X1, X0, X0

// erf32's constants (vector.go), one float32 each: P's a1 … a13 at 0–24,
// Q's b0 … b8 at 28–44, then 1/√2, 4, -4 and 0.5.
DATA erfC<>+0(SB)/4, $0xbc83dbd4 // a1
DATA erfC<>+4(SB)/4, $0xbb41a1f6 // a3
DATA erfC<>+8(SB)/4, $0xba40ac63 // a5
DATA erfC<>+12(SB)/4, $0xb86ec2d2 // a7
DATA erfC<>+16(SB)/4, $0xb60cff51 // a9
DATA erfC<>+20(SB)/4, $0x32edffee // a11
DATA erfC<>+24(SB)/4, $0xaf95df0b // a13
DATA erfC<>+28(SB)/4, $0xbc69b6a7 // b0
DATA erfC<>+32(SB)/4, $0xbbf19bf8 // b2
DATA erfC<>+36(SB)/4, $0xbadc924e // b4
DATA erfC<>+40(SB)/4, $0xb95fbd29 // b6
DATA erfC<>+44(SB)/4, $0xb77460cd // b8
DATA erfC<>+48(SB)/4, $0x3f3504f3 // 1/√2
DATA erfC<>+52(SB)/4, $0x40800000 // 4
DATA erfC<>+56(SB)/4, $0xc0800000 // -4
DATA erfC<>+60(SB)/4, $0x3f000000 // 0.5
GLOBL erfC<>(SB), RODATA|NOPTR, $64

// func maxAbsAVX2(x *float32, n int) float32
TEXT ·maxAbsAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VXORPS Y0, Y0, Y0
	VMOVUPS absMask<>(SB), Y2
maxabs_loop:
	VANDPS (SI), Y2, Y1
	VMAXPS Y1, Y0, Y0
	ADDQ $32, SI
	SUBQ $8, CX
	JNZ maxabs_loop
	HMAX
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func quantizeAVX2(dst *int8, src *float32, n int, inv float32)
// dst[i] = round-to-even(clamp(src[i]·inv, -127, 127)).
TEXT ·quantizeAVX2(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS inv+24(FP), Y2
	VMOVUPS plus127<>(SB), Y3
	VMOVUPS minus127<>(SB), Y4
quant_loop:
	VMULPS (SI), Y2, Y0
	STOREQ8(Y4, Y3)
	ADDQ $32, SI
	ADDQ $8, DI
	SUBQ $8, CX
	JNZ quant_loop
	VZEROUPPER
	RET

// func quantizeScaledAVX2(dst *int8, src, inv *float32, n int)
// dst[i] = round-to-even(clamp(src[i]·inv[i], -127, 127)).
TEXT ·quantizeScaledAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ inv+16(FP), DX
	MOVQ n+24(FP), CX
	VMOVUPS plus127<>(SB), Y3
	VMOVUPS minus127<>(SB), Y4
quantscaled_loop:
	VMOVUPS (SI), Y0
	VMULPS (DX), Y0, Y0
	STOREQ8(Y4, Y3)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $8, DI
	SUBQ $8, CX
	JNZ quantscaled_loop
	VZEROUPPER
	RET

// func columnPeaksAVX2(peaks, x *float32, n int)
// peaks[i] = max(peaks[i], |x[i]|).
TEXT ·columnPeaksAVX2(SB), NOSPLIT, $0-24
	MOVQ peaks+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VMOVUPS absMask<>(SB), Y2
colpeaks_loop:
	VANDPS (SI), Y2, Y1
	VMAXPS (DI), Y1, Y1
	VMOVUPS Y1, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	SUBQ $8, CX
	JNZ colpeaks_loop
	VZEROUPPER
	RET

// func expScaleSumAVX2(x *float32, n int, scale, shift float32) float32
// x[i] = exp(x[i]·scale - shift); returns the sum of the new x.
TEXT ·expScaleSumAVX2(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS scale+16(FP), Y4
	VBROADCASTSS shift+20(FP), Y5
	VXORPS Y6, Y6, Y6
exp_loop:
	VMULPS (SI), Y4, Y0
	VSUBPS Y5, Y0, Y0
	EXP
	VMOVUPS Y0, (SI)
	VADDPS Y0, Y6, Y6
	ADDQ $32, SI
	SUBQ $8, CX
	JNZ exp_loop
	VMOVAPS Y6, Y0
	HSUM
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func geluTanhAVX2(x *float32, n int)
// x[i] = x / (1 + exp(x·(geluA + geluB·x²))).
TEXT ·geluTanhAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPS geluA<>(SB), Y6
	VMOVUPS geluB<>(SB), Y7
	VMOVUPS one<>(SB), Y8
gelu_loop:
	VMOVUPS (SI), Y4
	VMULPS Y4, Y4, Y0
	VFMADD213PS Y6, Y7, Y0
	VMULPS Y4, Y0, Y0
	EXP
	VADDPS Y8, Y0, Y0
	VDIVPS Y0, Y4, Y0
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	SUBQ $8, CX
	JNZ gelu_loop
	VZEROUPPER
	RET

// func geluErfAVX2(x *float32, n int)
// u = clamp(x·(1/√2), -4, 4); x[i] = 0.5·x·(1 + u·P(u²)/Q(u²)), erf32's
// rational function, P and Q by Horner's rule on u².
TEXT ·geluErfAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS erfC<>+0(SB), Y6   // a1
	VBROADCASTSS erfC<>+4(SB), Y7   // a3
	VBROADCASTSS erfC<>+8(SB), Y8   // a5
	VBROADCASTSS erfC<>+12(SB), Y9  // a7
	VBROADCASTSS erfC<>+16(SB), Y10 // a9
	VBROADCASTSS erfC<>+20(SB), Y11 // a11
	VBROADCASTSS erfC<>+24(SB), Y12 // a13
	VBROADCASTSS erfC<>+56(SB), Y13 // -4
	VBROADCASTSS erfC<>+52(SB), Y14 // 4
	VBROADCASTSS erfC<>+48(SB), Y15 // 1/√2
gelu_erf_loop:
	VMOVUPS (SI), Y0
	VMULPS Y15, Y0, Y1      // u = x/√2
	VMAXPS Y13, Y1, Y1      // u = max(u, -4)
	VMINPS Y14, Y1, Y1      // u = min(u, 4)
	VMULPS Y1, Y1, Y2       // u²
	VMOVAPS Y12, Y3         // p = a13
	VFMADD213PS Y11, Y2, Y3 // p = p·u² + a11
	VFMADD213PS Y10, Y2, Y3 // … + a9
	VFMADD213PS Y9, Y2, Y3  // … + a7
	VFMADD213PS Y8, Y2, Y3  // … + a5
	VFMADD213PS Y7, Y2, Y3  // … + a3
	VFMADD213PS Y6, Y2, Y3  // … + a1
	VBROADCASTSS erfC<>+44(SB), Y4 // q = b8
	VBROADCASTSS erfC<>+40(SB), Y5
	VFMADD213PS Y5, Y2, Y4  // q = q·u² + b6
	VBROADCASTSS erfC<>+36(SB), Y5
	VFMADD213PS Y5, Y2, Y4  // … + b4
	VBROADCASTSS erfC<>+32(SB), Y5
	VFMADD213PS Y5, Y2, Y4  // … + b2
	VBROADCASTSS erfC<>+28(SB), Y5
	VFMADD213PS Y5, Y2, Y4  // … + b0
	VMULPS Y1, Y3, Y3       // u·p
	VDIVPS Y4, Y3, Y3       // erf = u·p/q
	VBROADCASTSS erfC<>+60(SB), Y5
	VMULPS Y5, Y0, Y0       // h = x/2
	VFMADD213PS Y0, Y0, Y3  // h·erf + h
	VMOVUPS Y3, (SI)
	ADDQ $32, SI
	SUBQ $8, CX
	JNZ gelu_erf_loop
	VZEROUPPER
	RET

// func multiplyAVX2(x *float32, n int, by float32)
TEXT ·multiplyAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS by+16(FP), Y1
multiply_loop:
	VMULPS (SI), Y1, Y0
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	SUBQ $8, CX
	JNZ multiply_loop
	VZEROUPPER
	RET

// func maxAVX2(x *float32, n int) float32
TEXT ·maxAVX2(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VMOVUPS (SI), Y0
	VMOVAPS Y0, Y2
max_pair:
	CMPQ CX, $16
	JLT  max_single
	VMAXPS (SI), Y0, Y0
	VMAXPS 32(SI), Y2, Y2
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  max_pair
max_single:
	TESTQ CX, CX
	JZ   max_done
	VMAXPS (SI), Y0, Y0
max_done:
	VMAXPS Y2, Y0, Y0
	HMAX
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func quantizeRowsAVX2(dst *int8, scales, src *float32, ld, rows, w int)
//
//	for r := range rows { scales[r] = QuantizeRow(dst[r*w:][:w], src[r*ld:][:w]) }  // w a multiple of 8
//
// Each row: its max |x| in Y0 as maxAbsAVX2 takes it, scale = max/127 and
// inv = 1/scale as in Go (a zero row gets scale 0 and zeros), then the
// quantize loop of quantizeAVX2: the avx2 set's QuantizeRow bit for bit,
// in one call for attention's many 64-wide rows.
TEXT ·quantizeRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ scales+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), DX
	SHLQ $2, DX
	MOVQ rows+32(FP), R9
	MOVQ w+40(FP), R10
	VMOVUPS absMask<>(SB), Y2
	VMOVUPS plus127<>(SB), Y3
	VMOVUPS minus127<>(SB), Y4
	VMOVSS one<>(SB), X5
	VMOVSS plus127<>(SB), X7
	TESTQ R9, R9
	JZ   qrows2_done
qrows2_row:
	MOVQ SI, AX
	MOVQ R10, CX
	VXORPS Y0, Y0, Y0
qrows2_max:
	VANDPS (AX), Y2, Y1
	VMAXPS Y1, Y0, Y0
	ADDQ $32, AX
	SUBQ $8, CX
	JNZ  qrows2_max
	HMAX
	VDIVSS X7, X0, X6 // scale = max/127
	VMOVSS X6, (R8)
	MOVQ SI, AX
	MOVQ R10, CX
	VXORPS X1, X1, X1
	VUCOMISS X1, X0
	JEQ  qrows2_zero
	VDIVSS X6, X5, X6 // inv = 1/scale
	VBROADCASTSS X6, Y6
qrows2_quant:
	VMULPS (AX), Y6, Y0
	STOREQ8(Y4, Y3)
	ADDQ $32, AX
	ADDQ $8, DI
	SUBQ $8, CX
	JNZ  qrows2_quant
	JMP  qrows2_next
qrows2_zero:
	MOVQ $0, (DI)
	ADDQ $8, DI
	SUBQ $8, CX
	JNZ  qrows2_zero
qrows2_next:
	ADDQ $4, R8
	ADDQ DX, SI
	DECQ R9
	JNZ  qrows2_row
qrows2_done:
	VZEROUPPER
	RET

// func softmaxQuantizeAVX2(q *int8, sums, x *float32, rows, w int, scale float32)
//
//	for r := range rows {  // row r at x[r*w:], w a multiple of 8
//		shift := max(x[r*w:][:w])·scale
//		for j := range w { e := exp(x[r*w+j]·scale - shift); sums[r] += e; q[r*w+j] = round(127·e) }
//	}
//
// The max as maxAVX2, the numerators and their lane-wise sum as
// expScaleSumAVX2, each quantized as quantizeAVX2 with inv 127 instead of
// stored: the avx2 set's SoftmaxNumerators and Quantize bit for bit, in
// one call and one pass over each row.
TEXT ·softmaxQuantizeAVX2(SB), NOSPLIT, $0-44
	MOVQ q+0(FP), DI
	MOVQ sums+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ rows+24(FP), R9
	MOVQ w+32(FP), R10
	VBROADCASTSS scale+40(FP), Y4
	VMOVUPS plus127<>(SB), Y7
	VMOVUPS minus127<>(SB), Y8
	TESTQ R9, R9
	JZ   smq2_done
smq2_row:
	MOVQ SI, AX
	MOVQ R10, CX
	VMOVUPS (AX), Y0
	VMOVAPS Y0, Y2
smq2_pair:
	CMPQ CX, $16
	JLT  smq2_single
	VMAXPS (AX), Y0, Y0
	VMAXPS 32(AX), Y2, Y2
	ADDQ $64, AX
	SUBQ $16, CX
	JMP  smq2_pair
smq2_single:
	TESTQ CX, CX
	JZ   smq2_maxed
	VMAXPS (AX), Y0, Y0
smq2_maxed:
	VMAXPS Y2, Y0, Y0
	HMAX
	VMULSS X4, X0, X0 // shift = max·scale
	VBROADCASTSS X0, Y5
	MOVQ SI, AX
	MOVQ R10, CX
	VXORPS Y6, Y6, Y6
smq2_exp:
	VMULPS (AX), Y4, Y0
	VSUBPS Y5, Y0, Y0
	EXP
	VADDPS Y0, Y6, Y6
	VMULPS Y7, Y0, Y0
	STOREQ8(Y8, Y7)
	ADDQ $32, AX
	ADDQ $8, DI
	SUBQ $8, CX
	JNZ  smq2_exp
	VMOVAPS Y6, Y0
	HSUM
	VMOVSS X0, (R8)
	ADDQ $4, R8
	MOVQ AX, SI
	DECQ R9
	JNZ  smq2_row
smq2_done:
	VZEROUPPER
	RET

// FOLD4 adds the four accumulators Y0–Y3 (lanes i%32 of the sum) into the
// eight lanes of Y0 as (Y0+Y2)+(Y1+Y3), the order sumLanes32 uses.
#define FOLD4 \
	VADDPS Y2, Y0, Y0 \
	VADDPS Y3, Y1, Y1 \
	VADDPS Y1, Y0, Y0

// ZERO4 clears the accumulators Y0–Y3.
#define ZERO4 \
	VXORPS Y0, Y0, Y0 \
	VXORPS Y1, Y1, Y1 \
	VXORPS Y2, Y2, Y2 \
	VXORPS Y3, Y3, Y3

// func addSumAVX2(x, resid *float32, n int) float32
// x[i] += resid[i] (resid nil: x unchanged); returns Σ x[i], element i
// summed in lane i%32 (four accumulators, so the adds do not wait on each
// other), folded as sumLanes32.
TEXT ·addSumAVX2(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ resid+8(FP), DX
	MOVQ n+16(FP), CX
	ZERO4
	TESTQ DX, DX
	JZ sum_loop
addsum_loop:
	VMOVUPS (SI), Y4
	VADDPS (DX), Y4, Y4
	VMOVUPS Y4, (SI)
	VADDPS Y4, Y0, Y0
	SUBQ $8, CX
	JZ sum_done
	VMOVUPS 32(SI), Y4
	VADDPS 32(DX), Y4, Y4
	VMOVUPS Y4, 32(SI)
	VADDPS Y4, Y1, Y1
	SUBQ $8, CX
	JZ sum_done
	VMOVUPS 64(SI), Y4
	VADDPS 64(DX), Y4, Y4
	VMOVUPS Y4, 64(SI)
	VADDPS Y4, Y2, Y2
	SUBQ $8, CX
	JZ sum_done
	VMOVUPS 96(SI), Y4
	VADDPS 96(DX), Y4, Y4
	VMOVUPS Y4, 96(SI)
	VADDPS Y4, Y3, Y3
	ADDQ $128, SI
	ADDQ $128, DX
	SUBQ $8, CX
	JNZ addsum_loop
	JMP sum_done
sum_loop:
	VADDPS (SI), Y0, Y0
	SUBQ $8, CX
	JZ sum_done
	VADDPS 32(SI), Y1, Y1
	SUBQ $8, CX
	JZ sum_done
	VADDPS 64(SI), Y2, Y2
	SUBQ $8, CX
	JZ sum_done
	VADDPS 96(SI), Y3, Y3
	ADDQ $128, SI
	SUBQ $8, CX
	JNZ sum_loop
sum_done:
	FOLD4
	HSUM
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func sqDevSumAVX2(x *float32, n int, mean float32) float32
// Σ (x[i] - mean)² in lanes i%32, as addSumAVX2.
TEXT ·sqDevSumAVX2(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS mean+16(FP), Y5
	ZERO4
sqdev_loop:
	VSUBPS (SI), Y5, Y4
	VFMADD231PS Y4, Y4, Y0
	SUBQ $8, CX
	JZ sqdev_done
	VSUBPS 32(SI), Y5, Y4
	VFMADD231PS Y4, Y4, Y1
	SUBQ $8, CX
	JZ sqdev_done
	VSUBPS 64(SI), Y5, Y4
	VFMADD231PS Y4, Y4, Y2
	SUBQ $8, CX
	JZ sqdev_done
	VSUBPS 96(SI), Y5, Y4
	VFMADD231PS Y4, Y4, Y3
	ADDQ $128, SI
	SUBQ $8, CX
	JNZ sqdev_loop
sqdev_done:
	FOLD4
	HSUM
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func normalizeAVX2(x, gamma, beta *float32, n int, mean, inv float32)
// x[i] = (x[i] - mean)·inv·gamma[i] + beta[i].
TEXT ·normalizeAVX2(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ gamma+8(FP), DX
	MOVQ beta+16(FP), BX
	MOVQ n+24(FP), CX
	VBROADCASTSS mean+32(FP), Y2
	VBROADCASTSS inv+36(FP), Y3
norm_loop:
	VMOVUPS (SI), Y0
	VSUBPS Y2, Y0, Y0
	VMULPS Y3, Y0, Y0
	VMULPS (DX), Y0, Y0
	VADDPS (BX), Y0, Y0
	VMOVUPS Y0, (SI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, BX
	SUBQ $8, CX
	JNZ norm_loop
	VZEROUPPER
	RET

// The AVX-512 versions (n a multiple of 16) keep every constant in a
// register: EXP_CONSTS512 loads them, EXP512 is EXP on Z0 using Z1-Z3,
// with vscalefps building the power of two.
#define EXP_CONSTS512 \
	VBROADCASTSS one<>(SB), Z22 \
	VBROADCASTSS expLo<>(SB), Z23 \
	VBROADCASTSS expHi<>(SB), Z24 \
	VBROADCASTSS log2e<>(SB), Z25 \
	VBROADCASTSS ln2Hi<>(SB), Z26 \
	VBROADCASTSS ln2Lo<>(SB), Z27 \
	VBROADCASTSS expC0<>(SB), Z28 \
	VBROADCASTSS expC1<>(SB), Z29 \
	VBROADCASTSS expC2<>(SB), Z30 \
	VBROADCASTSS expC3<>(SB), Z31 \
	VBROADCASTSS expC4<>(SB), Z16 \
	VBROADCASTSS expC5<>(SB), Z17

#define EXP512 \
	VMAXPS Z23, Z0, Z0 \
	VMINPS Z24, Z0, Z0 \
	VMULPS Z25, Z0, Z1 \
	VRNDSCALEPS $0, Z1, Z1 \
	VFNMADD231PS Z26, Z1, Z0 \
	VFNMADD231PS Z27, Z1, Z0 \
	VMOVAPS Z28, Z2 \
	VFMADD213PS Z29, Z0, Z2 \
	VFMADD213PS Z30, Z0, Z2 \
	VFMADD213PS Z31, Z0, Z2 \
	VFMADD213PS Z16, Z0, Z2 \
	VFMADD213PS Z17, Z0, Z2 \
	VMULPS Z0, Z0, Z3 \
	VFMADD213PS Z0, Z3, Z2 \
	VADDPS Z22, Z2, Z2 \
	VSCALEFPS Z1, Z2, Z0

// func geluTanhAVX512(x *float32, n int)
TEXT ·geluTanhAVX512(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	EXP_CONSTS512
	VBROADCASTSS geluA<>(SB), Z20
	VBROADCASTSS geluB<>(SB), Z21
gelu512_loop:
	VMOVUPS (SI), Z4
	VMULPS Z4, Z4, Z0
	VFMADD213PS Z20, Z21, Z0
	VMULPS Z4, Z0, Z0
	EXP512
	VADDPS Z22, Z0, Z0
	// x / d as x·r, r = 1/d from vrcp14ps (2⁻¹⁴) refined by one Newton
	// step r·(2 - d·r) to float precision: vdivps zmm would be the
	// loop's bottleneck.
	VRCP14PS Z0, Z1
	VFNMADD213PS Z22, Z1, Z0
	VADDPS Z22, Z0, Z0
	VMULPS Z1, Z0, Z0
	VMULPS Z4, Z0, Z0
	VMOVUPS Z0, (SI)
	ADDQ $64, SI
	SUBQ $16, CX
	JNZ gelu512_loop
	VZEROUPPER
	RET

// func expScaleSumAVX512(x *float32, n int, scale, shift float32) float32
TEXT ·expScaleSumAVX512(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	EXP_CONSTS512
	VBROADCASTSS scale+16(FP), Z18
	VBROADCASTSS shift+20(FP), Z19
	VXORPS Z5, Z5, Z5
exp512_loop:
	VMULPS (SI), Z18, Z0
	VSUBPS Z19, Z0, Z0
	EXP512
	VMOVUPS Z0, (SI)
	VADDPS Z0, Z5, Z5
	ADDQ $64, SI
	SUBQ $16, CX
	JNZ exp512_loop
	VEXTRACTF64X4 $1, Z5, Y0
	VADDPS Y5, Y0, Y0
	HSUM
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func maxAbsAVX512(x *float32, n int) float32
// Four accumulators, so the maxima do not wait on each other.
TEXT ·maxAbsAVX512(SB), NOSPLIT, $0-20
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPBROADCASTD absMask<>(SB), Z2
maxabs512_quad:
	CMPQ CX, $64
	JLT  maxabs512_single
	VPANDD (SI), Z2, Z1
	VMAXPS Z1, Z0, Z0
	VPANDD 64(SI), Z2, Z6
	VMAXPS Z6, Z3, Z3
	VPANDD 128(SI), Z2, Z7
	VMAXPS Z7, Z4, Z4
	VPANDD 192(SI), Z2, Z8
	VMAXPS Z8, Z5, Z5
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  maxabs512_quad
maxabs512_single:
	TESTQ CX, CX
	JZ   maxabs512_done
	VPANDD (SI), Z2, Z1
	VMAXPS Z1, Z0, Z0
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  maxabs512_single
maxabs512_done:
	VMAXPS Z3, Z0, Z0
	VMAXPS Z5, Z4, Z4
	VMAXPS Z4, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	HMAX
	VMOVSS X0, ret+16(FP)
	VZEROUPPER
	RET

// func quantizeAVX512(dst *int8, src *float32, n int, inv float32)
// As quantizeAVX2, 16 at a time, narrowed by vpmovsdb.
TEXT ·quantizeAVX512(SB), NOSPLIT, $0-28
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS inv+24(FP), Z2
	VBROADCASTSS plus127<>(SB), Z3
	VBROADCASTSS minus127<>(SB), Z4
quant512_loop:
	VMULPS (SI), Z2, Z0
	STOREQ16(Z4, Z3)
	ADDQ $64, SI
	ADDQ $16, DI
	SUBQ $16, CX
	JNZ quant512_loop
	VZEROUPPER
	RET

// func quantizeRowsAVX512(dst *int8, scales, src *float32, ld, rows, w int)
//
//	for r := range rows { scales[r] = QuantizeRow(dst[r*w:][:w], src[r*ld:][:w]) }  // w a multiple of 16
//
// Each row: its max |x| in Z0, scale = max/127 and inv = 1/scale as in Go
// (a zero row gets scale 0 and zeros), then the quantize loop of
// quantizeAVX512.
TEXT ·quantizeRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ scales+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ ld+24(FP), DX
	SHLQ $2, DX
	MOVQ rows+32(FP), R9
	MOVQ w+40(FP), R10
	VPBROADCASTD absMask<>(SB), Z2
	VBROADCASTSS plus127<>(SB), Z3
	VBROADCASTSS minus127<>(SB), Z4
	VMOVSS one<>(SB), X5
	VMOVSS plus127<>(SB), X7
	TESTQ R9, R9
	JZ   qrows_done
qrows_row:
	MOVQ SI, AX
	MOVQ R10, CX
	VPXORD Z0, Z0, Z0
	VPXORD Z9, Z9, Z9
qrows_max:
	CMPQ CX, $32
	JLT  qrows_max1
	VPANDD (AX), Z2, Z1
	VMAXPS Z1, Z0, Z0
	VPANDD 64(AX), Z2, Z8
	VMAXPS Z8, Z9, Z9
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  qrows_max
qrows_max1:
	TESTQ CX, CX
	JZ   qrows_maxed
	VPANDD (AX), Z2, Z1
	VMAXPS Z1, Z0, Z0
qrows_maxed:
	VMAXPS Z9, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	HMAX
	VDIVSS X7, X0, X6 // scale = max/127
	VMOVSS X6, (R8)
	MOVQ SI, AX
	MOVQ R10, CX
	VXORPS X1, X1, X1
	VUCOMISS X1, X0
	JEQ  qrows_zero
	VDIVSS X6, X5, X6 // inv = 1/scale
	VBROADCASTSS X6, Z6
qrows_quant:
	VMULPS (AX), Z6, Z0
	STOREQ16(Z4, Z3)
	ADDQ $64, AX
	ADDQ $16, DI
	SUBQ $16, CX
	JNZ  qrows_quant
	JMP  qrows_next
qrows_zero:
	VMOVDQU X1, (DI)
	ADDQ $16, DI
	SUBQ $16, CX
	JNZ  qrows_zero
qrows_next:
	ADDQ $4, R8
	ADDQ DX, SI
	DECQ R9
	JNZ  qrows_row
qrows_done:
	VZEROUPPER
	RET

// func softmaxQuantizeAVX512(q *int8, sums, x *float32, rows, w int, scale float32)
//
//	for r := range rows {  // row r at x[r*w:], w a multiple of 16
//		shift := max(x[r*w:][:w])·scale
//		for j := range w { e := exp(x[r*w+j]·scale - shift); sums[r] += e; q[r*w+j] = round(127·e) }
//	}
//
// The max in two accumulators, then exp as expScaleSumAVX512, scaled to
// int8 (e ≤ 1, so no clamp) instead of stored.
TEXT ·softmaxQuantizeAVX512(SB), NOSPLIT, $0-44
	MOVQ q+0(FP), DI
	MOVQ sums+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ rows+24(FP), R9
	MOVQ w+32(FP), R10
	VBROADCASTSS scale+40(FP), Z18
	VBROADCASTSS plus127<>(SB), Z20
	EXP_CONSTS512
	TESTQ R9, R9
	JZ   smq_done
smq_row:
	MOVQ SI, AX
	MOVQ R10, CX
	VMOVUPS (AX), Z4
	VMOVAPS Z4, Z5
smq_max:
	CMPQ CX, $32
	JLT  smq_max1
	VMAXPS (AX), Z4, Z4
	VMAXPS 64(AX), Z5, Z5
	ADDQ $128, AX
	SUBQ $32, CX
	JMP  smq_max
smq_max1:
	TESTQ CX, CX
	JZ   smq_maxed
	VMAXPS (AX), Z4, Z4
smq_maxed:
	VMAXPS Z5, Z4, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	HMAX
	VMULSS X18, X0, X0
	VBROADCASTSS X0, Z19
	MOVQ SI, AX
	MOVQ R10, CX
	VXORPS Z5, Z5, Z5
smq_exp:
	VMULPS (AX), Z18, Z0
	VSUBPS Z19, Z0, Z0
	EXP512
	VADDPS Z0, Z5, Z5
	VMULPS Z20, Z0, Z0
	VCVTPS2DQ Z0, Z0
	VPMOVSDB Z0, X1
	VMOVDQU X1, (DI)
	ADDQ $64, AX
	ADDQ $16, DI
	SUBQ $16, CX
	JNZ  smq_exp
	VEXTRACTF64X4 $1, Z5, Y0
	VADDPS Y5, Y0, Y0
	HSUM
	VMOVSS X0, (R8)
	ADDQ $4, R8
	MOVQ AX, SI
	DECQ R9
	JNZ  smq_row
smq_done:
	VZEROUPPER
	RET
