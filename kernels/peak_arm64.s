//go:build !purego

#include "textflag.h"
#include "encodings_arm64.h"

// Peak probes: tight loops of one instruction over 24 independent
// accumulators (V0-V23), enough to cover its latency on every pipe that runs
// it. Each runs n iterations of its loop body; peak_arm64.go times them.
// The operands are zero: the values do not change the timing.

// CLEAR_ALL zeroes V0-V31.
#define CLEAR_ALL \
	VEOR V0.B16, V0.B16, V0.B16; VEOR V1.B16, V1.B16, V1.B16; VEOR V2.B16, V2.B16, V2.B16; VEOR V3.B16, V3.B16, V3.B16; \
	VEOR V4.B16, V4.B16, V4.B16; VEOR V5.B16, V5.B16, V5.B16; VEOR V6.B16, V6.B16, V6.B16; VEOR V7.B16, V7.B16, V7.B16; \
	VEOR V8.B16, V8.B16, V8.B16; VEOR V9.B16, V9.B16, V9.B16; VEOR V10.B16, V10.B16, V10.B16; VEOR V11.B16, V11.B16, V11.B16; \
	VEOR V12.B16, V12.B16, V12.B16; VEOR V13.B16, V13.B16, V13.B16; VEOR V14.B16, V14.B16, V14.B16; VEOR V15.B16, V15.B16, V15.B16; \
	VEOR V16.B16, V16.B16, V16.B16; VEOR V17.B16, V17.B16, V17.B16; VEOR V18.B16, V18.B16, V18.B16; VEOR V19.B16, V19.B16, V19.B16; \
	VEOR V20.B16, V20.B16, V20.B16; VEOR V21.B16, V21.B16, V21.B16; VEOR V22.B16, V22.B16, V22.B16; VEOR V23.B16, V23.B16, V23.B16; \
	VEOR V24.B16, V24.B16, V24.B16; VEOR V25.B16, V25.B16, V25.B16; VEOR V26.B16, V26.B16, V26.B16; VEOR V27.B16, V27.B16, V27.B16; \
	VEOR V28.B16, V28.B16, V28.B16; VEOR V29.B16, V29.B16, V29.B16; VEOR V30.B16, V30.B16, V30.B16; VEOR V31.B16, V31.B16, V31.B16

// EACH24(OP) applies OP(d) to the accumulators V0-V23.
#define EACH24(OP) \
	OP(0); OP(1); OP(2); OP(3); OP(4); OP(5); OP(6); OP(7); OP(8); OP(9); OP(10); OP(11); \
	OP(12); OP(13); OP(14); OP(15); OP(16); OP(17); OP(18); OP(19); OP(20); OP(21); OP(22); OP(23)

#define SDOT_PROBE(d) SDOT_ELEM(d, 24, 25, 1)
#define SMMLA_PROBE(d) SMMLA(d, 24, 25)
#define FMLA_PROBE(d) FMLA_ELEM(d, 24, 25, 1)

// func peakSDOT(n int): 24 × sdot vd.4s, v24.16b, v25.4b[1] per iteration.
TEXT ·peakSDOT(SB), NOSPLIT, $0-8
	MOVD n+0(FP), R0
	CLEAR_ALL
sdotLoop:
	EACH24(SDOT_PROBE)
	SUBS $1, R0, R0
	BNE  sdotLoop
	RET

// func peakSMMLA(n int): 24 × smmla vd.4s, v24.16b, v25.16b per iteration.
TEXT ·peakSMMLA(SB), NOSPLIT, $0-8
	MOVD n+0(FP), R0
	CLEAR_ALL
smmlaLoop:
	EACH24(SMMLA_PROBE)
	SUBS $1, R0, R0
	BNE  smmlaLoop
	RET

// func peakFMLA(n int): 24 × fmla vd.4s, v24.4s, v25.s[1] per iteration.
TEXT ·peakFMLA(SB), NOSPLIT, $0-8
	MOVD n+0(FP), R0
	CLEAR_ALL
fmlaLoop:
	EACH24(FMLA_PROBE)
	SUBS $1, R0, R0
	BNE  fmlaLoop
	RET

// SMLAL_CHAIN(d, t): the neon int8 kernel's step for one row·column pair:
// smull vt.8h, v24.8b, v25.8b; smlal2 vt.8h, v24.16b, v25.16b; sadalp vd.4s, vt.8h.
#define SMLAL_CHAIN(d, t) SMULL_8H(t, 24, 25); SMLAL2_8H(t, 24, 25); SADALP_4S(d, t)

// func peakSMLAL(n int): 8 independent SMULL+SMLAL2+SADALP chains per
// iteration (16 products each), through temporaries V8-V15.
TEXT ·peakSMLAL(SB), NOSPLIT, $0-8
	MOVD n+0(FP), R0
	CLEAR_ALL
smlalLoop:
	SMULL_8H(8, 24, 25); SMULL_8H(9, 24, 25); SMULL_8H(10, 24, 25); SMULL_8H(11, 24, 25)
	SMULL_8H(12, 24, 25); SMULL_8H(13, 24, 25); SMULL_8H(14, 24, 25); SMULL_8H(15, 24, 25)
	SMLAL2_8H(8, 24, 25); SMLAL2_8H(9, 24, 25); SMLAL2_8H(10, 24, 25); SMLAL2_8H(11, 24, 25)
	SMLAL2_8H(12, 24, 25); SMLAL2_8H(13, 24, 25); SMLAL2_8H(14, 24, 25); SMLAL2_8H(15, 24, 25)
	SADALP_4S(0, 8); SADALP_4S(1, 9); SADALP_4S(2, 10); SADALP_4S(3, 11)
	SADALP_4S(4, 12); SADALP_4S(5, 13); SADALP_4S(6, 14); SADALP_4S(7, 15)
	SUBS $1, R0, R0
	BNE  smlalLoop
	RET
