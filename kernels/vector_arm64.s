//go:build !purego

#include "textflag.h"
#include "encodings_arm64.h"

// NEON versions of the vector work between the GEMMs (see vector.go for the
// pure-Go twins, and vector_arm64.go for the Go tails). Each loop takes 16
// floats (four registers) a step and applies every instruction to the four
// registers in turn, so that in-order cores overlap them.
//
// The arithmetic mirrors what the Go compiler emits for the twins on arm64,
// fused multiply-adds included (x·y + z and z - x·y are single roundings
// there: FMADD, FMSUB, FNMSUB; here FMLA and FMLS), so the results are the
// twins' bit for bit.

// X4(op, d, n) and friends apply a WORD macro to the quadruples Vd..Vd+3,
// Vn..Vn+3 (and Vm..Vm+3, or the one register Vm, or Vm.S[i]).
#define X4(op, d, n) op(d, n); op(d+1, n+1); op(d+2, n+2); op(d+3, n+3)
#define X4M(op, d, n, m) op(d, n, m); op(d+1, n+1, m); op(d+2, n+2, m); op(d+3, n+3, m)
#define X4V(op, d, n, m) op(d, n, m); op(d+1, n+1, m+1); op(d+2, n+2, m+2); op(d+3, n+3, m+3)
#define X4E(op, d, n, m, i) op(d, n, m, i); op(d+1, n+1, m, i); op(d+2, n+2, m, i); op(d+3, n+3, m, i)

// LOAD16(r) and STORE16(r) move sixteen floats between (r) and V0-V3,
// advancing r.
#define LOAD16(r) VLD1.P 64(r), [V0.S4, V1.S4, V2.S4, V3.S4]
#define STORE16(r) VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(r)

// NARROW16(d) narrows the int32 lanes of V0-V3 (sixteen values) with
// saturation to int8 in Vd, through V4-V5: int32 → int16 → int8.
#define NARROW16(d) \
	SQXTN_4H(4, 0); SQXTN2_8H(4, 1); SQXTN_4H(5, 2); SQXTN2_8H(5, 3); \
	SQXTN_8B(d, 4); SQXTN2_16B(d, 5)

// QUANT16(inv, lo) rounds V0-V3 times Vinv (to nearest, ties to even,
// saturating) and leaves them in V6 as int8 clamped below at -127 (Vlo holds
// -127 in every byte): dst = max(-127, sat8(roundEven(x·inv))), which is
// round-to-even(clamp(x·inv, -127, 127)) as quantizeGeneric computes it.
#define QUANT16(inv) \
	X4M(FMUL_4S, 0, 0, inv); X4(FCVTNS_4S, 0, 0); NARROW16(6); SMAX_16B(6, 6, 30)

// EXP_CONSTS loads the lane constants of expTable (vector_arm64.go: the
// constants of exp32) into V28-V30, sets V24 = expHi, V25 = expLo,
// V26 = 1 in every lane, and points R8 at expQuads, the Horner
// coefficients (and geluA) each four times over, which VLD4R.P broadcasts
// into four registers with one instruction:
//
//	V28 = [log2e, ln2Hi, ln2Lo, c0]   V29 = [-expHi, 127, -expLo, geluB]
//	V30 = [expHi, expLo, 1, 0]        (R8) = geluA, c1, c2, c3, c4, c5
#define EXP_CONSTS \
	MOVD $·expTable(SB), R9; \
	VLD1 (R9), [V28.S4, V29.S4, V30.S4]; \
	VDUP V30.S[0], V24.S4; VDUP V30.S[1], V25.S4; VDUP V30.S[2], V26.S4; \
	MOVD $·expQuads(SB), R8

// QUAD_A, QUAD_B and QUAD_0 load the next constant of (R9) into V12-V15,
// V16-V19 or V0-V3, every lane.
#define QUAD_A VLD4R.P 16(R9), [V12.S4, V13.S4, V14.S4, V15.S4]
#define QUAD_B VLD4R.P 16(R9), [V16.S4, V17.S4, V18.S4, V19.S4]
#define QUAD_0 VLD4R.P 16(R9), [V0.S4, V1.S4, V2.S4, V3.S4]

