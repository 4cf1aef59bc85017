#!/usr/bin/env bash
# Where `albertq serve` spends its CPU under load: a perf profile (Linux perf,
# `perf record -g`) of the embedded default model's server while vegeta sends
# the load test's short texts to /embed from CLIENTS concurrent clients for
# SECONDS. Prints each part of a request as its share of the server's CPU
# and as µs a request: the forward pass (with its pooler and classifier
# head), HTTP reading and parsing, tokenizing, the JSON answer, writing,
# the log line, metrics, malloc, GC and the Go scheduler. Arguments after
# the first two go to `albertq serve` (e.g. --max-batch-tokens 1: batching
# off). The shares overlap: malloc, for one, happens inside the others.
#
# Usage: scripts/profile-server.sh [CLIENTS [SECONDS [SERVE ARGS...]]]
#   (64 clients and 8 s unless told)
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${1:-64} seconds=${2:-8}
shift $(($# < 2 ? $# : 2))
command -v perf >/dev/null || { echo "$0: needs perf (Debian: apt-get install linux-perf)" >&2; exit 1; }

. scripts/serve-common.sh
install_vegeta
start_server profiled "$@"
embed_targets "$addr" >"$work/targets"
attack() { "$vegeta" attack -format=json -targets="$work/targets" -rate=0 -workers="$clients" -max-workers="$clients" -duration="$1s"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }

attack 1 >/dev/null # warm-up
before=$(cpu_ticks)
perf record -F 2000 -g -p "$pid" -o "$work/perf.data" -- sleep "$seconds" 2>/dev/null &
recording=$!
attack "$seconds" | "$vegeta" report -type=json >"$work/report.json"
wait $recording
ms=$(echo "$before $(cpu_ticks) $(jq '.requests * .success' "$work/report.json") $(getconf CLK_TCK)" |
  awk '{ print ($2 - $1) * 1000 / $4 / $3 }')
jq -r --arg c "$clients" --arg ms "$ms" \
  '"\($c) clients: \(.throughput | floor) texts/s, p50 \(.latencies["50th"] / 1e4 | round / 100) ms, p99 \(.latencies["99th"] / 1e4 | round / 100) ms, server CPU \($ms | tonumber * 1000 | round / 1000) ms a request"' \
  "$work/report.json"
stop_servers

perf report -i "$work/perf.data" --children --sort sym -g none 2>/dev/null | grep '%' | grep -v '^#' >"$work/children.txt"
while IFS='|' read -r label symbol; do
  awk -v label="$label" -v sym="$symbol" -v ms="$ms" '
    $4 == sym { share = $1 + 0 }
    END { printf "%-46s %5.1f%% %6.0f µs\n", label, share, share * ms * 10 }' "$work/children.txt"
done <<'PARTS'
forward pass|github.com/albertq/albertq/engine.(*Model).run
  of which the pooler|github.com/albertq/albertq/engine.(*Model).poolerOutput
  of which the classifier head|github.com/albertq/albertq/engine.(*classifierHead).apply
net/http connection, handler included|net/http.(*conn).serve
  reading the request (HTTP)|net/http.(*conn).readRequest
  handler (Server.ServeHTTP)|github.com/albertq/albertq/serve.(*Server).ServeHTTP
    reading the body (JSON)|github.com/albertq/albertq/serve.readBody
    tokenizing|github.com/albertq/albertq/serve.(*Server).encode
    queueing (batcher.submit)|github.com/albertq/albertq/serve.(*batcher).submit
    pooling|github.com/albertq/albertq/engine.(*Model).PoolSequence
    the answer (JSON, headers, body)|github.com/albertq/albertq/serve.(*Server).write
      of which JSON|encoding/json.Marshal
    log line and metrics|github.com/albertq/albertq/serve.(*Server).finish
      of which metrics|github.com/albertq/albertq/serve.(*metrics).observeRequest
  flushing the answer|net/http.(*response).finishRequest
malloc, everywhere|runtime.mallocgc
GC background workers|runtime.gcBgMarkWorker
Go scheduler|runtime.schedule
system calls|entry_SYSCALL_64_after_hwframe
PARTS
