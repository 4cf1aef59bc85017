#!/usr/bin/env bash
# Makes a copy of onnxruntime-node whose MLAS (ONNX Runtime's kernels) runs
# the path it runs on an older x86 CPU, so that albertq's avxvnni, avx2 and
# sse4 sets can be compared with ONNX Runtime on a machine that has AVX-512.
#
# usage: scripts/onnxruntime-isa.sh avxvnni|avx2|sse [dir]
#        prints the package directory to give the anchors as ORT_NODE
#        (bench-vs-onnxruntime.sh does this itself when ORT_ISA is set)
# env:   ORT_NODE_DIR: the installed onnxruntime-node (default /tmp/perfwork/ort,
#        where ../shared/anchors/setup.sh puts it); the copy goes to dir
#        (default $ORT_NODE_DIR-$ISA)
#
# MLAS picks its kernels once, from CPUID, in MLAS_PLATFORM's constructor
# (onnxruntime/core/mlas/lib/platform.cpp), and has no switch to pick lower
# ones; this machine cannot hide CPUID bits from a process. So the copy's
# libonnxruntime.so has that constructor's tests patched, found by their
# bytes (one match each, else nothing is written):
#   avxvnni: the AVX512F test (test $0x10000,%r10d; je), where the AVX-VNNI
#         test (cpuid leaf 7.1; test $0x10,%al; je) jumps, becomes jmp
#         (0x74 → 0xeb): MLAS keeps its AVX2 and AVX-VNNI kernels, as on an
#         Alder Lake without AVX-512;
#   avx2: the AVX-VNNI test's je becomes jmp too: MLAS keeps what it set for
#         AVX2/FMA3, as on a Haswell–Zen 3 CPU;
#   sse:  the AVX/OSXSAVE test (cpuid leaf 1; test $0x18000000; je) becomes
#         two one-byte nops: MLAS keeps its SSE defaults, as on a CPU without
#         AVX (on Linux that is its SSE2 int8 kernel; it has no SSE4.1 one there).
# The patterns are those of onnxruntime-node 1.30.0's x64 build; another
# build is refused with a message rather than patched blindly.
set -euo pipefail
ISA="${1:-}"
case "$ISA" in
avxvnni | avx2 | sse) ;;
*)
	echo "usage: $0 avxvnni|avx2|sse [dir]" >&2
	exit 2
	;;
esac
SRC="${ORT_NODE_DIR:-/tmp/perfwork/ort}"
DST="${2:-$SRC-$ISA}"
LIB=node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1
if [ ! -f "$SRC/$LIB" ]; then
	echo "$0: no onnxruntime-node for linux/x64 in $SRC (bash ../shared/anchors/setup.sh installs it)" >&2
	exit 1
fi
if [ ! -f "$DST/.isa-$ISA" ]; then
	# Patched in a scratch copy, moved into place only once patched.
	rm -rf "$DST" "$DST.tmp"
	mkdir -p "$DST.tmp"
	cp -a "$SRC/node_modules" "$DST.tmp/"
	trap 'rm -rf "$DST.tmp"' EXIT
	/usr/bin/python3 - "$DST.tmp/$LIB" "$ISA" <<'PYEOF'
import sys
path, isa = sys.argv[1], sys.argv[2]
lib = bytearray(open(path, "rb").read())

def only(pattern):
    at = lib.find(pattern)
    if at < 0 or lib.find(pattern, at + 1) >= 0:
        sys.exit("%s: MLAS's CPUID test %s found %s: not the onnxruntime 1.30.0 build this script knows"
                 % (path, pattern.hex(), "nowhere" if at < 0 else "more than once"))
    return at

if isa in ("avxvnni", "avx2"):
    je = only(bytes.fromhex("0fa2a81074")) + 4  # cpuid; test $0x10,%al (AVX-VNNI); je
    target = je + 2 + lib[je + 1]
    if lib[target:target + 8] != bytes.fromhex("41f7c20000010074"):  # test $0x10000,%r10d (AVX512F); je
        sys.exit("%s: the AVX512F test is not where the AVX-VNNI test jumps" % path)
    lib[target + 7] = 0xEB
    if isa == "avx2":
        lib[je] = 0xEB
else:
    je = only(bytes.fromhex("0fa289c8f7d0a90000001874")) + 11  # cpuid; mov; not; test $0x18000000 (AVX, OSXSAVE); je
    lib[je:je + 2] = b"\x90\x90"
open(path, "wb").write(lib)
PYEOF
	touch "$DST.tmp/.isa-$ISA"
	mv "$DST.tmp" "$DST"
fi
echo "$DST/node_modules/onnxruntime-node"