// HORNER(op) runs exp32's polynomial with op (VFMLA; VFMLS for NEXP), r in
// V4-V7, each step's result the next one's multiplicand, in V12-V15,
// V16-V19, V0-V3 in turn (each set to its coefficient first, R9 walking
// c1..c5), leaving p in V16-V19.
#define HORNER(op, first) \
	QUAD_A; QUAD_B; QUAD_0; \
	X4E(first, 12, 4, 28, 3); \
	op V12.S4, V4.S4, V16.S4; op V13.S4, V5.S4, V17.S4; op V14.S4, V6.S4, V18.S4; op V15.S4, V7.S4, V19.S4; QUAD_A; \
	op V16.S4, V4.S4, V0.S4; op V17.S4, V5.S4, V1.S4; op V18.S4, V6.S4, V2.S4; op V19.S4, V7.S4, V3.S4; QUAD_B; \
	op V0.S4, V4.S4, V12.S4; op V1.S4, V5.S4, V13.S4; op V2.S4, V6.S4, V14.S4; op V3.S4, V7.S4, V15.S4; \
	op V12.S4, V4.S4, V16.S4; op V13.S4, V5.S4, V17.S4; op V14.S4, V6.S4, V18.S4; op V15.S4, V7.S4, V19.S4

// EXP sets V4-V7 = exp32(V4-V7), step for step as exp32 does (V0-V3 and
// V8-V19 are scratch; EXP_CONSTS's constants, R9 at c1 in expQuads):
//
//	w = max(expLo, min(expHi, w)); n = roundEven(w·log2e)
//	r = w - n·ln2Hi - n·ln2Lo                            // each step fused
//	p = ((((c0·r + c1)·r + c2)·r + c3)·r + c4)·r + c5    // Horner, fused
//	p = (p·r)·r + r + 1                                  // (p·r)·r + r fused
//	return p·2ⁿ                                          // n added to p's exponent
//
// Adding n<<23 to the bits of p is the product p·2ⁿ: p lies in [0.7, 1.5]
// and n in [-126, 127], n = -126 only when r > 0, so p·2ⁿ is a normal float.
#define EXP \
	X4M(FMIN_4S, 4, 4, 24); X4M(FMAX_4S, 4, 4, 25); \
	X4E(FMUL_ELEM, 8, 4, 28, 0); X4(FRINTN_4S, 8, 8); \
	X4E(FMLS_ELEM, 4, 8, 28, 1); X4E(FMLS_ELEM, 4, 8, 28, 2); \
	HORNER(VFMLA, FMLA_ELEM); \
	X4V(FMUL_4S, 12, 16, 4); \
	VFMLA V12.S4, V4.S4, V4.S4; VFMLA V13.S4, V5.S4, V5.S4; VFMLA V14.S4, V6.S4, V6.S4; VFMLA V15.S4, V7.S4, V7.S4; \
	X4M(FADD_4S, 4, 4, 26); \
	X4(FCVTZS_4S, 8, 8); \
	VSHL $23, V8.S4, V8.S4; VSHL $23, V9.S4, V9.S4; VSHL $23, V10.S4, V10.S4; VSHL $23, V11.S4, V11.S4; \
	VADD V8.S4, V4.S4, V4.S4; VADD V9.S4, V5.S4, V5.S4; VADD V10.S4, V6.S4, V6.S4; VADD V11.S4, V7.S4, V7.S4

