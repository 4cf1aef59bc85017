#!/usr/bin/env bash
# arm64-counts.sh: what one albert-base forward pass asks of an arm64 core,
# without ARM hardware. Prints two tables:
#
#  1. instructions executed per forward pass (int8 1×128 tokens, one thread;
#     fp32 likewise), by group of functions, for each arm64 GEMM kernel on the
#     qemu CPU model that selects it: neon on cortex-a53, dotprod on
#     cortex-a76, i8mm on max, fp32 on cortex-a76. One forward pass is the
#     benchmark at -benchtime (1+P)x minus the same at 1x, divided by P
#     (b.Loop runs the function once per count, after setup), counted
#     exactly by ../shared/tools/arm64-insn. The kernels' and the vector
#     work's counts are the same in every pass; the Go runtime's (sysmon,
#     the garbage collector after the benchmark's setup) follow the
#     emulated wall time and vary by tens of millions from run to run,
#     which the P passes divide. "ideal" is the pass's multiply-accumulates
#     divided by what one of the kernel's multiply instructions does.
#  2. the GEMM kernels' inner loops modeled by llvm-mca on in-order
#     (Cortex-A53/A55/A510) and out-of-order (Neoverse N1/V1/V2) cores
#     (../shared/tools/arm64-mca): multiply-accumulates per cycle and the
#     share of the core's modeled peak.
#
# Both are counts and models, not timings on hardware. The counts took about
# 45 minutes on a 2-core x86 machine at P = 1 (qemu emulates every FMLA lane
# of the fp32 run in software); each further pass adds its emulation, about
# 15 s for an int8 pass and 5-9 minutes for an fp32 one (-passes 1 for a
# quicker, noisier fp32 row). The model takes seconds.
#
# usage: scripts/arm64-counts.sh [-only mca|counts] [-kernels "neon dotprod i8mm fp32"] [-passes P]
#
# ARM64_TOOLS names the tools' directory (default ../shared/tools), OUT the
# working directory (default $TMPDIR/albertq-arm64): the runs' logs, the
# reports of report.py and llvm-mca are kept there.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=${ARM64_TOOLS:-../shared/tools}
out=${OUT:-${TMPDIR:-/tmp}/albertq-arm64}
only= kernels="neon dotprod i8mm fp32" passes=4
while [ $# -gt 0 ]; do
  case $1 in
    -only) only=$2; shift 2 ;;
    -kernels) kernels=$2; shift 2 ;;
    -passes) passes=$2; shift 2 ;;
    *) sed -n '2,32p' "$0" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"

# The multiply-accumulates of one forward pass of BenchmarkForward's
# albert-base (E 128, H 768, I 3072, 12 heads of 64, 12 layers, 128 tokens,
# one sequence): the embedding projection, per layer q/k/v, attention's two
# products per head, its output and the FFN, then the pooler.
macs=$(( 128*128*768 + 12*(128*768*3*768 + 12*2*128*128*64 + 128*768*768 + 2*128*768*3072) + 768*768 ))

counts() {
  local bin=$out/engine.test
  CGO_ENABLED=0 GOARCH=arm64 go test -c -o "$bin" ./engine
  printf '%s\n' "kernel (qemu -cpu)|instructions per forward|ideal|× ideal|GEMM kernels|vector work|packing + memmove|drivers, runtime, other" >"$out/counts.tsv"
  for k in $kernels; do
    local cpu dtype per
    case $k in
      neon) cpu=cortex-a53 dtype=i8 per=16/3 ;;
      dotprod) cpu=cortex-a76 dtype=i8 per=16 ;;
      i8mm) cpu=max dtype=i8 per=32 ;;
      fp32) cpu=cortex-a76 dtype=f32 per=4 ;;
      *) echo "unknown kernel $k" >&2; exit 2 ;;
    esac
    local base=()
    for n in 1 $((passes + 1)); do
      "$tools/arm64-insn/profile.sh" -cpu "$cpu" -out "$out" -name "$k-${n}x" -groups scripts/arm64.groups "${base[@]}" \
        "$bin" -test.run '^$' -test.bench "Forward/$dtype/1x128/t1\$" -test.benchtime "${n}x" >/dev/null
      base=(-base "$out/$k-1x.tb")
    done
    python3 - "$out/$k-$((passes + 1))x.txt" "$k ($cpu)" "$macs" "$per" "$passes" >>"$out/counts.tsv" <<'EOF'
import re, sys
path, name, macs, per, passes = sys.argv[1], sys.argv[2], int(sys.argv[3]), eval(sys.argv[4]), int(sys.argv[5])
text = open(path).read()
total = int(re.search(r"([\d,]+) instructions executed", text).group(1).replace(",", "")) / passes
section = text.split("by group")[1].split("by function")[0]
groups = {m.group(2): int(m.group(1).replace(",", "")) / passes for m in re.finditer(r"^\s*([\d,-]+)\s+[-\d.]+\s+[-\d.]+\s+(\S+)", section, re.M)}
ideal = macs / per
M = lambda x: f"{x / 1e6:,.0f} M"
share = lambda x: f"{M(x)} ({100 * x / total:.0f}%)"
kern, vec = groups.get("gemm-kernel", 0), groups.get("vector", 0)
pack = groups.get("packing", 0) + groups.get("memmove/clear", 0)
print("|".join([name, M(total), M(ideal), f"{total / ideal:.2f}", share(kern), share(vec), share(pack),
                share(total - kern - vec - pack)]))
EOF
  done
  echo
  echo "Instructions per albert-base int8 (fp32) forward pass, 1×128 tokens, one thread:"
  column -t -s '|' "$out/counts.tsv"
}

mca() {
  "$tools/arm64-mca/mca.py" --out "$out/mca" --cpus cortex-a53,cortex-a55,cortex-a510,neoverse-n1,neoverse-v1,neoverse-v2 --funcs 'kernels\.(i8Panel\w*|f32Panel)\.abi0$' ./kernels >"$out/mca.txt"
  echo
  echo "GEMM inner loops under llvm-mca: multiply-accumulates per cycle (% of the core's modeled peak):"
  python3 - "$out/mca.txt" <<'EOF'
import sys
rows, cpus, seen = {}, [], {}
for line in open(sys.argv[1]):
    v = line.split()
    if len(v) < 4 or not v[0].startswith("kernels."):
        continue
    loop, cpu = v[0].removeprefix("kernels."), v[1]
    if cpu not in cpus:
        cpus.append(cpu)
    k = seen[loop, cpu] = seen.get((loop, cpu), -1) + 1  # a function's second inner loop is loop.1
    loop = loop if k == 0 else f"{loop}.{k}"
    cell = "n/a" if v[3] == "n/a:" else f"{float(v[6]):.1f} ({float(v[8]):.0f}%)"
    rows.setdefault(loop, {})[cpu] = cell
w = max(map(len, rows)) + 2
print("loop".ljust(w) + "".join(c.rjust(15) for c in cpus))
for loop, cells in rows.items():
    print(loop.ljust(w) + "".join(cells.get(c, "").rjust(15) for c in cpus))
EOF
}

[ "$only" = mca ] || counts
[ "$only" = counts ] || mca
