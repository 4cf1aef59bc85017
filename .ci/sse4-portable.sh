#!/usr/bin/env bash
# CI for the CPUs without AVX2 and the architectures without assembly:
#   - qemu-x86_64 -cpu Nehalem (SSE4.2, no AVX): albertq info --json must pick
#     sse4, and the GEMM, selection and layout tests run on the sse4 and
#     portable sets (the generic subtests are skipped: plain Go, tested
#     natively by .ci/run; the avx2-only kernel tests need AVX2);
#   - qemu-riscv64: the same tests on the portable set;
#   - cross builds for riscv64 and wasip1/wasm (pure Go: the portable tier).
# Natively, .ci/run already runs the kernel and engine tests once per set,
# portable and sse4 included.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/lib.sh
need qemu-x86_64-static:qemu-user-static qemu-riscv64-static:qemu-user-static

echo "--- cross builds (CGO_ENABLED=0)"
for target in linux/riscv64 wasip1/wasm; do
  run env CGO_ENABLED=0 GOOS="${target%/*}" GOARCH="${target#*/}" go build ./...
done
run env CGO_ENABLED=0 GOOS=wasip1 GOARCH=wasm go vet ./kernels

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

# The kernel tests that exercise a set's GEMMs and vector work, and the
# sse4 layouts; everything else in the package is checked natively.
tests='^(TestFloatKernelsMatchReference|TestI8Kernels.*|TestThreadedGEMMMatchesSerial|TestSerialGEMMDoesNotAllocate|TestSelect.*|TestSetsResolve|TestWidenHalvesSSE|TestFold(Variants|Chunk|StoreSSE)|TestPackFolded|TestPortableMatchesGeneric|TestSSE4MatchesGeneric|TestSSE4NonNegMatchesGeneric|TestSoftmax.*|TestLayerNorm|TestGELU|TestQuantize.*)$'

echo "--- amd64 without AVX: qemu-x86_64 -cpu Nehalem"
run env CGO_ENABLED=0 go build -o "$bin/albertq" ./cmd/albertq
info=$(qemu-x86_64-static -cpu Nehalem "$bin/albertq" info --json)
echo "$info" | tr -d '\n ' | grep -q '"chosen":"sse4"' || { echo "Nehalem: the chosen set is not sse4: $info"; exit 1; }
echo "Nehalem: sse4 chosen"
run env CGO_ENABLED=0 go test -c -o "$bin/kernels-amd64.test" ./kernels
(cd kernels && timed qemu-x86_64-static -cpu Nehalem "$bin/kernels-amd64.test" -test.short -test.run "$tests" -test.skip '/generic')

echo "--- riscv64 (portable): qemu-riscv64"
run env CGO_ENABLED=0 GOARCH=riscv64 go test -c -o "$bin/kernels-riscv64.test" ./kernels
(cd kernels && timed qemu-riscv64-static "$bin/kernels-riscv64.test" -test.short -test.run "$tests" -test.skip '/generic')
