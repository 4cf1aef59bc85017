#!/usr/bin/env bash
# Times albertq's forward pass (albert-base shapes, random weights) and ONNX
# Runtime on the same shapes in one run, alternating ROUNDS times so both see
# the same machine load, and prints median latencies and albertq/ORT ratios.
#
# usage: scripts/bench-vs-onnxruntime.sh [out.jsonl]
# env:   ROUNDS (default 3), THREADS (albertq thread counts, default "1 2"),
#        DTYPES (albertq dtypes, default "i8 f32": the ones ORT has; add f16),
#        ALBERTQ_KERNELS (the kernel set albertq runs, e.g. avx2; default the
#        best this CPU can run; the summary names it),
#        ORT_ISA (avxvnni, avx2 or sse: ONNX Runtime runs the kernels it
#        runs on such a CPU, through scripts/onnxruntime-isa.sh; default its
#        best here),
#        ANCHORS (the ONNX Runtime anchor scripts, not part of this repository:
#        they export albert-base to ONNX and time it in onnxruntime-node;
#        default ../shared/anchors), BENCHTIME (go test -benchtime of the
#        single sequences, default 1s), BATCHCALLS (timed calls of each batch
#        shape, default 3)
# The anchors need `bash $ANCHORS/setup.sh` once (see its README); without
# them only albertq's numbers are printed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ANCHORS="${ANCHORS:-$ROOT/../shared/anchors}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-1 2}"
BENCHTIME="${BENCHTIME:-1s}"
BATCHCALLS="${BATCHCALLS:-3}"
DTYPES="${DTYPES:-i8 f32}"
PY=/usr/bin/python3
OUT="${1:-$(mktemp)}"
: > "$OUT"

have_ort=0
if [ -f "$ANCHORS/albert_anchor.mjs" ] && command -v node >/dev/null &&
	[ -f "${ORT_NODE_DIR:-/tmp/perfwork/ort}/node_modules/onnxruntime-node/package.json" ] &&
	"$PY" -c 'import torch, onnx' 2>/dev/null; then
	have_ort=1
	if [ -n "${ORT_ISA:-}" ]; then
		ORT_NODE="$("$ROOT/scripts/onnxruntime-isa.sh" "$ORT_ISA")"
		export ORT_NODE
	fi
	"$PY" "$ANCHORS/albert_anchor.py" --only export >/dev/null 2>&1 # builds the ONNX models once (cached)
else
	echo "ONNX Runtime anchors not installed (bash $ANCHORS/setup.sh): albertq only" >&2
fi

(cd "$ROOT" && go test -c -o /tmp/albertq-engine.test ./engine/)
# The kernel set the engine benchmark runs (it reads ALBERTQ_KERNELS too): a
# set this CPU cannot run stops the script here, with albertq's message.
INFO="$(cd "$ROOT" && go run ./cmd/albertq info --json)"
KERNELS="$(printf '%s' "$INFO" | "$PY" -c 'import json, sys
d = json.load(sys.stdin)
print("%s (int8 %s, fp32 %s)" % (d["chosen"], d["ops"]["int8"], d["ops"]["fp32"]))')"
echo "albertq kernels: $KERNELS" >&2
if [ -n "${ORT_ISA:-}" ]; then
	KERNELS="$KERNELS; ONNX Runtime's MLAS on its $ORT_ISA path"
