#!/usr/bin/env bash
# Interleaved A/B runs of two relay executables: A, B, A, B, ... each on a fresh server, so that the machine's
# drift (±15 % within minutes on the 2-core VM) falls on both builds alike. Appends "A|B {RESULT json}" lines.
#   bench/ab.sh RUNS EXE_A EXE_B OUTFILE scenario [options]
#   bench/ab.sh 6 /tmp/before/SfaMirror.Server out/SfaMirror.Server /tmp/ab.txt fanout --warmup 5
# Build A from another commit with: git worktree add /tmp/before <commit> && dotnet publish /tmp/before/src/SfaMirror.Server -c Release -r linux-x64 -o /tmp/before
set -euo pipefail
cd "$(dirname "$0")/.."
runs=$1 a=$2 b=$3 out=$4; shift 4
quiet_tcp() { # as run-all.sh: churn right after churn is slower while TIME_WAIT sockets pile up
  for _ in $(seq 1 70); do
    [[ $(ss -H -t state time-wait | wc -l) -lt 2000 ]] && return
    sleep 1
  done
}
for _ in $(seq 1 "$runs"); do
  for side in A B; do
    if [[ $side == A ]]; then exe=$a; else exe=$b; fi
    quiet_tcp
    SERVER_EXE="$exe" bench/with-server.sh "$@" | sed -n "s/^RESULT /$side /p" | tee -a "$out"
  done
done
