#!/usr/bin/env bash
# Cross-node fan-out: two published relays sharing one redis-server; hosts connect to node A, their
# viewers to node B, so every delivery crosses the Redis backplane. Runs the fanout scenario $RUNS
# times (each against fresh nodes and a fresh redis) and appends the RESULT lines to
# bench/results/cross-node.jsonl.  Needs redis-server on PATH (apt: redis-server).
#   bench/cross-node.sh                    # default load
#   bench/cross-node.sh --rate 40          # extra fanout options
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"
PORT_A="${PORT_A:-3100}"
PORT_B="${PORT_B:-3101}"
REDIS_PORT="${REDIS_PORT:-6391}"
BENCH_DLL="${BENCH_DLL:-bench/SfaMirror.Bench/bin/Release/net10.0/SfaMirror.Bench.dll}"
# The Native AOT relay, or with SERVER_DLL set a framework-dependent JIT build run with dotnet (as in with-server.sh).
if [[ -n "${SERVER_DLL:-}" ]]; then server_cmd=(dotnet "$SERVER_DLL"); else server_cmd=("${SERVER_EXE:-out/SfaMirror.Server}"); fi
OUT=bench/results/cross-node.jsonl
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
: >"$OUT"

wait_port() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

for i in $(seq 1 "$RUNS"); do
  echo "== cross-node run $i" >&2
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >/tmp/sfa-bench-redis.log 2>&1 &
  redis=$!
  wait_port "$REDIS_PORT"
  PORT="$PORT_A" Relay__Redis="127.0.0.1:$REDIS_PORT" "${server_cmd[@]}" >/tmp/sfa-bench-node-a.log 2>&1 &
  a=$!
  PORT="$PORT_B" Relay__Redis="127.0.0.1:$REDIS_PORT" "${server_cmd[@]}" >/tmp/sfa-bench-node-b.log 2>&1 &
  b=$!
  trap 'kill $a $b $redis 2>/dev/null; wait $a $b $redis 2>/dev/null || true' EXIT
  wait_port "$PORT_A"; wait_port "$PORT_B"
  dotnet "$BENCH_DLL" fanout --warmup "${WARMUP:-12}" "$@" --url "ws://127.0.0.1:$PORT_A/" --server-pid "$a" \
      --viewer-url "ws://127.0.0.1:$PORT_B/" --viewer-server-pid "$b" --backplane-pid "$redis" \
    | tee -a /dev/stderr | sed -n 's/^RESULT //p' >>"$OUT"
  kill "$a" "$b"; wait "$a" "$b" 2>/dev/null || true
  kill "$redis"; wait "$redis" 2>/dev/null || true
  trap - EXIT
  sleep 1
done
