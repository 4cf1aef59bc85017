# Sourced by the scripts that run `albertq serve` (check-server-clients.sh,
# loadtest-server.sh, profile-server.sh): a temporary directory $work with
# albertq built in it, removed on exit with every server still running.
work=$(mktemp -d)
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/albertq" ./cmd/albertq

# start_server NAME ARGS...: runs `albertq serve --addr 127.0.0.1:0 ARGS` (any
# free loopback port) with its log in $work/NAME.log, and sets $addr to the
# address it logs and $pid to its process id.
start_server() {
  local name=$1
  shift
  "$work/albertq" serve --addr 127.0.0.1:0 "$@" 2>"$work/$name.log" &
  pid=$!
  servers+=($pid)
  for _ in $(seq 1 300); do
    addr=$(grep -o 'msg=listening addr=[^ ]*' "$work/$name.log" | cut -d= -f3 || true)
    [ -n "$addr" ] && return 0
    sleep 0.1
  done
  echo "albertq serve ($name) did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

# stop_servers: SIGTERM to each server, which must drain and exit 0.
stop_servers() {
  local pid status=0
  for pid in "${servers[@]}"; do
    kill -TERM "$pid"
    if ! wait "$pid"; then
      echo "albertq serve (pid $pid) did not exit 0 after SIGTERM" >&2
      status=1
    fi
  done
  servers=()
  return $status
}

# install_vegeta: vegeta (github.com/tsenart/vegeta, the load generator) as
# $vegeta, and jq, which makes its targets and reads its reports.
install_vegeta() {
  command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
  GOBIN="$work" go install github.com/tsenart/vegeta/v12@v12.13.0
  vegeta="$work/vegeta"
}

# embed_targets ADDR: vegeta targets (JSON lines) that POST each of the load
# test's short texts (testdata/loadtest-texts.txt, also what the engine's
# BenchmarkShortTexts and serve's BenchmarkEmbedRequest run) to /embed at
# ADDR, one text a request, taken in turn.
embed_targets() {
  local t body
  while IFS= read -r t; do
    body=$(jq -cn --arg t "$t" '{inputs: $t}' | base64 -w0)
    jq -cn --arg url "http://$1/embed" --arg body "$body" \
      '{method: "POST", url: $url, body: $body, header: {"Content-Type": ["application/json"]}}'
  done <testdata/loadtest-texts.txt
}