fi
dtypes="$(echo $DTYPES | tr ' ' '|')" threads="$(echo $THREADS | tr ' ' '|')"
for round in $(seq "$ROUNDS"); do
	echo "round $round/$ROUNDS: albertq" >&2
	# The batches (8×128, mixed) take a second a call: at least BATCHCALLS
	# calls each, as the anchors take at least 3, rather than BENCHTIME's one.
	(cd "$ROOT/engine" &&
		/tmp/albertq-engine.test -test.run '^$' -test.bench "Forward/($dtypes)/1x[0-9]+/t($threads)\$" -test.benchtime "$BENCHTIME" &&
		/tmp/albertq-engine.test -test.run '^$' -test.bench "Forward/($dtypes)/(8x128|mixed)/t($threads)\$" -test.benchtime "$BATCHCALLS"x) |
		awk -v round="$round" '/^BenchmarkForward/ {
			split($1, p, "/"); sub(/-[0-9]+$/, "", p[4]); sub(/^t/, "", p[4])
			for (i = 3; i < NF; i++) if ($(i+1) == "ns/op") ms = $i / 1e6; else if ($(i+1) == "cpu-ms/op") cpu = $i; else if ($(i+1) == "min-ms") lo = $i; else if ($(i+1) == "median-ms") md = $i
			printf "{\"bench\":\"albertq\",\"round\":%d,\"dtype\":\"%s\",\"shape\":\"%s\",\"threads\":%d,\"mean_ms\":%.3f,\"median_ms\":%.3f,\"min_ms\":%.3f,\"cpu_ms\":%.3f}\n", round, p[2], p[3], p[4], ms, md, lo, cpu
		}' >> "$OUT"
	if [ "$have_ort" = 1 ]; then
		echo "round $round/$ROUNDS: ONNX Runtime" >&2
		node "$ANCHORS/albert_anchor.mjs" --models fp32,int8 --configs 1x16,1x64,1x128,1x256,8x128 2>/dev/null |
			grep '"bench":"albert"' | sed "s/^{/{\"round\":$round,/" >> "$OUT"
	fi
done

"$PY" - "$OUT" "$KERNELS" <<'PYEOF'
# Medians over rounds of each engine's median call, the figure ORT's anchors
# report. The machine is shared, so the fastest call of each (min) is
# compared too: it is the least disturbed by other jobs.
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ours, ort = {}, {}
for r in rows:
    if r["bench"] == "albertq":
        ours.setdefault((r["dtype"], r["shape"], r["threads"]), []).append(r)
    elif r["bench"] == "albert" and "median_ms" in r:
        ort.setdefault((r["impl"].replace("ort_", ""), "%dx%d" % (r["B"], r["S"])), []).append(r)
med = lambda rs, k: statistics.median(r[k] for r in rs) if rs else None
tokens = {"1x16": 16, "1x64": 64, "1x128": 128, "1x256": 256, "8x128": 1024, "mixed": 576}
print("albertq kernels: %s\n" % sys.argv[2])
ortkind = {"i8": "int8", "f32": "fp32", "f16": None}
print("| dtype | shape | threads | albertq median ms | min ms | mean ms | cpu ms | tokens/s (median) | ORT median ms | ORT min ms | ratio (median) | ratio (min) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for (dt, shape, th), rs in sorted(ours.items(), key=lambda kv: (kv[0][0], list(tokens).index(kv[0][1]), kv[0][2])):
    md, lo, mean, cpu = med(rs, "median_ms"), med(rs, "min_ms"), med(rs, "mean_ms"), med(rs, "cpu_ms")
    # "mixed" is compared with ORT on the batch padded to its longest: 8x128.
    o = ort.get((ortkind[dt], "8x128" if shape == "mixed" else shape), []) if ortkind[dt] and th == 1 else []
    om, ol = med(o, "median_ms"), med(o, "min_ms")
    f = lambda v: "%.2f" % v if v else ""
    print("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.0f | %s | %s | %s | %s |" % (dt, shape, th, md, lo, mean, cpu, tokens[shape] / md * 1e3,
          f(om), f(ol), f(om and md / om), f(ol and lo / ol)))
for dt in ("i8", "f16", "f32"):
    one, two = ours.get((dt, "8x128", 1)), ours.get((dt, "8x128", 2))
    if one and two:
        print("%s 8x128, 2 threads vs 1 (tokens/s): %.2fx by median, %.2fx by min" % (dt,
              med(one, "median_ms") / med(two, "median_ms"), med(one, "min_ms") / med(two, "min_ms")))
PYEOF
