#!/usr/bin/env bash
# Build-time benchmark for Fireside, against Hugo when it is installed.
#
#   bench/run.sh [PAGES...]          default: 1000 10000
#   ROUNDS=1 HUGO=0 PREVIEW=0 bench/run.sh 100000    the scale run: one cold build
#
# For each size: generate a synthetic site (bench/generate.py), then, ROUNDS
# times, alternating the tools so that a change in the machine's load hits
# both alike:
#   - Fireside cold (no highlight cache, no output folder), then warm twice
#     (cache and previous output kept, the input unchanged; WARM runs, by
#     default 2, and 0 from 100,000 pages: the scale run is one cold build);
#   - Hugo (`hugo` on PATH; bench/hugo_site.py points a minimal Hugo site at
#     the same content), cold (no output, no cache dir) and warm (kept).
# Each run reports wall time, CPU time (user + system), peak RSS, the output's
# size and its largest HTML page; the table gives medians over the rounds,
# and Fireside / Hugo ratios. Then bench/serve.py measures the preview's
# edit-to-visible latency (PREVIEW=0 skips it).
#
# Environment:
#   SEED=1                 generator seed
#   ROUNDS=3               alternated rounds per size (medians are reported)
#   BENCH_DIR=...          where sites and outputs go (default: a tmpfs,
#                          /dev/shm/fireside-bench, when there is one; else
#                          ${TMPDIR:-/tmp}/fireside-bench). Said in the output.
#   NO_BUILD=1             skip `cargo build --release` (use the existing binary)
#   HUGO=0                 leave Hugo out even when installed
#   PREVIEW=0              skip the preview latencies (bench/serve.py)
#   WARM=n                 warm builds after each cold one (default 2; 0 from
#                          100,000 pages)
#   CARGO_TARGET_DIR       honoured when locating the binary
set -euo pipefail

cd "$(dirname "$0")/.."   # the repository root
ROOT=$PWD

SEED=${SEED:-1}
ROUNDS=${ROUNDS:-3}
if [ -z "${BENCH_DIR:-}" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
        BENCH_DIR=/dev/shm/fireside-bench
    else
        BENCH_DIR=${TMPDIR:-/tmp}/fireside-bench
    fi
fi
mkdir -p "$BENCH_DIR"
FS_TYPE=$(stat -f -c %T "$BENCH_DIR" 2>/dev/null || echo unknown)
NOW=2026-11-24T12:00:00Z   # fixed "now": upcoming/past split is the same every run
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/fireside
HUGO_BIN=""
if [ "${HUGO:-1}" != 0 ] && command -v hugo >/dev/null 2>&1; then HUGO_BIN=$(command -v hugo); fi

if [ $# -gt 0 ]; then PAGES=("$@"); else PAGES=(1000 10000); fi
for n in "${PAGES[@]}"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "usage: bench/run.sh [PAGES...]  ('$n' is not a number)" >&2; exit 2; }
done

if [ "${NO_BUILD:-}" != 1 ]; then
    echo "== cargo build --release"
    cargo build --release
fi
[ -x "$BIN" ] || { echo "error: $BIN not found" >&2; exit 1; }
echo "== output on $BENCH_DIR ($FS_TYPE$([ "$FS_TYPE" = tmpfs ] && echo ': a tmpfs, so disk speed is left out' || echo ': not a tmpfs, so disk speed counts'))"
[ -n "$HUGO_BIN" ] && echo "== Hugo: $("$HUGO_BIN" version | head -n1)" || echo "== Hugo: not installed (apt-get install hugo), left out"

# The generator stamps each site with its parameters and its own hash; a site
# is reused only if both match, so editing generate.py regenerates.
gen_hash=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:12])' bench/generate.py)

# measure TOOL-RUN LOG CMD...: runs CMD under measure.py; appends
# "tool run wall cpu rss size_mb largest_kb" to $results.
results=$BENCH_DIR/results.txt
: >"$results"
measure() {
    local label=$1 log=$2 out=$3; shift 3
    local metrics=$BENCH_DIR/measure.txt
    if ! python3 bench/measure.py -o "$metrics" -- "$@" >"$log" 2>&1; then
        echo "   $label FAILED; last lines of $log:" >&2
        tail -n 30 "$log" >&2
        exit 1
    fi
    local wall cpu rss size largest
    wall=$(awk -F= '$1 == "wall_s" { print $2 }' "$metrics")
    cpu=$(awk -F= '$1 == "cpu_s" { print $2 }' "$metrics")
    rss=$(awk -F= '$1 == "maxrss_mb" { printf "%.0f", $2 }' "$metrics")
    size=$(du -sm "$out" | cut -f1)
    largest=$(find "$out" -type f -name '*.html' -printf '%s\n' | sort -n | tail -n1 | awk '{ printf "%.0f", $1 / 1024 }')
    local largest_path over
    largest_path=$(find "$out" -type f -name '*.html' -printf '%s %P\n' | sort -n | tail -n1 | cut -d' ' -f2-)
    over=$(find "$out" -type f -name '*.html' -size +300k | wc -l)
    printf '   %-14s %7.2f s wall %7.2f s CPU %6s MB peak RSS %6s MB output, largest HTML %s KB (%s), %s over 300 KB\n' \
        "$label" "$wall" "$cpu" "$rss" "$size" "$largest" "$largest_path" "$over"
    echo "$label $wall $cpu $rss $size $largest" >>"$results"
}

