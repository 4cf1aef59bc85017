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

# need_qemu installs qemu-user-static unless every emulator named is there.
need_qemu() {
  local q
  for q in "$@"; do
    command -v "$q" >/dev/null && continue
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    run $sudo apt-get update
    run $sudo apt-get install -y qemu-user-static
    return
  done
}
