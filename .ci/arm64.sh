#!/usr/bin/env bash
# arm64 CI: cross-builds, then the kernel (and engine) tests built for arm64
# and run under qemu-user on three CPU models:
#   cortex-a53  NEON only            -> int8 kernel "neon"
#   cortex-a76  + dot product, fp16  -> int8 kernel "dotprod"
#   max         + i8mm               -> int8 kernel "i8mm"
# Every model runs every arm64 implementation it supports through the shared
# kernel tests with -test.short; the generic kernels are skipped here (they
# are plain Go, tested natively by .ci/run). On an idle 2-core machine the
# whole script took 5.5 minutes (kernels 33-58 s and engine about 60 s per model).
# Every model checks that its expected int8 kernel is the one chosen. Before
# the runs, every WORD-encoded instruction is checked against GNU as and the
# built kernels are disassembled (scripts/check-arm64-encodings.py, a few
# seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/lib.sh
need qemu-aarch64-static:qemu-user-static aarch64-linux-gnu-as:binutils-aarch64-linux-gnu python3:python3

run qemu-aarch64-static --version
models=$(qemu-aarch64-static -cpu help || true) # exits non-zero after listing
for cpu in cortex-a53 cortex-a76 max; do
  if ! grep -qw -- "$cpu" <<<"$models"; then
    echo "qemu-aarch64-static has no CPU model $cpu (cortex-a76 needs qemu >= 7.1)" >&2
    exit 1
  fi
done

echo "--- cross builds (CGO_ENABLED=0)"
for target in linux/arm64 darwin/arm64 windows/amd64; do
  run env CGO_ENABLED=0 GOOS="${target%/*}" GOARCH="${target#*/}" go build ./...
done

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT

echo "--- kernels under qemu"
run env CGO_ENABLED=0 GOARCH=arm64 go test -c -o "$bin/kernels.test" ./kernels
run python3 scripts/check-arm64-encodings.py --binary "$bin/kernels.test" | tail -n 3
# qemu <cpu> <int8 kernel it must choose> <test binary args...>, run in the
# package directory as go test would.
qemu() {
  local cpu=$1 want=$2
  shift 2
  timed env ALBERTQ_TEST_WANT_I8="$want" qemu-aarch64-static -cpu "$cpu" "$@" -test.short
}
(cd kernels && qemu cortex-a53 neon "$bin/kernels.test" -test.skip '/generic')
(cd kernels && qemu cortex-a76 dotprod "$bin/kernels.test" -test.skip '/generic')
(cd kernels && qemu max i8mm "$bin/kernels.test" -test.skip '/generic')

if compgen -G 'engine/*_test.go' >/dev/null; then
  echo "--- engine under qemu"
  run env CGO_ENABLED=0 GOARCH=arm64 go test -c -o "$bin/engine.test" ./engine
  for cpu in cortex-a53 cortex-a76 max; do
    (cd engine && timed qemu-aarch64-static -cpu "$cpu" "$bin/engine.test" -test.short)
  done
fi

echo "--- albertq info --json under qemu names each CPU's int8 kernel"
run env CGO_ENABLED=0 GOARCH=arm64 go build -o "$bin/albertq" ./cmd/albertq
for pair in cortex-a53:neon cortex-a76:dotprod max:i8mm; do
  cpu=${pair%:*} want=${pair#*:}
  info=$(qemu-aarch64-static -cpu "$cpu" "$bin/albertq" info --json)
  echo "$info" | tr -d '\n ' | grep -q "\"int8\":\"$want\"" || { echo "$cpu: int8 kernel is not $want: $info"; exit 1; }
  echo "$cpu: int8 $want"
done
