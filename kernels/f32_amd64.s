//go:build !purego

#include "textflag.h"

// fp32 and fp16-weight micro-kernels: one MR×NR tile of C over the whole K,
// A read in place (row stride lda), B one packed panel (Layout{NR, 1}), or
// one K block of both, adding to C.
// Each kernel comes in a few MR (the x suffix) so short row tails waste little.

// ARGS8 loads an 8-row tile's arguments: A's rows at SI, SI+DX, SI+2DX,
// SI+R10 and DI, DI+DX, DI+2DX, DI+R10 (DX = lda in bytes, R10 = 3·DX), B at
// BX, k in CX.
#define ARGS8 \
	MOVQ a+0(FP), SI; MOVQ lda+8(FP), DX; SHLQ $2, DX; LEAQ (DX)(DX*2), R10; \
	LEAQ (SI)(DX*4), DI; MOVQ b+16(FP), BX; MOVQ k+24(FP), CX

// STOREARGS loads the store's arguments, C at DI, ldc in bytes in DX, rows
// in CX, and jumps to acc when the tile adds to C.
#define STOREARGS(acc) \
	MOVQ c+32(FP), DI; MOVQ ldc+40(FP), DX; SHLQ $2, DX; MOVQ rows+48(FP), CX; \
	MOVBLZX accumulate+64(FP), AX; TESTL AX, AX; JNZ acc

// ZERO3 clears the three accumulators of one row.
#define ZERO3(c0, c1, c2) \
	VXORPS c0, c0, c0; VXORPS c1, c1, c1; VXORPS c2, c2, c2

// ZERO2 clears the two accumulators of one row.
#define ZERO2(c0, c1) \
	VXORPS c0, c0, c0; VXORPS c1, c1, c1

// FMA3 adds a row's a at addr, broadcast into t, times B (b0–b2) to c0–c2.
#define FMA3(addr, t, b0, b1, b2, c0, c1, c2) \
	VBROADCASTSS addr, t; \
	VFMADD231PS b0, t, c0; VFMADD231PS b1, t, c1; VFMADD231PS b2, t, c2

// FMA1 adds a row's a at addr, broadcast into t, times B (b0) to c0.
#define FMA1(addr, t, b0, c0) \
	VBROADCASTSS addr, t; VFMADD231PS b0, t, c0

// FMA2 adds a row's a at addr, broadcast into t, times B (b0–b1) to c0–c1.
#define FMA2(addr, t, b0, b1, c0, c1) \
	VBROADCASTSS addr, t; \
	VFMADD231PS b0, t, c0; VFMADD231PS b1, t, c1

// BIAS3 stores a 48-column row c0–c2 plus the bias in b0–b2.
#define BIAS3(b0, b1, b2, c0, c1, c2) \
	VADDPS b0, c0, c0; VMOVUPS c0, 0(DI); \
	VADDPS b1, c1, c1; VMOVUPS c1, 64(DI); \
	VADDPS b2, c2, c2; VMOVUPS c2, 128(DI)

// BIAS2 stores a row c0–c1 (registers w bytes wide) plus the bias in b0–b1.
#define BIAS2(w, b0, b1, c0, c1) \
	VADDPS b0, c0, c0; VMOVUPS c0, 0(DI); \
	VADDPS b1, c1, c1; VMOVUPS c1, w(DI)

// BIAS1 stores a 16-column row c0 plus the bias in b0.
#define BIAS1(b0, c0) \
	VADDPS b0, c0, c0; VMOVUPS c0, 0(DI)

// ACC1 adds a 16-column row c0 to C.
#define ACC1(c0) \
	VADDPS 0(DI), c0, c0; VMOVUPS c0, 0(DI)

// ZERO8X2 clears rows 0–7 of two accumulators each, Z0–Z15.
#define ZERO8X2 \
	ZERO2(Z0, Z1); ZERO2(Z2, Z3); ZERO2(Z4, Z5); ZERO2(Z6, Z7); \
	ZERO2(Z8, Z9); ZERO2(Z10, Z11); ZERO2(Z12, Z13); ZERO2(Z14, Z15)