// NEXP is EXP, less the clamps, for an argument held negated: V4-V7 hold u = -x, and
// get exp32(x). expScaleSum's twin computes x = v·scale - shift as one
// rounding (FNMSUB); NEON has no such instruction, but FMLS gives
// u = shift - v·scale, the same rounding negated. Every step of EXP is then
// the same rounding with the signs of n, r and the powers of r flipped
// (m = -n, ρ = -r):
//
//	m = roundEven(u·log2e)
//	ρ = u - m·ln2Hi - m·ln2Lo
//	p = c5 - (c4 - (c3 - (c2 - (c1 - c0·ρ)·ρ)·ρ)·ρ)·ρ    // = the p of EXP
//	p = 1 - (ρ - (p·ρ)·ρ)                                // = (p·r)·r + r + 1
//	return p·2⁻ᵐ
//
// so the result is exp32(x) bit for bit, given u clamped to [-expHi, -expLo].
#define NEXP \
	X4E(FMUL_ELEM, 8, 4, 28, 0); X4(FRINTN_4S, 8, 8); \
	X4E(FMLS_ELEM, 4, 8, 28, 1); X4E(FMLS_ELEM, 4, 8, 28, 2); \
	HORNER(VFMLS, FMLS_ELEM); \
	X4V(FMUL_4S, 12, 16, 4); \
	VFMLS V12.S4, V4.S4, V4.S4; VFMLS V13.S4, V5.S4, V5.S4; VFMLS V14.S4, V6.S4, V6.S4; VFMLS V15.S4, V7.S4, V7.S4; \
	FSUB_4S(4, 26, 4); FSUB_4S(5, 26, 5); FSUB_4S(6, 26, 6); FSUB_4S(7, 26, 7); \
	X4(FCVTZS_4S, 8, 8); \
	VSHL $23, V8.S4, V8.S4; VSHL $23, V9.S4, V9.S4; VSHL $23, V10.S4, V10.S4; VSHL $23, V11.S4, V11.S4; \
	VSUB V8.S4, V4.S4, V4.S4; VSUB V9.S4, V5.S4, V5.S4; VSUB V10.S4, V6.S4, V6.S4; VSUB V11.S4, V7.S4, V7.S4

// MAXABS16 folds |V0-V3| into the running maxima V16-V19 as integers: the
// bits of |x| shifted left by one (the sign dropped) order as |x| does, and a
// NaN is above every number, as in Go's max.
#define MAXABS16 \
	VSHL $1, V0.S4, V0.S4; VSHL $1, V1.S4, V1.S4; VSHL $1, V2.S4, V2.S4; VSHL $1, V3.S4, V3.S4; \
	VUMAX V0.S4, V16.S4, V16.S4; VUMAX V1.S4, V17.S4, V17.S4; VUMAX V2.S4, V18.S4, V18.S4; VUMAX V3.S4, V19.S4, V19.S4

// MAXABS_DONE leaves max |x| of V16-V19 (as MAXABS16 keeps them) in F0.
#define MAXABS_DONE \
	VUMAX V17.S4, V16.S4, V16.S4; VUMAX V19.S4, V18.S4, V18.S4; VUMAX V18.S4, V16.S4, V16.S4; \
	UMAXV_S(0, 16); VUSHR $1, V0.S4, V0.S4

// MAX_ROW(p, n, loop, done) leaves the lane-wise maxima of the n floats at
// (p) in V16 (n a positive multiple of 16; p and n advance; loop and done
// are label names).
#define MAX_ROW(p, n, loop, done) \
	VLD1.P 64(p), [V16.S4, V17.S4, V18.S4, V19.S4]; \
	SUBS $16, n, n; \
	BEQ done; \
loop: \
	LOAD16(p); X4V(FMAX_4S, 16, 16, 0); \
	SUBS $16, n, n; \
	BNE loop; \
done: \
	FMAX_4S(16, 16, 17); FMAX_4S(18, 18, 19); FMAX_4S(16, 16, 18)

// ZERO16_19 and ZERO20_23 clear V16-V19 and V20-V23.
#define ZERO16_19 VEOR V16.B16, V16.B16, V16.B16; VEOR V17.B16, V17.B16, V17.B16; VEOR V18.B16, V18.B16, V18.B16; VEOR V19.B16, V19.B16, V19.B16
#define ZERO20_23 VEOR V20.B16, V20.B16, V20.B16; VEOR V21.B16, V21.B16, V21.B16; VEOR V22.B16, V22.B16, V22.B16; VEOR V23.B16, V23.B16, V23.B16

// func maxAbsNEON(x *float32, n int) float32
//
//	for i := range n { peak = max(peak, |x[i]|) }   // n a positive multiple of 16
TEXT ·maxAbsNEON(SB), NOSPLIT, $0-20
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	ZERO16_19
maxabs_loop:
	LOAD16(R0)
	MAXABS16
	SUBS $16, R1, R1
	BNE  maxabs_loop
	MAXABS_DONE
	FMOVS F0, ret+16(FP)
	RET

