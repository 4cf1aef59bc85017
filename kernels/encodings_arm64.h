// Advanced SIMD instructions the Go arm64 assembler does not know, emitted
// with WORD. Each macro is named after its mnemonic and takes register
// numbers in the mnemonic's operand order: SDOT_ELEM(16, 26, 24, 3) is
// `sdot v16.4s, v26.16b, v24.4b[3]`. Every encoding was checked against GNU
// as (aarch64-linux-gnu-as) and the Arm ARM field layout, and is exercised by
// the tests under qemu.

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

// FMLA Vd.4S, Vn.4S, Vm.S[i] (by element): 0 1 0 01111 10 L M Rm 0001 H 0 Rn Rd, i = H:L.
#define FMLA_ELEM(d, n, m, i) WORD $(0x4F801000 | (d) | ((n)<<5) | ((m)<<16) | (((i)&2)<<10) | (((i)&1)<<21))

// FMUL Vd.4S, Vn.4S, Vm.S[i] (by element): 0 1 0 01111 10 L M Rm 1001 H 0 Rn Rd.
#define FMUL_ELEM(d, n, m, i) WORD $(0x4F809000 | (d) | ((n)<<5) | ((m)<<16) | (((i)&2)<<10) | (((i)&1)<<21))

// FMUL Vd.4S, Vn.4S, Vm.4S: 0 1 1 01110 0 0 1 Rm 110111 Rn Rd.
#define FMUL_4S(d, n, m) WORD $(0x6E20DC00 | (d) | ((n)<<5) | ((m)<<16))

// FADD Vd.4S, Vn.4S, Vm.4S: 0 1 0 01110 0 0 1 Rm 110101 Rn Rd.
#define FADD_4S(d, n, m) WORD $(0x4E20D400 | (d) | ((n)<<5) | ((m)<<16))

// SCVTF Vd.4S, Vn.4S (int32 to fp32, round to nearest): 0 1 0 01110 0 0 10000 11101 10 Rn Rd.
#define SCVTF_4S(d, n) WORD $(0x4E21D800 | (d) | ((n)<<5))

// FCVTL Vd.4S, Vn.4H (half to single, low half): 0 0 0 01110 0 0 10000 10111 10 Rn Rd.
#define FCVTL_4S(d, n) WORD $(0x0E217800 | (d) | ((n)<<5))

// FCVTL2 Vd.4S, Vn.8H (half to single, high half): 0 1 0 01110 0 0 10000 10111 10 Rn Rd.
#define FCVTL2_4S(d, n) WORD $(0x4E217800 | (d) | ((n)<<5))

// SCALE(d, sb, bias, sa, i): Vd = float(Vd) · Vsb · Vsa.S[i] + Vbias, the int8
// epilogue for four columns of one row (Vd holds int32 sums).
#define SCALE(d, sb, bias, sa, i) SCVTF_4S(d, d); FMUL_4S(d, d, sb); FMUL_ELEM(d, d, sa, i); FADD_4S(d, d, bias)