// FMA8X2 adds rows 0–7 of A (from SI and DI, see f32TileAVX512x8),
// broadcast into t0 and t1 by turns, times B (b0–b1) to Z0–Z15.
#define FMA8X2(b0, b1, t0, t1) \
	FMA2((SI), t0, b0, b1, Z0, Z1); FMA2((SI)(DX*1), t1, b0, b1, Z2, Z3); \
	FMA2((SI)(DX*2), t0, b0, b1, Z4, Z5); FMA2((SI)(R10*1), t1, b0, b1, Z6, Z7); \
	FMA2((DI), t0, b0, b1, Z8, Z9); FMA2((DI)(DX*1), t1, b0, b1, Z10, Z11); \
	FMA2((DI)(DX*2), t0, b0, b1, Z12, Z13); FMA2((DI)(R10*1), t1, b0, b1, Z14, Z15)

// BIAS8X2 stores rows 0–7 of two accumulators each, Z0–Z15, plus the
// bias in b0–b1 (stopping after rows rows, see NEXTROW).
#define BIAS8X2(b0, b1) \
	BIAS2(64, b0, b1, Z0, Z1); NEXTROW; BIAS2(64, b0, b1, Z2, Z3); NEXTROW; \
	BIAS2(64, b0, b1, Z4, Z5); NEXTROW; BIAS2(64, b0, b1, Z6, Z7); NEXTROW; \
	BIAS2(64, b0, b1, Z8, Z9); NEXTROW; BIAS2(64, b0, b1, Z10, Z11); NEXTROW; \
	BIAS2(64, b0, b1, Z12, Z13); NEXTROW; BIAS2(64, b0, b1, Z14, Z15)

// ACC8X2 adds rows 0–7 of two accumulators each, Z0–Z15, to C.
#define ACC8X2 \
	ACC2(64, Z0, Z1); NEXTROW; ACC2(64, Z2, Z3); NEXTROW; \
	ACC2(64, Z4, Z5); NEXTROW; ACC2(64, Z6, Z7); NEXTROW; \
	ACC2(64, Z8, Z9); NEXTROW; ACC2(64, Z10, Z11); NEXTROW; \
	ACC2(64, Z12, Z13); NEXTROW; ACC2(64, Z14, Z15)

// ACC3 adds a 48-column row c0–c2 to C.
#define ACC3(c0, c1, c2) \
	VADDPS 0(DI), c0, c0; VMOVUPS c0, 0(DI); \
	VADDPS 64(DI), c1, c1; VMOVUPS c1, 64(DI); \
	VADDPS 128(DI), c2, c2; VMOVUPS c2, 128(DI)

// ACC2 adds a row c0–c1 (registers w bytes wide) to C.
#define ACC2(w, c0, c1) \
	VADDPS 0(DI), c0, c0; VMOVUPS c0, 0(DI); \
	VADDPS w(DI), c1, c1; VMOVUPS c1, w(DI)

// NEXTROW jumps to done once the last of rows is stored, else moves DI to the next row of C.
#define NEXTROW \
	DECQ CX; JZ done; ADDQ DX, DI

// func f32TileAVX512x8(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 8 { for j := range 48 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*48+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX512x8(SB), NOSPLIT, $0-65
	ARGS8
	ZERO3(Z0, Z1, Z2)
	ZERO3(Z3, Z4, Z5)
	ZERO3(Z6, Z7, Z8)
	ZERO3(Z9, Z10, Z11)
	ZERO3(Z12, Z13, Z14)
	ZERO3(Z15, Z16, Z17)
	ZERO3(Z18, Z19, Z20)
	ZERO3(Z21, Z22, Z23)
