#!/usr/bin/env bash
# Starts a fresh published relay on $PORT, waits until it accepts connections, runs one benchmark
# scenario against it, and stops it again. The relay is the Native AOT executable out/SfaMirror.Server
# (SERVER_EXE), or, with SERVER_DLL set, a framework-dependent JIT build run with dotnet.
#   PORT=3100 bench/with-server.sh fanout --rate 20
#   SERVER_DLL=out/jit/SfaMirror.Server.dll bench/with-server.sh fanout
# Extra server settings pass through the environment (e.g. DOTNET_gcServer=1), or to the server only
# through SERVER_ENV (e.g. SERVER_ENV="DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1").
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-3100}"
if [[ -n "${SERVER_DLL:-}" ]]; then server_cmd=(dotnet "$SERVER_DLL"); else server_cmd=("${SERVER_EXE:-out/SfaMirror.Server}"); fi
BENCH_DLL="${BENCH_DLL:-bench/SfaMirror.Bench/bin/Release/net10.0/SfaMirror.Bench.dll}"
# The load generator opens thousands of connections a second from a few loopback addresses: lift the
# per-address connection rate the relay applies by default (an explicit setting wins).
export Relay__ConnectionsPerAddressPerSecond="${Relay__ConnectionsPerAddressPerSecond:-1000000}"
export Relay__ConnectionBurstPerAddress="${Relay__ConnectionBurstPerAddress:-1000000}"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
PORT="$PORT" env ${SERVER_ENV:-} "${server_cmd[@]}" >"${SERVER_LOG:-/tmp/sfa-bench-server.$PORT.log}" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.05
done
dotnet "$BENCH_DLL" "$@" --url "ws://127.0.0.1:$PORT/" --server-pid "$server"
