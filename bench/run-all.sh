#!/usr/bin/env bash
# Publishes the relay in Release (Native AOT: out/SfaMirror.Server, needs clang), then runs every scenario
# 3 times, each against a freshly started server, and prints the median of each figure. Raw lines go to
# bench/results/<scenario>.jsonl.
#   bench/run-all.sh            # everything (about 15 minutes)
#   bench/run-all.sh fanout     # some scenarios: fanout find-max sweep idle idle-sweep churn connect-storm startup floor
#   SERVER_DLL=out/jit/SfaMirror.Server.dll bench/run-all.sh fanout   # the JIT build (ReadyToRun) instead
# Then bench/charts.sh draws docs/img/*.png from bench/results.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-3}"
export PORT="${PORT:-3100}"
OUT="${OUT:-bench/results}"
mkdir -p "$OUT"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

SERVER="${SERVER_DLL:-${SERVER_EXE:-out/SfaMirror.Server}}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  if [[ -n "${SERVER_DLL:-}" ]]; then
    dotnet publish src/SfaMirror.Server -c Release -r linux-x64 -p:PublishAot=false --self-contained false -o "$(dirname "$SERVER")" -v quiet -nologo
  else
    command -v clang >/dev/null || { echo "Native AOT needs clang (apt-get install clang); or set SERVER_DLL for the JIT build" >&2; exit 1; }
    dotnet publish src/SfaMirror.Server -c Release -r linux-x64 -o "$(dirname "$SERVER")" -v quiet -nologo
  fi
  dotnet build bench/SfaMirror.Bench -c Release -v quiet -nologo
fi

quiet_tcp() { # waits (up to 70 s) until loopback TIME_WAIT sockets from earlier runs have expired
  # Every churn cycle leaves two TIME_WAIT sockets; tens of thousands of them make each connect() search
  # longer for a free port, and a churn run right after another measured up to a third fewer cycles/s.
  for _ in $(seq 1 70); do
    [[ $(ss -H -t state time-wait | wc -l) -lt 2000 ]] && return
    sleep 1
  done
}

run() { # name, then bench arguments; appends the RESULT json of each run
  local name=$1; shift
  : >"$OUT/$name.jsonl"
  for i in $(seq 1 "$RUNS"); do
    quiet_tcp
    echo "== $name run $i: $*" >&2
    bench/with-server.sh "$@" | tee -a /dev/stderr | sed -n 's/^RESULT //p' >>"$OUT/$name.jsonl"
    sleep 1
  done
}

startup() {
  : >"$OUT/startup.jsonl"
  for i in $(seq 1 "$RUNS"); do
    dotnet bench/SfaMirror.Bench/bin/Release/net10.0/SfaMirror.Bench.dll startup --server "$SERVER" --port "$PORT" \
      | tee -a /dev/stderr | sed -n 's/^RESULT //p' >>"$OUT/startup.jsonl"
  done
}

floor() { # no relay: the kernel's cost per 1 KB loopback write, one per message, 64 per write, and with a reader that never sleeps
  local name args
  for variant in "floor:" "floor-batch64:--batch 64" "floor-reader-spins:--reader-spins"; do
    name=${variant%%:*}; args=${variant#*:}
    : >"$OUT/$name.jsonl"
    for i in $(seq 1 "$RUNS"); do
      # shellcheck disable=SC2086
      dotnet bench/SfaMirror.Bench/bin/Release/net10.0/SfaMirror.Bench.dll floor --warmup 2 --duration 8 $args \
        | tee -a /dev/stderr | sed -n 's/^RESULT //p' >>"$OUT/$name.jsonl"
    done
  done
}

median() { # file, then json keys: prints "key: median (all runs)"
  python3 - "$@" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for key in sys.argv[2:]:
    vals = [r.get(key) for r in rows]
    nums = [v for v in vals if isinstance(v, (int, float))]
    med = statistics.median(nums) if nums else None
    print(f"  {key}: {med}   (runs: {vals})")
PY
}

ARGS=("$@")
for SCENARIO in fanout find-max sweep idle idle-sweep churn connect-storm startup floor; do
  [[ ${#ARGS[@]} -eq 0 || " ${ARGS[*]} " == *" $SCENARIO "* ]] || continue
  case $SCENARIO in
    fanout) run fanout fanout --warmup 5 ;;
    find-max) run find-max fanout --find-max --sessions 400 --rate 5 --warmup 3 --duration 5 ;;
    sweep) RUNS=1 run sweep fanout --find-max --keep-going --sessions 400 --rate 15 --max-rate 90 --warmup 2 --duration 4 ;;
    idle) run idle idle --connections 4000 ;;
    idle-sweep) for n in 500 1000 2000 4000; do run "idle-$n" idle --connections "$n"; done ;;
    # 64 workers is the headline (enough cycles in flight to keep the relay busy); 32 is kept beside it.
    churn) run churn churn --workers 64; run churn-32 churn --workers 32 ;;
    connect-storm) run connect-storm connect-storm --connections 5000 ;;
    startup) startup ;;
    floor) floor ;;
  esac
done

echo "== medians of $RUNS runs"
for f in "$OUT"/*.jsonl; do
  echo "$(basename "$f" .jsonl):"
  case $(basename "$f" .jsonl) in
    fanout) median "$f" deliveries_per_s p50_ms p99_ms p999_ms max_ms lost misrouted out_of_order server_us_per_delivery server_cpu_pct generator_cpu_pct generator_saturated loadavg ;;
    find-max|sweep) median "$f" max_deliveries_per_s at_p99_ms generator_saturated_at_max machine_saturated_at_max ;;
    idle*) median "$f" kib_per_connection rss_before_kib rss_after_kib ;;
    churn*) median "$f" cycles_per_s server_us_per_cycle server_cpu_pct generator_cpu_pct errors ;;
    connect-storm) median "$f" joined all_joined_ms p99_join_ms max_join_ms syn_drops ;;
    startup) median "$f" startup_ms cpu_ms_at_ready rss_at_ready_kib ;;
    floor*) median "$f" messages_per_s writer_us_per_message reader_us_per_message ;;
    cross-node*) median "$f" deliveries_per_s p50_ms p99_ms p999_ms lost server_us_per_delivery backplane_us_per_delivery server_cpu_pct backplane_cpu_pct generator_cpu_pct loadavg ;;
  esac
done