for n in "${PAGES[@]}"; do
    site=$BENCH_DIR/site-$n-seed$SEED
    out=$BENCH_DIR/out-$n-seed$SEED
    stamp="pages=$n seed=$SEED generator=$gen_hash"
    echo
    if [ -f "$site/.bench-generated" ] && [ "$(head -n1 "$site/.bench-generated")" = "$stamp" ]; then
        echo "== $n pages: reusing $site"
    else
        echo "== $n pages: generating $site"
        rm -rf "$site"
        python3 bench/generate.py "$site" --pages "$n" --seed "$SEED" >/dev/null
    fi
    echo "   $(sed -n 2p "$site/.bench-generated")"
    export FIRESIDE_CACHE_DIR="$BENCH_DIR/cache-$n"
    hugo_site=$BENCH_DIR/hugo-$n-seed$SEED
    [ -n "$HUGO_BIN" ] && python3 bench/hugo_site.py "$site" "$hugo_site"
    for round in $(seq "$ROUNDS"); do
        echo "   -- round $round"
        # Cold: nothing left from an earlier build, neither cache nor output.
        rm -rf "$FIRESIDE_CACHE_DIR" "$out"
        warm=${WARM:-$([ "$n" -ge 100000 ] && echo 0 || echo 2)}
        runs=(cold)
        for _ in $(seq "$warm"); do runs+=(warm); done
        for run in "${runs[@]}"; do
            measure "$n fireside-$run" "$BENCH_DIR/build-$n-$run.log" "$out" \
                "$BIN" build "$site" -o "$out" --now "$NOW" --cache-dir "$FIRESIDE_CACHE_DIR"
        done
        if [ -n "$HUGO_BIN" ]; then
            rm -rf "$BENCH_DIR/hugo-out-$n" "$BENCH_DIR/hugo-cache-$n"
            for run in cold warm; do
                measure "$n hugo-$run" "$BENCH_DIR/hugo-$n-$run.log" "$BENCH_DIR/hugo-out-$n" \
                    "$HUGO_BIN" --quiet -s "$hugo_site" -d "$BENCH_DIR/hugo-out-$n" --cacheDir "$BENCH_DIR/hugo-cache-$n"
            done
        fi
    done
done

rev=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ -n "$(git status --porcelain 2>/dev/null | head -n1)" ]; then rev="$rev + uncommitted changes"; fi
echo
echo "Fireside build benchmark: $rev, $(nproc 2>/dev/null || echo '?') cores, $(uname -sm), $(date -u +%Y-%m-%d), seed $SEED, medians of $ROUNDS rounds, output on $FS_TYPE, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo
python3 - "$results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    n, tool, *vals = line.split()
    rows.setdefault((int(n), tool), []).append([float(v) for v in vals])
print("| pages | run | wall (s) | CPU (s) | peak RSS (MB) | output (MB) | largest HTML (KB) | Hugo / Fireside wall |")
print("|---:|---|---:|---:|---:|---:|---:|---:|")
med = {k: [statistics.median(col) for col in zip(*v)] for k, v in rows.items()}
for (n, tool), m in sorted(med.items()):
    ratio = ""
    if tool.startswith("fireside-"):
        hugo = med.get((n, "hugo-" + tool.split("-")[1]))
        if hugo and m[0] > 0:
            ratio = f"{hugo[0] / m[0]:.1f}x"
    print(f"| {n} | {tool} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.0f} | {m[3]:.0f} | {m[4]:.0f} | {ratio} |")
EOF
echo
echo "Goals at 10,000 pages (issue 11): cold <= 6 s, warm <= 1.8 s, peak RSS <= 500 MB, no HTML page over 300 KB."

if [ "${PREVIEW:-1}" != 0 ]; then
    echo
    echo "== preview latency (bench/serve.py, a save every second)"
    NO_BUILD=1 BENCH_DIR=$BENCH_DIR SEED=$SEED EDITS=${EDITS:-10} python3 bench/serve.py "${PAGES[@]}"
fi
