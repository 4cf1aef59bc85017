#!/usr/bin/env bash
# Times albertq's forward pass (albert-base shapes, random weights) and ONNX
# Runtime on the same shapes in one run, alternating ROUNDS times so both see
# the same machine load, and prints median latencies and albertq/ORT ratios.
#
# usage: scripts/bench-vs-onnxruntime.sh [out.jsonl]
# env:   ROUNDS (default 3), THREADS (albertq thread counts, default "1 2"),
#        ANCHORS (default ../shared/anchors), BENCHTIME (go test -benchtime, default 1s)
# The anchors need `bash $ANCHORS/setup.sh` once (see its README); without
# them only albertq's numbers are printed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/anchors}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-1 2}"
BENCHTIME="${BENCHTIME:-1s}"
PY=/usr/bin/python3
OUT="${1:-$(mktemp)}"
: > "$OUT"

have_ort=0
if [ -f "$ANCHORS/albert_anchor.mjs" ] && command -v node >/dev/null &&
	[ -f "${ORT_NODE_DIR:-/tmp/perfwork/ort}/node_modules/onnxruntime-node/package.json" ] &&
	"$PY" -c 'import torch, onnx' 2>/dev/null; then
	have_ort=1
	"$PY" "$ANCHORS/albert_anchor.py" --only export >/dev/null 2>&1 # builds the ONNX models once (cached)
else
	echo "ONNX Runtime anchors not installed (bash $ANCHORS/setup.sh): albertq only" >&2
fi

(cd "$ROOT" && go test -c -o /tmp/albertq-engine.test ./engine/)
pattern="Forward/($(echo i8 f16 f32 | tr ' ' '|'))/.*/t($(echo $THREADS | tr ' ' '|'))\$"
for round in $(seq "$ROUNDS"); do
	echo "round $round/$ROUNDS: albertq" >&2
	(cd "$ROOT/engine" && /tmp/albertq-engine.test -test.run '^$' -test.bench "$pattern" -test.benchtime "$BENCHTIME") |
		awk -v round="$round" '/^BenchmarkForward/ {
			split($1, p, "/"); sub(/-[0-9]+$/, "", p[4]); sub(/^t/, "", p[4])
			for (i = 3; i < NF; i++) if ($(i+1) == "ns/op") ms = $i / 1e6; else if ($(i+1) == "cpu-ms/op") cpu = $i
			printf "{\"bench\":\"albertq\",\"round\":%d,\"dtype\":\"%s\",\"shape\":\"%s\",\"threads\":%d,\"median_ms\":%.3f,\"cpu_ms\":%.3f}\n", round, p[2], p[3], p[4], ms, cpu
		}' >> "$OUT"
	if [ "$have_ort" = 1 ]; then
		echo "round $round/$ROUNDS: ONNX Runtime" >&2
		node "$ANCHORS/albert_anchor.mjs" --models fp32,int8 --configs 1x16,1x64,1x128,1x256,8x128 2>/dev/null |
			grep '"bench":"albert"' | sed "s/^{/{\"round\":$round,/" >> "$OUT"
	fi
done

"$PY" - "$OUT" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ours, ort = {}, {}
for r in rows:
    if r["bench"] == "albertq":
        ours.setdefault((r["dtype"], r["shape"], r["threads"]), []).append(r["median_ms"])
    elif r["bench"] == "albert" and "median_ms" in r:
        ort.setdefault((r["impl"].replace("ort_", ""), "%dx%d" % (r["B"], r["S"])), []).append(r["median_ms"])
med = lambda v: statistics.median(v) if v else None
tokens = {"1x16": 16, "1x64": 64, "1x128": 128, "1x256": 256, "8x128": 1024, "mixed": 576}
ortkind = {"i8": "int8", "f32": "fp32", "f16": None}
print("| dtype | shape | threads | albertq ms | tokens/s | ORT ms (same dtype) | albertq/ORT |")
print("|---|---|---|---|---|---|---|")
for (dt, shape, th), v in sorted(ours.items(), key=lambda kv: (kv[0][0], list(tokens).index(kv[0][1]), kv[0][2])):
    m = med(v)
    # "mixed" is compared with ORT on the batch padded to its longest: 8x128.
    o = med(ort.get((ortkind[dt], "8x128" if shape == "mixed" else shape), [])) if ortkind[dt] else None
    ratio = "%.2f" % (m / o) if o and th == 1 else ""
    print("| %s | %s | %d | %.2f | %.0f | %s | %s |" % (dt, shape, th, m, tokens[shape] / m * 1e3, "%.2f" % o if o else "", ratio))
for dt in ("i8", "f16", "f32"):
    one, two = med(ours.get((dt, "8x128", 1), [])), med(ours.get((dt, "8x128", 2), []))
    if one and two:
        print("%s 8x128: 2 threads vs 1: %.2fx tokens/s" % (dt, one / two))
PYEOF