// func quantizeNEON(dst *int8, src *float32, n int, inv float32)
//
//	for i := range n { dst[i] = roundEven(clamp(src[i]·inv, -127, 127)) }   // n a positive multiple of 16
TEXT ·quantizeNEON(SB), NOSPLIT, $0-28
	MOVD  dst+0(FP), R0
	MOVD  src+8(FP), R1
	MOVD  n+16(FP), R2
	FMOVS inv+24(FP), F31
	VDUP  V31.S[0], V31.S4
	VMOVI $129, V30.B16 // -127
quant_loop:
	LOAD16(R1)
	QUANT16(31)
	VST1.P [V6.B16], 16(R0)
	SUBS $16, R2, R2
	BNE  quant_loop
	RET

// func quantizeScaledNEON(dst *int8, src, inv *float32, n, ld, rows int)
//
//	for r := range rows {   // n a positive multiple of 16, rows > 0
//		for i := range n { dst[r*n+i] = roundEven(clamp(src[r*ld+i]·inv[i], -127, 127)) }
//	}
TEXT ·quantizeScaledNEON(SB), NOSPLIT, $0-48
	MOVD  dst+0(FP), R0
	MOVD  src+8(FP), R1
	MOVD  inv+16(FP), R2
	MOVD  n+24(FP), R3
	MOVD  ld+32(FP), R4
	MOVD  rows+40(FP), R5
	LSL   $2, R4, R4
	VMOVI $129, V30.B16 // -127
quantscaled_row:
	MOVD R1, R6
	MOVD R2, R7
	MOVD R3, R8
quantscaled_loop:
	LOAD16(R6)
	VLD1.P 64(R7), [V16.S4, V17.S4, V18.S4, V19.S4]
	X4V(FMUL_4S, 0, 0, 16)
	X4(FCVTNS_4S, 0, 0)
	NARROW16(6)
	SMAX_16B(6, 6, 30)
	VST1.P [V6.B16], 16(R0)
	SUBS $16, R8, R8
	BNE  quantscaled_loop
	ADD  R4, R1, R1
	SUBS $1, R5, R5
	BNE  quantscaled_row
	RET

// func columnPeaksNEON(peaks, x *float32, n, ld, rows int)
//
//	for r := range rows {   // n a positive multiple of 16, rows > 0
//		for i := range n { peaks[i] = max(peaks[i], |x[r*ld+i]|) }
//	}
//
// As integers: peaks are never negative, so their bits order as they do.
TEXT ·columnPeaksNEON(SB), NOSPLIT, $0-40
	MOVD  peaks+0(FP), R5
	MOVD  x+8(FP), R6
	MOVD  n+16(FP), R7
	MOVD  ld+24(FP), R4
	MOVD  rows+32(FP), R8
	LSL   $2, R4, R4
	MOVW  $0x7fffffff, R3
	VDUP  R3, V31.S4
colpeaks_row:
	MOVD R5, R0
	MOVD R6, R1
	MOVD R7, R2
colpeaks_loop:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1   (R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	VAND   V31.B16, V0.B16, V0.B16
	VAND   V31.B16, V1.B16, V1.B16
	VAND   V31.B16, V2.B16, V2.B16
	VAND   V31.B16, V3.B16, V3.B16
	VUMAX  V0.S4, V4.S4, V4.S4
	VUMAX  V1.S4, V5.S4, V5.S4
	VUMAX  V2.S4, V6.S4, V6.S4
	VUMAX  V3.S4, V7.S4, V7.S4
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R0)
	SUBS   $16, R2, R2
	BNE    colpeaks_loop
	ADD    R4, R6, R6
	SUBS   $1, R8, R8
	BNE    colpeaks_row
	RET

// func expScaleSumNEON(x *float32, n int, scale, shift float32) float32
//
//	for i := range n { x[i] = exp32(x[i]·scale - shift); sum += x[i] }   // n a positive multiple of 16
//
// The argument is formed negated (shift - x·scale, see NEXP) and clamped
// above as well as below, as exp32 does; the sum runs in four lanes.
TEXT ·expScaleSumNEON(SB), NOSPLIT, $0-28
	MOVD  x+0(FP), R0
	MOVD  n+8(FP), R1
	FMOVS scale+16(FP), F23
	FMOVS shift+20(FP), F22
	EXP_CONSTS
	VDUP  V23.S[0], V23.S4
	VDUP  V22.S[0], V22.S4
	VDUP  V29.S[0], V24.S4 // -expHi
	VDUP  V29.S[2], V25.S4 // -expLo
	VEOR  V21.B16, V21.B16, V21.B16
