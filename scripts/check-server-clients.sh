#!/usr/bin/env bash
# Checks `albertq serve` with the clients people use: OpenAI's official Node
# library (the openai npm package) against /v1/embeddings, and plain HTTP
# (Node's fetch) against /embed, /predict, /rerank, /tokenize, /info, /health
# and /metrics. It builds albertq, installs the openai package into a temporary
# directory, starts two servers on loopback (the embedded debsec model, and the
# one-label reranker testdata/albert-tiny-reranker), runs
# scripts/check-server-clients.cjs against them and stops them with SIGTERM,
# which must end each with exit code 0.
#
# Usage: scripts/check-server-clients.sh [--short]
#   --short  fewer concurrent requests (what .ci/run uses)
set -euo pipefail
cd "$(dirname "$0")/.."
short=0
case "${1:-}" in
  --short) short=1 ;;
  "") ;;
  *) echo "usage: $0 [--short]" >&2; exit 2 ;;
esac

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "installing node and npm (Debian packages)"
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

. scripts/serve-common.sh
(cd "$work" && npm install --silent --no-audit --no-fund openai@6.30.1 >/dev/null)

start_server debsec --api-key test-key --threads 2
debsec=$addr
start_server reranker --api-key test-key --model testdata/albert-tiny-reranker --threads 1
reranker=$addr

status=0
NODE_PATH="$work/node_modules" DEBSEC_URL="http://$debsec" RERANK_URL="http://$reranker" \
  API_KEY=test-key SHORT=$short node scripts/check-server-clients.cjs || status=$?

# SIGTERM: each server drains and exits 0.
stop_servers || status=1
exit $status