loop:
	VMOVUPS 0(BX), Z24
	VMOVUPS 64(BX), Z25
	VMOVUPS 128(BX), Z26
	// B 4 KB ahead: a panel's first row block streams it from L3 or memory.
	PREFETCHT0 4096(BX)
	PREFETCHT0 4160(BX)
	PREFETCHT0 4224(BX)
	FMA3((SI), Z27, Z24, Z25, Z26, Z0, Z1, Z2)
	FMA3((SI)(DX*1), Z28, Z24, Z25, Z26, Z3, Z4, Z5)
	FMA3((SI)(DX*2), Z27, Z24, Z25, Z26, Z6, Z7, Z8)
	FMA3((SI)(R10*1), Z28, Z24, Z25, Z26, Z9, Z10, Z11)
	FMA3((DI), Z27, Z24, Z25, Z26, Z12, Z13, Z14)
	FMA3((DI)(DX*1), Z28, Z24, Z25, Z26, Z15, Z16, Z17)
	FMA3((DI)(DX*2), Z27, Z24, Z25, Z26, Z18, Z19, Z20)
	FMA3((DI)(R10*1), Z28, Z24, Z25, Z26, Z21, Z22, Z23)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $192, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z24
	VMOVUPS 64(AX), Z25
	VMOVUPS 128(AX), Z26
	BIAS3(Z24, Z25, Z26, Z0, Z1, Z2)
	NEXTROW
	BIAS3(Z24, Z25, Z26, Z3, Z4, Z5)
	NEXTROW
	BIAS3(Z24, Z25, Z26, Z6, Z7, Z8)
	NEXTROW
	BIAS3(Z24, Z25, Z26, Z9, Z10, Z11)
	NEXTROW
	BIAS3(Z24, Z25, Z26, Z12, Z13, Z14)
	NEXTROW
	BIAS3(Z24, Z25, Z26, Z15, Z16, Z17)
	NEXTROW
	BIAS3(Z24, Z25, Z26, Z18, Z19, Z20)
	NEXTROW
	BIAS3(Z24, Z25, Z26, Z21, Z22, Z23)
	JMP  done
accumulate:
	ACC3(Z0, Z1, Z2)
	NEXTROW
	ACC3(Z3, Z4, Z5)
	NEXTROW
	ACC3(Z6, Z7, Z8)
	NEXTROW
	ACC3(Z9, Z10, Z11)
	NEXTROW
	ACC3(Z12, Z13, Z14)
	NEXTROW
	ACC3(Z15, Z16, Z17)
	NEXTROW
	ACC3(Z18, Z19, Z20)
	NEXTROW
	ACC3(Z21, Z22, Z23)
done:
	VZEROUPPER
	RET

// func f32TileAVX512x8n32(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
// f32TileAVX512x8 on the first 32 columns of the panel only, for a last
// panel of at most 32 columns (attention's scores at 128 keys).
TEXT ·f32TileAVX512x8n32(SB), NOSPLIT, $0-65
	ARGS8
	ZERO8X2
