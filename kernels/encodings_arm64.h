// Advanced SIMD instructions the Go arm64 assembler does not know, emitted
// with WORD. Each macro is named after its mnemonic and takes register
// numbers in the mnemonic's operand order: SDOT_ELEM(16, 26, 24, 3) is
// `sdot v16.4s, v26.16b, v24.4b[3]`. Each comment gives the instruction in
// GNU syntax (Vd, Vn, Vm the registers, i an element index) and its bit
// layout from the Arm ARM; scripts/check-arm64-encodings.py assembles every
// macro with GNU as (aarch64-linux-gnu-as) for every register number and
// compares the words, and the tests run them under qemu.

// ---------------------------------------------------------------------------
// Integer multiply-accumulate (the int8 GEMMs).

// SDOT Vd.4S, Vn.16B, Vm.4B[i] (dot product, by element): 0 1 0 01111 10 L M Rm 1110 H 0 Rn Rd, i = H:L.
#define SDOT_ELEM(d, n, m, i) WORD $(0x4F80E000 | (d) | ((n)<<5) | ((m)<<16) | (((i)&2)<<10) | (((i)&1)<<21))

// SMMLA Vd.4S, Vn.16B, Vm.16B (i8mm): 0 1 0 01110 100 Rm 101001 Rn Rd.
#define SMMLA(d, n, m) WORD $(0x4E80A400 | (d) | ((n)<<5) | ((m)<<16))

// SMULL Vd.8H, Vn.8B, Vm.8B: 0 0 0 01110 00 1 Rm 110000 Rn Rd.
#define SMULL_8H(d, n, m) WORD $(0x0E20C000 | (d) | ((n)<<5) | ((m)<<16))

// SMLAL2 Vd.8H, Vn.16B, Vm.16B: 0 1 0 01110 00 1 Rm 100000 Rn Rd.
#define SMLAL2_8H(d, n, m) WORD $(0x4E208000 | (d) | ((n)<<5) | ((m)<<16))

// SADALP Vd.4S, Vn.8H: 0 1 0 01110 01 10000 00110 10 Rn Rd.
#define SADALP_4S(d, n) WORD $(0x4E606800 | (d) | ((n)<<5))

// SADDLP Vd.4S, Vn.8H (SADALP without the accumulate): 0 1 0 01110 01 10000 00010 10 Rn Rd.
#define SADDLP_4S(d, n) WORD $(0x4E602800 | (d) | ((n)<<5))

// ---------------------------------------------------------------------------
// Single-precision arithmetic, four lanes (Q = 1, sz = 0).

// FMLA Vd.4S, Vn.4S, Vm.S[i] (by element): 0 1 0 01111 10 L M Rm 0001 H 0 Rn Rd, i = H:L.
#define FMLA_ELEM(d, n, m, i) WORD $(0x4F801000 | (d) | ((n)<<5) | ((m)<<16) | (((i)&2)<<10) | (((i)&1)<<21))

// FMLS Vd.4S, Vn.4S, Vm.S[i] (by element): 0 1 0 01111 10 L M Rm 0101 H 0 Rn Rd, i = H:L.
#define FMLS_ELEM(d, n, m, i) WORD $(0x4F805000 | (d) | ((n)<<5) | ((m)<<16) | (((i)&2)<<10) | (((i)&1)<<21))

// FMUL Vd.4S, Vn.4S, Vm.S[i] (by element): 0 1 0 01111 10 L M Rm 1001 H 0 Rn Rd, i = H:L.
#define FMUL_ELEM(d, n, m, i) WORD $(0x4F809000 | (d) | ((n)<<5) | ((m)<<16) | (((i)&2)<<10) | (((i)&1)<<21))

// FMUL Vd.4S, Vn.4S, Vm.4S: 0 1 1 01110 0 0 1 Rm 110111 Rn Rd.
#define FMUL_4S(d, n, m) WORD $(0x6E20DC00 | (d) | ((n)<<5) | ((m)<<16))

// FDIV Vd.4S, Vn.4S, Vm.4S: 0 1 1 01110 0 0 1 Rm 111111 Rn Rd.
#define FDIV_4S(d, n, m) WORD $(0x6E20FC00 | (d) | ((n)<<5) | ((m)<<16))

// FADD Vd.4S, Vn.4S, Vm.4S: 0 1 0 01110 0 0 1 Rm 110101 Rn Rd.
#define FADD_4S(d, n, m) WORD $(0x4E20D400 | (d) | ((n)<<5) | ((m)<<16))

// FSUB Vd.4S, Vn.4S, Vm.4S: 0 1 0 01110 1 0 1 Rm 110101 Rn Rd.
#define FSUB_4S(d, n, m) WORD $(0x4EA0D400 | (d) | ((n)<<5) | ((m)<<16))

// FMAX Vd.4S, Vn.4S, Vm.4S (NaN if either is NaN): 0 1 0 01110 0 0 1 Rm 111101 Rn Rd.
#define FMAX_4S(d, n, m) WORD $(0x4E20F400 | (d) | ((n)<<5) | ((m)<<16))