expsum_loop:
	ADD  $16, R8, R9 // c1
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VMOV V22.B16, V4.B16
	VMOV V22.B16, V5.B16
	VMOV V22.B16, V6.B16
	VMOV V22.B16, V7.B16
	VFMLS V23.S4, V0.S4, V4.S4
	VFMLS V23.S4, V1.S4, V5.S4
	VFMLS V23.S4, V2.S4, V6.S4
	VFMLS V23.S4, V3.S4, V7.S4
	X4M(FMAX_4S, 4, 4, 24) // x ≤ expHi
	X4M(FMIN_4S, 4, 4, 25) // x ≥ expLo
	NEXP
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R0)
	FADD_4S(21, 21, 4)
	FADD_4S(21, 21, 5)
	FADD_4S(21, 21, 6)
	FADD_4S(21, 21, 7)
	SUBS $16, R1, R1
	BNE  expsum_loop
	FADDP_4S(21, 21, 21)
	FADDP_S(0, 21)
	FMOVS F0, ret+24(FP)
	RET

// func softmaxQuantizeNEON(q *int8, sums, x *float32, rows, w int, scale float32)
//
//	for r := range rows {  // row r at x[r*w:], w a positive multiple of 16
//		shift := max(x[r*w:][:w])·scale
//		for j := range w { e := exp32(x[r*w+j]·scale - shift); sums[r] += e; q[r*w+j] = roundEven(127·e) }
//	}
//
// The max in four lanes, then exp as expScaleSumNEON (the argument held
// negated, NEXP), each e scaled to int8 (e ≤ 1, so no clamp) instead of
// stored; the sum in four lanes. The argument is at most 0 (shift is the
// row's largest x·scale), so only the lower clamp applies.
TEXT ·softmaxQuantizeNEON(SB), NOSPLIT, $0-44
	MOVD  q+0(FP), R0
	MOVD  sums+8(FP), R1
	MOVD  x+16(FP), R2
	MOVD  rows+24(FP), R3
	MOVD  w+32(FP), R4
	FMOVS scale+40(FP), F23
	EXP_CONSTS
	VDUP  V23.S[0], V23.S4
	VDUP  V29.S[2], V25.S4 // -expLo
	CBZ   R3, smq_done
smq_row:
	MOVD R2, R5
	MOVD R4, R6
	MAX_ROW(R5, R6, smq_max, smq_maxed)
	FMAXV_S(22, 16)
	FMULS F23, F22, F22 // shift = max·scale
	VDUP  V22.S[0], V22.S4
	VEOR  V21.B16, V21.B16, V21.B16
	MOVD  R4, R6
smq_exp:
	ADD $16, R8, R9 // c1
	LOAD16(R2)
	VMOV V22.B16, V4.B16
	VMOV V22.B16, V5.B16
	VMOV V22.B16, V6.B16
	VMOV V22.B16, V7.B16
	VFMLS V23.S4, V0.S4, V4.S4
	VFMLS V23.S4, V1.S4, V5.S4
	VFMLS V23.S4, V2.S4, V6.S4
	VFMLS V23.S4, V3.S4, V7.S4
	X4M(FMIN_4S, 4, 4, 25) // x ≥ expLo
	NEXP
	FADD_4S(21, 21, 4)
	FADD_4S(21, 21, 5)
	FADD_4S(21, 21, 6)
	FADD_4S(21, 21, 7)
	X4E(FMUL_ELEM, 0, 4, 29, 1) // 127·e
	X4(FCVTNS_4S, 0, 0)
	NARROW16(6)
	VST1.P [V6.B16], 16(R0)
	SUBS $16, R6, R6
	BNE  smq_exp
	FADDP_4S(21, 21, 21)
	FADDP_S(0, 21)
	FMOVS.P F0, 4(R1)
	SUBS $1, R3, R3
	BNE  smq_row
smq_done:
	RET

