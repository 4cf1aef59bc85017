#!/usr/bin/env bash
# Load test of `albertq serve` with vegeta (github.com/tsenart/vegeta, built
# with go install): the embedded default model, single short texts on /embed,
# at 1, 8 and 64 concurrent clients, with dynamic batching on
# (--max-batch-tokens 16384) and off (--max-batch-tokens 1: each forward pass
# takes one request's text). Both servers run side by side and the attacks
# alternate between them round by round, so that a shared machine's changing
# load falls on both alike; each cell is the median over the rounds. Prints a
# Markdown table of texts/s and p50/p99 latency, and the two goals: at 64
# clients batching gives at least 2x the texts/s of one-at-a-time, and p99 at
# 8 clients stays under 3x the single-client p50.
#
# Usage: scripts/loadtest-server.sh [--short]
#   --short  one round of 1 s per cell instead of three of 5 s (a smoke test)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=5 warmup=1 rounds=3
case "${1:-}" in
  --short) seconds=1 warmup=1 rounds=1 ;;
  "") ;;
  *) echo "usage: $0 [--short]" >&2; exit 2 ;;
esac
. scripts/serve-common.sh
install_vegeta

# serve MODE ARGS...: a server for MODE (on, off), with vegeta targets for
# it in $work/MODE.targets.
serve() {
  local mode=$1
  shift
  start_server "$mode" "$@"
  eval "pid_$mode=$pid"
  embed_targets "$addr" >"$work/$mode.targets"
}

# attack MODE CLIENTS SECONDS: as many requests as CLIENTS workers can send.
attack() {
  "$vegeta" attack -format=json -targets="$work/$1.targets" -rate=0 -workers="$2" -max-workers="$2" -duration="$3s" -timeout=30s
}

# cpu_ticks MODE: the CPU time its server has used, in clock ticks (Linux).
cpu_ticks() { local pid="pid_$1"; awk '{ print $14 + $15 }' "/proc/${!pid}/stat" 2>/dev/null || echo 0; }

# median of the numbers on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

serve on --max-batch-tokens 16384
serve off --max-batch-tokens 1
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
echo "CPU: ${cpu:-unknown}, $(nproc) cores; $("$work/albertq" info | sed -n 's/^int8 *\([^ ]*\).*/int8 kernel \1/p'); $rounds round(s) of ${seconds} s per cell; load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
echo
echo "| clients | batching | texts/s | p50 ms | p99 ms | server CPU ms/text | success |"
echo "|---|---|---|---|---|---|---|"
declare -A rate p50 p99
for clients in 1 8 64; do
  for round in $(seq 1 "$rounds"); do
    for mode in on off; do
      attack $mode "$clients" "$warmup" >/dev/null
      before=$(cpu_ticks $mode)
      attack $mode "$clients" "$seconds" | "$vegeta" report -type=json >"$work/$mode.$clients.$round.json"
      # CPU per text: a load-independent measure of the work batching saves.
      echo "$before $(cpu_ticks $mode) $(jq '.requests * .success' "$work/$mode.$clients.$round.json") $(getconf CLK_TCK)" |
        awk '{ print ($3 > 0) ? ($2 - $1) * 1000 / $4 / $3 : 0 }' >"$work/$mode.$clients.$round.cpu"
    done
  done
  for mode in on off; do
    stat() { cat "$work/$mode.$clients".*.json | jq "$1" | median; }
    rate[$mode$clients]=$(stat '.throughput')
    p50[$mode$clients]=$(stat '.latencies["50th"] / 1e6')
    p99[$mode$clients]=$(stat '.latencies["99th"] / 1e6')
    cpu=$(cat "$work/$mode.$clients".*.cpu | median)
    printf '| %d | %s | %.0f | %.1f | %.1f | %.2f | %s%% |\n' "$clients" $mode "${rate[$mode$clients]}" "${p50[$mode$clients]}" "${p99[$mode$clients]}" "$cpu" \
      "$(cat "$work/$mode.$clients".*.json | jq '.success * 100' | sort -g | head -1)"
  done
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
awk -v on="${rate[on64]}" -v off="${rate[off64]}" -v p99="${p99[on8]}" -v p50="${p50[on1]}" 'BEGIN {
  printf "64 clients: batching gives %.2fx the texts/s of one at a time (goal: >= 2x)\n", on / off
  printf "8 clients: p99 %.1f ms is %.2fx the single-client p50 %.1f ms (goal: < 3x)\n", p99, p99 / p50, p50
}'
stop_servers