// FMIN Vd.4S, Vn.4S, Vm.4S (NaN if either is NaN): 0 1 0 01110 1 0 1 Rm 111101 Rn Rd.
#define FMIN_4S(d, n, m) WORD $(0x4EA0F400 | (d) | ((n)<<5) | ((m)<<16))

// FADDP Vd.4S, Vn.4S, Vm.4S (pairwise: Vd = [n0+n1, n2+n3, m0+m1, m2+m3]): 0 1 1 01110 0 0 1 Rm 110101 Rn Rd.
#define FADDP_4S(d, n, m) WORD $(0x6E20D400 | (d) | ((n)<<5) | ((m)<<16))

// FADDP Sd, Vn.2S (scalar: Sd = n0 + n1): 0 1 1 11110 0 0 11000 01101 10 Rn Rd.
#define FADDP_S(d, n) WORD $(0x7E30D800 | (d) | ((n)<<5))

// FMAXV Sd, Vn.4S (largest lane, NaN if any is NaN): 0 1 1 01110 0 0 11000 01111 10 Rn Rd.
#define FMAXV_S(d, n) WORD $(0x6E30F800 | (d) | ((n)<<5))

// FRINTN Vd.4S, Vn.4S (round to integral, ties to even): 0 1 0 01110 0 0 10000 11000 10 Rn Rd.
#define FRINTN_4S(d, n) WORD $(0x4E218800 | (d) | ((n)<<5))

// FCVTNS Vd.4S, Vn.4S (to int32, round to nearest, ties to even, saturating): 0 1 0 01110 0 0 10000 11010 10 Rn Rd.
#define FCVTNS_4S(d, n) WORD $(0x4E21A800 | (d) | ((n)<<5))

// FCVTZS Vd.4S, Vn.4S (to int32, round toward zero, saturating): 0 1 0 01110 1 0 10000 11011 10 Rn Rd.
#define FCVTZS_4S(d, n) WORD $(0x4EA1B800 | (d) | ((n)<<5))

// SCVTF Vd.4S, Vn.4S (int32 to fp32, round to nearest): 0 1 0 01110 0 0 10000 11101 10 Rn Rd.
#define SCVTF_4S(d, n) WORD $(0x4E21D800 | (d) | ((n)<<5))

// FCVTL Vd.4S, Vn.4H (half to single, low half): 0 0 0 01110 0 0 10000 10111 10 Rn Rd.
#define FCVTL_4S(d, n) WORD $(0x0E217800 | (d) | ((n)<<5))

// FCVTL2 Vd.4S, Vn.8H (half to single, high half): 0 1 0 01110 0 0 10000 10111 10 Rn Rd.
#define FCVTL2_4S(d, n) WORD $(0x4E217800 | (d) | ((n)<<5))

// ---------------------------------------------------------------------------
// Integer narrowing and byte maxima (the quantizers).

// SQXTN Vd.4H, Vn.4S (int32 to int16, saturating, low half): 0 0 0 01110 01 10000 10100 10 Rn Rd.
#define SQXTN_4H(d, n) WORD $(0x0E614800 | (d) | ((n)<<5))

// SQXTN2 Vd.8H, Vn.4S (int32 to int16, saturating, high half): 0 1 0 01110 01 10000 10100 10 Rn Rd.
#define SQXTN2_8H(d, n) WORD $(0x4E614800 | (d) | ((n)<<5))

// SQXTN Vd.8B, Vn.8H (int16 to int8, saturating, low half): 0 0 0 01110 00 10000 10100 10 Rn Rd.
#define SQXTN_8B(d, n) WORD $(0x0E214800 | (d) | ((n)<<5))

// SQXTN2 Vd.16B, Vn.8H (int16 to int8, saturating, high half): 0 1 0 01110 00 10000 10100 10 Rn Rd.
#define SQXTN2_16B(d, n) WORD $(0x4E214800 | (d) | ((n)<<5))

// SMAX Vd.16B, Vn.16B, Vm.16B (signed bytes): 0 1 0 01110 00 1 Rm 0110 0 1 Rn Rd.
#define SMAX_16B(d, n, m) WORD $(0x4E206400 | (d) | ((n)<<5) | ((m)<<16))

// UMAXV Sd, Vn.4S (largest lane, unsigned): 0 1 1 01110 10 11000 1010 10 Rn Rd.
#define UMAXV_S(d, n) WORD $(0x6EB0A800 | (d) | ((n)<<5))

// ---------------------------------------------------------------------------
// The int8 epilogue.

// SCALE(d, sb, bias, sa, i): Vd = float(Vd) · Vsb · Vsa.S[i] + Vbias, the int8
// epilogue for four columns of one row (Vd holds int32 sums).
#define SCALE(d, sb, bias, sa, i) SCVTF_4S(d, d); FMUL_4S(d, d, sb); FMUL_ELEM(d, d, sa, i); FADD_4S(d, d, bias)
