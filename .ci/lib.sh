# Helpers the .ci scripts source.

# run prints a command, then runs it.
run() {
  printf '+ %s\n' "$*"
  "$@"
}

# timed runs a command and prints how long it took.
timed() {
  local start=$SECONDS
  run "$@"
  printf '  (%ds)\n' $((SECONDS - start))
}

# need installs the Debian packages of the commands that are missing; each
# argument is COMMAND:PACKAGE.
need() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  run $sudo apt-get update
  run $sudo apt-get install -y "${missing[@]}"
}