// func geluTanhNEON(x *float32, n int)
//
//	for i := range n { v := x[i]; x[i] = v / (1 + exp32(v·(geluA + (geluB·v)·v))) }   // n a positive multiple of 16
//
// (geluB·v)·v + geluA is one rounding, as the twin compiles.
TEXT ·geluTanhNEON(SB), NOSPLIT, $0-16
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	EXP_CONSTS
gelu_loop:
	MOVD R8, R9
	QUAD_A // geluA
	VLD1 (R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	X4E(FMUL_ELEM, 16, 20, 29, 3) // geluB·v
	VFMLA V16.S4, V20.S4, V12.S4
	VFMLA V17.S4, V21.S4, V13.S4
	VFMLA V18.S4, V22.S4, V14.S4
	VFMLA V19.S4, V23.S4, V15.S4
	X4V(FMUL_4S, 4, 12, 20)
	EXP
	X4M(FADD_4S, 4, 4, 26)
	X4V(FDIV_4S, 20, 20, 4)
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	SUBS $16, R1, R1
	BNE  gelu_loop
	RET

// ERF_AB, ERF_BA, ERF_A0, ERF_0A: one Horner step of geluErfNEON, t2 in
// V8-V11: V16-V19 += V12-V15·t2, V12-V15 += V16-V19·t2, V0-V3 += V12-V15·t2
// and V12-V15 += V0-V3·t2 (each set to the step's coefficient first).
#define ERF_AB VFMLA V12.S4, V8.S4, V16.S4; VFMLA V13.S4, V9.S4, V17.S4; VFMLA V14.S4, V10.S4, V18.S4; VFMLA V15.S4, V11.S4, V19.S4
#define ERF_BA VFMLA V16.S4, V8.S4, V12.S4; VFMLA V17.S4, V9.S4, V13.S4; VFMLA V18.S4, V10.S4, V14.S4; VFMLA V19.S4, V11.S4, V15.S4
#define ERF_A0 VFMLA V12.S4, V8.S4, V0.S4; VFMLA V13.S4, V9.S4, V1.S4; VFMLA V14.S4, V10.S4, V2.S4; VFMLA V15.S4, V11.S4, V3.S4
#define ERF_0A VFMLA V0.S4, V8.S4, V12.S4; VFMLA V1.S4, V9.S4, V13.S4; VFMLA V2.S4, V10.S4, V14.S4; VFMLA V3.S4, V11.S4, V15.S4

// func geluErfNEON(x *float32, n int)
//
//	for i := range n {   // n a positive multiple of 16
//		v := x[i]; t := min(max(v·(1/√2), -4), 4); t2 := t·t
//		p := (((((erfA13·t2 + erfA11)·t2 + erfA9)·t2 + erfA7)·t2 + erfA5)·t2 + erfA3)·t2 + erfA1
//		q := (((erfB8·t2 + erfB6)·t2 + erfB4)·t2 + erfB2)·t2 + erfB0
//		x[i] = (0.5·v)·(1 + t·p/q)
//	}
//
// Each Horner step is one fused multiply-add, as the twin (erf32 inlined in
// geluErfGeneric) compiles; the first of each polynomial multiplies by a
// lane of V27, the others by the next coefficient of erfQuads, broadcast
// into the step's registers (QUAD_A: V12-V15, QUAD_B: V16-V19, QUAD_0:
// V0-V3). t in V4-V7, t2 in V8-V11, 0.5·v in V20-V23; p ends in V16-V19,
// q in V0-V3.
TEXT ·geluErfNEON(SB), NOSPLIT, $0-16
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	MOVD $·erfTable(SB), R9
	VLD1 (R9), [V27.S4, V28.S4] // V27 = [1/√2, 0.5, erfA13, erfB8], V28 = [-4, 4, 1, 0]
	VDUP V28.S[0], V24.S4
	VDUP V28.S[1], V25.S4
	VDUP V28.S[2], V26.S4
	MOVD $·erfQuads(SB), R8
gelu_erf_loop:
	MOVD R8, R9
	VLD1 (R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	X4E(FMUL_ELEM, 4, 20, 27, 0)  // v·(1/√2)
	X4E(FMUL_ELEM, 20, 20, 27, 1) // 0.5·v
	X4M(FMAX_4S, 4, 4, 24)
	X4M(FMIN_4S, 4, 4, 25)
	X4V(FMUL_4S, 8, 4, 4)
	QUAD_A; X4E(FMLA_ELEM, 12, 8, 27, 2) // erfA11 + erfA13·t2
	QUAD_B; ERF_AB                       // erfA9
	QUAD_A; ERF_BA                       // erfA7
	QUAD_B; ERF_AB                       // erfA5
	QUAD_A; ERF_BA                       // erfA3
	QUAD_B; ERF_AB                       // erfA1
	QUAD_A; X4E(FMLA_ELEM, 12, 8, 27, 3) // erfB6 + erfB8·t2
	QUAD_0; ERF_A0                       // erfB4
	QUAD_A; ERF_0A                       // erfB2
	QUAD_0; ERF_A0                       // erfB0
	X4V(FMUL_4S, 16, 4, 16)  // t·p
	X4V(FDIV_4S, 16, 16, 0)  // /q
	X4M(FADD_4S, 16, 16, 26) // erf + 1
	X4V(FMUL_4S, 20, 20, 16)
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	SUBS $16, R1, R1
	BNE  gelu_erf_loop
	RET

// func multiplyNEON(x *float32, n int, by float32)
//
//	for i := range n { x[i] *= by }   // n a positive multiple of 16
TEXT ·multiplyNEON(SB), NOSPLIT, $0-20
	MOVD  x+0(FP), R0
	MOVD  n+8(FP), R1
	FMOVS by+16(FP), F31
multiply_loop:
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	X4E(FMUL_ELEM, 0, 0, 31, 0)
	STORE16(R0)
	SUBS $16, R1, R1
	BNE  multiply_loop
	RET

// func maxNEON(x *float32, n int) float32
//
//	peak := x[0]; for i := range n { peak = max(peak, x[i]) }   // n a positive multiple of 16
TEXT ·maxNEON(SB), NOSPLIT, $0-20
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	MAX_ROW(R0, R1, max_loop, max_done)
	FMAXV_S(0, 16)
	FMOVS F0, ret+16(FP)
	RET

// STORE_LANES(r) writes the 32 partial sums V16-V23 to (r).
#define STORE_LANES(r) \
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(r); \
	VST1 [V20.S4, V21.S4, V22.S4, V23.S4], (r)

// func addSumNEON(x, resid *float32, n int, lanes *[32]float32)
//
//	for i := range n { x[i] += resid[i]; lanes[i%32] += x[i] }   // n a positive multiple of 32; resid may be nil
//
// lanes starts from zero here: its 32 partial sums are V16-V23, element i in
// lane i%4 of V16+(i%32)/4, as addSumGeneric keeps them.
TEXT ·addSumNEON(SB), NOSPLIT, $0-32
	MOVD x+0(FP), R0
	MOVD resid+8(FP), R1
	MOVD n+16(FP), R2
	MOVD lanes+24(FP), R3
	ZERO16_19
	ZERO20_23
	CBZ  R1, sum_loop
addsum_loop:
	VLD1   (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	X4V(FADD_4S, 0, 0, 4)
	STORE16(R0)
	X4V(FADD_4S, 16, 16, 0)
	VLD1   (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	X4V(FADD_4S, 0, 0, 4)
	STORE16(R0)
	X4V(FADD_4S, 20, 20, 0)
	SUBS $32, R2, R2
	BNE  addsum_loop
	STORE_LANES(R3)
	RET
sum_loop:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	X4V(FADD_4S, 16, 16, 0)
	X4V(FADD_4S, 20, 20, 4)
	SUBS $32, R2, R2
	BNE  sum_loop
	STORE_LANES(R3)
	RET

// func sqDevSumNEON(x *float32, n int, mean float32, lanes *[32]float32)
//
//	for i := range n { d := x[i] - mean; lanes[i%32] += d·d }   // n a positive multiple of 32; lanes += d·d fused
TEXT ·sqDevSumNEON(SB), NOSPLIT, $0-32
	MOVD  x+0(FP), R0
	MOVD  n+8(FP), R1
	FMOVS mean+16(FP), F31
	MOVD  lanes+24(FP), R3
	VDUP  V31.S[0], V31.S4
	ZERO16_19
	ZERO20_23
sqdev_loop:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R0), [V4.S4, V5.S4, V6.S4, V7.S4]
	X4M(FSUB_4S, 0, 0, 31)
	X4M(FSUB_4S, 4, 4, 31)
	VFMLA V0.S4, V0.S4, V16.S4
	VFMLA V1.S4, V1.S4, V17.S4
	VFMLA V2.S4, V2.S4, V18.S4
	VFMLA V3.S4, V3.S4, V19.S4
	VFMLA V4.S4, V4.S4, V20.S4
	VFMLA V5.S4, V5.S4, V21.S4
	VFMLA V6.S4, V6.S4, V22.S4
	VFMLA V7.S4, V7.S4, V23.S4
	SUBS $32, R1, R1
	BNE  sqdev_loop
	STORE_LANES(R3)
	RET

// func normalizeNEON(x, gamma, beta *float32, n int, mean, inv float32)
//
//	for i := range n { x[i] = ((x[i] - mean)·inv)·gamma[i] + beta[i] }   // n a positive multiple of 16; the last step fused
TEXT ·normalizeNEON(SB), NOSPLIT, $0-40
	MOVD  x+0(FP), R0
	MOVD  gamma+8(FP), R1
	MOVD  beta+16(FP), R2
	MOVD  n+24(FP), R3
	FMOVS mean+32(FP), F30
	FMOVS inv+36(FP), F31
	VDUP  V30.S[0], V30.S4
	VDUP  V31.S[0], V31.S4
norm_loop:
	VLD1   (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R2), [V16.S4, V17.S4, V18.S4, V19.S4]
	X4M(FSUB_4S, 0, 0, 30)
	X4M(FMUL_4S, 0, 0, 31)
	VFMLA V0.S4, V4.S4, V16.S4
	VFMLA V1.S4, V5.S4, V17.S4
	VFMLA V2.S4, V6.S4, V18.S4
	VFMLA V3.S4, V7.S4, V19.S4
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R0)
	SUBS $16, R3, R3
	BNE  norm_loop
	RET

// func quantizeRowsNEON(dst *int8, scales, src *float32, ld, rows, w int)
//
//	for r := range rows { scales[r] = QuantizeRow(dst[r*w:][:w], src[r*ld:][:w]) }   // w a positive multiple of 16
//
// Each row: max |x| as maxAbsNEON, scale = max/127 and inv = 1/scale in
// float32 as QuantizeRow computes them (a zero row gets scale 0 and zeros),
// then the loop of quantizeNEON.
TEXT ·quantizeRowsNEON(SB), NOSPLIT, $0-48
	MOVD  dst+0(FP), R0
	MOVD  scales+8(FP), R1
	MOVD  src+16(FP), R2
	MOVD  ld+24(FP), R3
	MOVD  rows+32(FP), R4
	MOVD  w+40(FP), R5
	LSL   $2, R3, R3
	VMOVI $129, V30.B16 // -127
	FMOVS $127.0, F29
	FMOVS $1.0, F28
	CBZ   R4, qrows_done
qrows_row:
	MOVD R2, R6
	MOVD R5, R7
	ZERO16_19
qrows_max:
	LOAD16(R6)
	MAXABS16
	SUBS $16, R7, R7
	BNE  qrows_max
	MAXABS_DONE
	MOVD  R2, R6
	MOVD  R5, R7
	FCMPS $0.0, F0
	BEQ   qrows_zero
	FDIVS F29, F0, F0 // scale = max/127
	FMOVS.P F0, 4(R1)
	FDIVS F0, F28, F31 // inv = 1/scale
	VDUP  V31.S[0], V31.S4
qrows_quant:
	LOAD16(R6)
	QUANT16(31)
	VST1.P [V6.B16], 16(R0)
	SUBS $16, R7, R7
	BNE  qrows_quant
	B    qrows_next
qrows_zero:
	FMOVS.P F0, 4(R1)
	VEOR V6.B16, V6.B16, V6.B16
qrows_clear:
	VST1.P [V6.B16], 16(R0)
	SUBS $16, R7, R7
	BNE  qrows_clear
qrows_next:
	ADD  R3, R2, R2
	SUBS $1, R4, R4
	BNE  qrows_row
qrows_done:
	RET