n32_loop:
	VMOVUPS 0(BX), Z24
	VMOVUPS 64(BX), Z25
	FMA8X2(Z24, Z25, Z26, Z27)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $192, BX
	DECQ CX
	JNZ  n32_loop
	STOREARGS(n32_accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z24
	VMOVUPS 64(AX), Z25
	BIAS8X2(Z24, Z25)
	JMP  done
n32_accumulate:
	ACC8X2
done:
	VZEROUPPER
	RET

// func f32TileAVX512x8n16(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
// f32TileAVX512x8 on the first 16 columns of the panel only, for a last
// panel of at most 16 columns (attention's context at 64 head dimensions).
TEXT ·f32TileAVX512x8n16(SB), NOSPLIT, $0-65
	ARGS8
	ZERO2(Z0, Z1)
	ZERO2(Z2, Z3)
	ZERO2(Z4, Z5)
	ZERO2(Z6, Z7)
n16_loop:
	VMOVUPS 0(BX), Z24
	FMA1((SI), Z26, Z24, Z0)
	FMA1((SI)(DX*1), Z27, Z24, Z1)
	FMA1((SI)(DX*2), Z28, Z24, Z2)
	FMA1((SI)(R10*1), Z29, Z24, Z3)
	FMA1((DI), Z26, Z24, Z4)
	FMA1((DI)(DX*1), Z27, Z24, Z5)
	FMA1((DI)(DX*2), Z28, Z24, Z6)
	FMA1((DI)(R10*1), Z29, Z24, Z7)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $192, BX
	DECQ CX
	JNZ  n16_loop
	STOREARGS(n16_accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z24
	BIAS1(Z24, Z0)
	NEXTROW
	BIAS1(Z24, Z1)
	NEXTROW
	BIAS1(Z24, Z2)
	NEXTROW
	BIAS1(Z24, Z3)
	NEXTROW
	BIAS1(Z24, Z4)
	NEXTROW
	BIAS1(Z24, Z5)
	NEXTROW
	BIAS1(Z24, Z6)
	NEXTROW
	BIAS1(Z24, Z7)
	JMP  done
n16_accumulate:
	ACC1(Z0)
	NEXTROW
	ACC1(Z1)
	NEXTROW
	ACC1(Z2)
	NEXTROW
	ACC1(Z3)
	NEXTROW
	ACC1(Z4)
	NEXTROW
	ACC1(Z5)
	NEXTROW
	ACC1(Z6)
	NEXTROW
	ACC1(Z7)
done:
	VZEROUPPER
	RET

// func f32TileAVX512x4(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 4 { for j := range 48 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*48+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX512x4(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO3(Z0, Z1, Z2)
	ZERO3(Z3, Z4, Z5)
	ZERO3(Z6, Z7, Z8)
	ZERO3(Z9, Z10, Z11)
loop:
	VMOVUPS 0(BX), Z12
	VMOVUPS 64(BX), Z13
	VMOVUPS 128(BX), Z14
	FMA3((SI), Z15, Z12, Z13, Z14, Z0, Z1, Z2)
	FMA3((SI)(DX*1), Z16, Z12, Z13, Z14, Z3, Z4, Z5)
	FMA3((SI)(DX*2), Z15, Z12, Z13, Z14, Z6, Z7, Z8)
	FMA3((SI)(R10*1), Z16, Z12, Z13, Z14, Z9, Z10, Z11)
	ADDQ $4, SI
	ADDQ $192, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z12
	VMOVUPS 64(AX), Z13
	VMOVUPS 128(AX), Z14
	BIAS3(Z12, Z13, Z14, Z0, Z1, Z2)
	NEXTROW
	BIAS3(Z12, Z13, Z14, Z3, Z4, Z5)
	NEXTROW
	BIAS3(Z12, Z13, Z14, Z6, Z7, Z8)
	NEXTROW
	BIAS3(Z12, Z13, Z14, Z9, Z10, Z11)
	JMP  done
accumulate:
	ACC3(Z0, Z1, Z2)
	NEXTROW
	ACC3(Z3, Z4, Z5)
	NEXTROW
	ACC3(Z6, Z7, Z8)
	NEXTROW
	ACC3(Z9, Z10, Z11)
done:
	VZEROUPPER
	RET

// func f32TileAVX512x2(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 2 { for j := range 48 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*48+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX512x2(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO3(Z0, Z1, Z2)
	ZERO3(Z3, Z4, Z5)
loop:
	VMOVUPS 0(BX), Z6
	VMOVUPS 64(BX), Z7
	VMOVUPS 128(BX), Z8
	FMA3((SI), Z9, Z6, Z7, Z8, Z0, Z1, Z2)
	FMA3((SI)(DX*1), Z10, Z6, Z7, Z8, Z3, Z4, Z5)
	ADDQ $4, SI
	ADDQ $192, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z6
	VMOVUPS 64(AX), Z7
	VMOVUPS 128(AX), Z8
	BIAS3(Z6, Z7, Z8, Z0, Z1, Z2)
	NEXTROW
	BIAS3(Z6, Z7, Z8, Z3, Z4, Z5)
	JMP  done
accumulate:
	ACC3(Z0, Z1, Z2)
	NEXTROW
	ACC3(Z3, Z4, Z5)
done:
	VZEROUPPER
	RET

// func f32TileAVX512x1(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 1 { for j := range 48 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*48+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX512x1(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO3(Z0, Z1, Z2)
loop:
	VMOVUPS 0(BX), Z3
	VMOVUPS 64(BX), Z4
	VMOVUPS 128(BX), Z5
	FMA3((SI), Z6, Z3, Z4, Z5, Z0, Z1, Z2)
	ADDQ $4, SI
	ADDQ $192, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z3
	VMOVUPS 64(AX), Z4
	VMOVUPS 128(AX), Z5
	BIAS3(Z3, Z4, Z5, Z0, Z1, Z2)
	JMP  done
accumulate:
	ACC3(Z0, Z1, Z2)
done:
	VZEROUPPER
	RET

// func f16TileAVX512x12(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 12 { for j := range 32 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*32+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX512x12(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	LEAQ (SI)(DX*4), DI
	LEAQ (DI)(DX*4), R11
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO8X2
	ZERO2(Z16, Z17)
	ZERO2(Z18, Z19)
	ZERO2(Z20, Z21)
	ZERO2(Z22, Z23)
loop:
	VCVTPH2PS 0(BX), Z24
	VCVTPH2PS 32(BX), Z25
	// B 4 KB ahead: a panel's first row block streams it from L3 or memory.
	PREFETCHT0 4096(BX)
	FMA8X2(Z24, Z25, Z26, Z27)
	FMA2((R11), Z26, Z24, Z25, Z16, Z17)
	FMA2((R11)(DX*1), Z27, Z24, Z25, Z18, Z19)
	FMA2((R11)(DX*2), Z26, Z24, Z25, Z20, Z21)
	FMA2((R11)(R10*1), Z27, Z24, Z25, Z22, Z23)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $4, R11
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z24
	VMOVUPS 64(AX), Z25
	BIAS8X2(Z24, Z25)
	NEXTROW
	BIAS2(64, Z24, Z25, Z16, Z17)
	NEXTROW
	BIAS2(64, Z24, Z25, Z18, Z19)
	NEXTROW
	BIAS2(64, Z24, Z25, Z20, Z21)
	NEXTROW
	BIAS2(64, Z24, Z25, Z22, Z23)
	JMP  done
accumulate:
	ACC8X2
	NEXTROW
	ACC2(64, Z16, Z17)
	NEXTROW
	ACC2(64, Z18, Z19)
	NEXTROW
	ACC2(64, Z20, Z21)
	NEXTROW
	ACC2(64, Z22, Z23)
done:
	VZEROUPPER
	RET

// func f16TileAVX512x8(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 8 { for j := range 32 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*32+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX512x8(SB), NOSPLIT, $0-65
	ARGS8
	ZERO8X2
loop:
	VCVTPH2PS 0(BX), Z16
	VCVTPH2PS 32(BX), Z17
	FMA8X2(Z16, Z17, Z18, Z19)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z16
	VMOVUPS 64(AX), Z17
	BIAS8X2(Z16, Z17)
	JMP  done
accumulate:
	ACC8X2
done:
	VZEROUPPER
	RET

// func f16TileAVX512x4(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 4 { for j := range 32 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*32+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX512x4(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Z0, Z1)
	ZERO2(Z2, Z3)
	ZERO2(Z4, Z5)
	ZERO2(Z6, Z7)
loop:
	VCVTPH2PS 0(BX), Z8
	VCVTPH2PS 32(BX), Z9
	FMA2((SI), Z10, Z8, Z9, Z0, Z1)
	FMA2((SI)(DX*1), Z11, Z8, Z9, Z2, Z3)
	FMA2((SI)(DX*2), Z10, Z8, Z9, Z4, Z5)
	FMA2((SI)(R10*1), Z11, Z8, Z9, Z6, Z7)
	ADDQ $4, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z8
	VMOVUPS 64(AX), Z9
	BIAS2(64, Z8, Z9, Z0, Z1)
	NEXTROW
	BIAS2(64, Z8, Z9, Z2, Z3)
	NEXTROW
	BIAS2(64, Z8, Z9, Z4, Z5)
	NEXTROW
	BIAS2(64, Z8, Z9, Z6, Z7)
	JMP  done
accumulate:
	ACC2(64, Z0, Z1)
	NEXTROW
	ACC2(64, Z2, Z3)
	NEXTROW
	ACC2(64, Z4, Z5)
	NEXTROW
	ACC2(64, Z6, Z7)
done:
	VZEROUPPER
	RET

// func f16TileAVX512x2(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 2 { for j := range 32 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*32+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX512x2(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Z0, Z1)
	ZERO2(Z2, Z3)
loop:
	VCVTPH2PS 0(BX), Z4
	VCVTPH2PS 32(BX), Z5
	FMA2((SI), Z6, Z4, Z5, Z0, Z1)
	FMA2((SI)(DX*1), Z7, Z4, Z5, Z2, Z3)
	ADDQ $4, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z4
	VMOVUPS 64(AX), Z5
	BIAS2(64, Z4, Z5, Z0, Z1)
	NEXTROW
	BIAS2(64, Z4, Z5, Z2, Z3)
	JMP  done
accumulate:
	ACC2(64, Z0, Z1)
	NEXTROW
	ACC2(64, Z2, Z3)
done:
	VZEROUPPER
	RET

// func f16TileAVX512x1(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 1 { for j := range 32 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*32+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX512x1(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Z0, Z1)
loop:
	VCVTPH2PS 0(BX), Z2
	VCVTPH2PS 32(BX), Z3
	FMA2((SI), Z4, Z2, Z3, Z0, Z1)
	ADDQ $4, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Z2
	VMOVUPS 64(AX), Z3
	BIAS2(64, Z2, Z3, Z0, Z1)
	JMP  done
accumulate:
	ACC2(64, Z0, Z1)
done:
	VZEROUPPER
	RET

// func f32TileAVX2x6(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 6 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*16+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX2x6(SB), NOSPLIT, $0-65
	ARGS8
	ZERO2(Y0, Y1)
	ZERO2(Y2, Y3)
	ZERO2(Y4, Y5)
	ZERO2(Y6, Y7)
	ZERO2(Y8, Y9)
	ZERO2(Y10, Y11)
loop:
	VMOVUPS 0(BX), Y12
	VMOVUPS 32(BX), Y13
	FMA2((SI), Y14, Y12, Y13, Y0, Y1)
	FMA2((SI)(DX*1), Y15, Y12, Y13, Y2, Y3)
	FMA2((SI)(DX*2), Y14, Y12, Y13, Y4, Y5)
	FMA2((SI)(R10*1), Y15, Y12, Y13, Y6, Y7)
	FMA2((DI), Y14, Y12, Y13, Y8, Y9)
	FMA2((DI)(DX*1), Y15, Y12, Y13, Y10, Y11)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y12
	VMOVUPS 32(AX), Y13
	BIAS2(32, Y12, Y13, Y0, Y1)
	NEXTROW
	BIAS2(32, Y12, Y13, Y2, Y3)
	NEXTROW
	BIAS2(32, Y12, Y13, Y4, Y5)
	NEXTROW
	BIAS2(32, Y12, Y13, Y6, Y7)
	NEXTROW
	BIAS2(32, Y12, Y13, Y8, Y9)
	NEXTROW
	BIAS2(32, Y12, Y13, Y10, Y11)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
	NEXTROW
	ACC2(32, Y2, Y3)
	NEXTROW
	ACC2(32, Y4, Y5)
	NEXTROW
	ACC2(32, Y6, Y7)
	NEXTROW
	ACC2(32, Y8, Y9)
	NEXTROW
	ACC2(32, Y10, Y11)
done:
	VZEROUPPER
	RET

// func f32TileAVX2x4(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 4 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*16+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX2x4(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Y0, Y1)
	ZERO2(Y2, Y3)
	ZERO2(Y4, Y5)
	ZERO2(Y6, Y7)
loop:
	VMOVUPS 0(BX), Y8
	VMOVUPS 32(BX), Y9
	FMA2((SI), Y10, Y8, Y9, Y0, Y1)
	FMA2((SI)(DX*1), Y11, Y8, Y9, Y2, Y3)
	FMA2((SI)(DX*2), Y10, Y8, Y9, Y4, Y5)
	FMA2((SI)(R10*1), Y11, Y8, Y9, Y6, Y7)
	ADDQ $4, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y8
	VMOVUPS 32(AX), Y9
	BIAS2(32, Y8, Y9, Y0, Y1)
	NEXTROW
	BIAS2(32, Y8, Y9, Y2, Y3)
	NEXTROW
	BIAS2(32, Y8, Y9, Y4, Y5)
	NEXTROW
	BIAS2(32, Y8, Y9, Y6, Y7)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
	NEXTROW
	ACC2(32, Y2, Y3)
	NEXTROW
	ACC2(32, Y4, Y5)
	NEXTROW
	ACC2(32, Y6, Y7)
done:
	VZEROUPPER
	RET

// func f32TileAVX2x2(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 2 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*16+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX2x2(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Y0, Y1)
	ZERO2(Y2, Y3)
loop:
	VMOVUPS 0(BX), Y4
	VMOVUPS 32(BX), Y5
	FMA2((SI), Y6, Y4, Y5, Y0, Y1)
	FMA2((SI)(DX*1), Y7, Y4, Y5, Y2, Y3)
	ADDQ $4, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y4
	VMOVUPS 32(AX), Y5
	BIAS2(32, Y4, Y5, Y0, Y1)
	NEXTROW
	BIAS2(32, Y4, Y5, Y2, Y3)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
	NEXTROW
	ACC2(32, Y2, Y3)
done:
	VZEROUPPER
	RET

// func f32TileAVX2x1(a *float32, lda int, b *float32, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 1 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * b[kk*16+j] }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f32TileAVX2x1(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Y0, Y1)
loop:
	VMOVUPS 0(BX), Y2
	VMOVUPS 32(BX), Y3
	FMA2((SI), Y4, Y2, Y3, Y0, Y1)
	ADDQ $4, SI
	ADDQ $64, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y2
	VMOVUPS 32(AX), Y3
	BIAS2(32, Y2, Y3, Y0, Y1)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
done:
	VZEROUPPER
	RET

// func f16TileAVX2x6(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 6 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*16+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX2x6(SB), NOSPLIT, $0-65
	ARGS8
	ZERO2(Y0, Y1)
	ZERO2(Y2, Y3)
	ZERO2(Y4, Y5)
	ZERO2(Y6, Y7)
	ZERO2(Y8, Y9)
	ZERO2(Y10, Y11)
loop:
	VCVTPH2PS 0(BX), Y12
	VCVTPH2PS 16(BX), Y13
	FMA2((SI), Y14, Y12, Y13, Y0, Y1)
	FMA2((SI)(DX*1), Y15, Y12, Y13, Y2, Y3)
	FMA2((SI)(DX*2), Y14, Y12, Y13, Y4, Y5)
	FMA2((SI)(R10*1), Y15, Y12, Y13, Y6, Y7)
	FMA2((DI), Y14, Y12, Y13, Y8, Y9)
	FMA2((DI)(DX*1), Y15, Y12, Y13, Y10, Y11)
	ADDQ $4, SI
	ADDQ $4, DI
	ADDQ $32, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y12
	VMOVUPS 32(AX), Y13
	BIAS2(32, Y12, Y13, Y0, Y1)
	NEXTROW
	BIAS2(32, Y12, Y13, Y2, Y3)
	NEXTROW
	BIAS2(32, Y12, Y13, Y4, Y5)
	NEXTROW
	BIAS2(32, Y12, Y13, Y6, Y7)
	NEXTROW
	BIAS2(32, Y12, Y13, Y8, Y9)
	NEXTROW
	BIAS2(32, Y12, Y13, Y10, Y11)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
	NEXTROW
	ACC2(32, Y2, Y3)
	NEXTROW
	ACC2(32, Y4, Y5)
	NEXTROW
	ACC2(32, Y6, Y7)
	NEXTROW
	ACC2(32, Y8, Y9)
	NEXTROW
	ACC2(32, Y10, Y11)
done:
	VZEROUPPER
	RET

// func f16TileAVX2x4(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 4 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*16+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX2x4(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Y0, Y1)
	ZERO2(Y2, Y3)
	ZERO2(Y4, Y5)
	ZERO2(Y6, Y7)
loop:
	VCVTPH2PS 0(BX), Y8
	VCVTPH2PS 16(BX), Y9
	FMA2((SI), Y10, Y8, Y9, Y0, Y1)
	FMA2((SI)(DX*1), Y11, Y8, Y9, Y2, Y3)
	FMA2((SI)(DX*2), Y10, Y8, Y9, Y4, Y5)
	FMA2((SI)(R10*1), Y11, Y8, Y9, Y6, Y7)
	ADDQ $4, SI
	ADDQ $32, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y8
	VMOVUPS 32(AX), Y9
	BIAS2(32, Y8, Y9, Y0, Y1)
	NEXTROW
	BIAS2(32, Y8, Y9, Y2, Y3)
	NEXTROW
	BIAS2(32, Y8, Y9, Y4, Y5)
	NEXTROW
	BIAS2(32, Y8, Y9, Y6, Y7)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
	NEXTROW
	ACC2(32, Y2, Y3)
	NEXTROW
	ACC2(32, Y4, Y5)
	NEXTROW
	ACC2(32, Y6, Y7)
done:
	VZEROUPPER
	RET

// func f16TileAVX2x2(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 2 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*16+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX2x2(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Y0, Y1)
	ZERO2(Y2, Y3)
loop:
	VCVTPH2PS 0(BX), Y4
	VCVTPH2PS 16(BX), Y5
	FMA2((SI), Y6, Y4, Y5, Y0, Y1)
	FMA2((SI)(DX*1), Y7, Y4, Y5, Y2, Y3)
	ADDQ $4, SI
	ADDQ $32, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y4
	VMOVUPS 32(AX), Y5
	BIAS2(32, Y4, Y5, Y0, Y1)
	NEXTROW
	BIAS2(32, Y4, Y5, Y2, Y3)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
	NEXTROW
	ACC2(32, Y2, Y3)
done:
	VZEROUPPER
	RET

// func f16TileAVX2x1(a *float32, lda int, b *uint16, k int, c *float32, ldc, rows int, bias *float32, accumulate bool)
//
//	for i := range 1 { for j := range 16 {  // only rows i < rows are stored
//		sum := bias[j]  // or c[i*ldc+j] if accumulate
//		for kk := range k { sum += a[i*lda+kk] * widen(b[kk*16+j]) }
//		c[i*ldc+j] = sum
//	}}
TEXT ·f16TileAVX2x1(SB), NOSPLIT, $0-65
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	SHLQ $2, DX
	LEAQ (DX)(DX*2), R10
	MOVQ b+16(FP), BX
	MOVQ k+24(FP), CX
	ZERO2(Y0, Y1)
loop:
	VCVTPH2PS 0(BX), Y2
	VCVTPH2PS 16(BX), Y3
	FMA2((SI), Y4, Y2, Y3, Y0, Y1)
	ADDQ $4, SI
	ADDQ $32, BX
	DECQ CX
	JNZ  loop
	STOREARGS(accumulate)
	MOVQ bias+56(FP), AX
	VMOVUPS 0(AX), Y2
	VMOVUPS 32(AX), Y3
	BIAS2(32, Y2, Y3, Y0, Y1)
	JMP  done
accumulate:
	ACC2(32, Y0, Y1)
done:
	VZEROUPPER
	RET
