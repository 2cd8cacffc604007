#!/usr/bin/env bash
# Draws docs/img/latency-vs-load.png (from the --find-max --keep-going sweep) and docs/img/memory-vs-connections.png
# (from the idle runs at 500..4000 connections) out of bench/results/*.jsonl. Needs gnuplot
# (Debian: apt-get install -y gnuplot-nox) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
R=bench/results
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

python3 - "$R" "$TMP" <<'PY'
import json, statistics, sys, os
r, tmp = sys.argv[1], sys.argv[2]
# Latency vs load: every step of the sweep (find-max that keeps going past the 50 ms bound), one line per run.
with open(os.path.join(tmp, "load.dat"), "w") as out:
    for i, line in enumerate(l for l in open(os.path.join(r, "sweep.jsonl")) if l.strip()):
        run = json.loads(line)
        out.write(f"# run {i + 1}\n")
        for s in run["steps"]:
            offered = s["rate_per_host"] * s["sessions"] * s["viewers"]
            out.write(f'{offered} {s["p50_ms"] or 0} {s["p99_ms"] or 0} {s["p999_ms"] or 0} {s["deliveries_per_s"]}\n')
        out.write("\n\n")
# Memory vs connections: median of the runs at each size.
with open(os.path.join(tmp, "mem.dat"), "w") as out:
    for n in (500, 1000, 2000, 4000):
        path = os.path.join(r, f"idle-{n}.jsonl")
        if not os.path.exists(path):
            continue
        rows = [json.loads(l) for l in open(path) if l.strip()]
        delta = statistics.median((x["rss_after_kib"] - x["rss_before_kib"]) / 1024 for x in rows)
        per = statistics.median(x["kib_per_connection"] for x in rows)
        out.write(f"{n} {delta:.2f} {per:.2f}\n")
PY

gnuplot <<GP
set terminal pngcairo size 900,520 font "sans,10"
set output "docs/img/latency-vs-load.png"
set title "Fan-out latency vs load (400 sessions x 1 host + 3 viewers, ~1 KB updates; --find-max --keep-going sweep)"
set xlabel "offered deliveries per second (rate x sessions x viewers)"
set yrange [0.1:*]
set ylabel "end-to-end latency (ms)"
set logscale y
set grid
set key top left
set arrow from graph 0, first 50 to graph 1, first 50 nohead dt 2 lc rgb "red"
set label "50 ms" at graph 0.01, first 60 tc rgb "red"
plot for [i=0:0] "$TMP/load.dat" index i using 1:2 with linespoints pt 7 lc 1 title (i==0 ? "p50" : ""), \
     for [i=0:0] "$TMP/load.dat" index i using 1:3 with linespoints pt 5 lc 2 title (i==0 ? "p99" : ""), \
     for [i=0:0] "$TMP/load.dat" index i using 1:4 with linespoints pt 9 lc 3 title (i==0 ? "p99.9" : "")

set output "docs/img/memory-vs-connections.png"
set title "Server resident memory added by idle, joined connections (median of 3, fresh server each)"
unset logscale y
unset arrow
unset label
set xlabel "connections"
set ylabel "RSS added (MiB)"
set y2label "KiB per connection"
set ytics nomirror
set y2tics
set y2range [0:*]
set yrange [0:*]
plot "$TMP/mem.dat" using 1:2 with linespoints pt 7 lw 2 title "RSS added (MiB)", \
     "$TMP/mem.dat" using 1:3 axes x1y2 with linespoints pt 5 lw 2 title "KiB per connection"
GP
echo "wrote docs/img/latency-vs-load.png docs/img/memory-vs-connections.png"
