#!/usr/bin/env bash
# Build-time benchmark for Fireside.
#
#   bench/run.sh [PAGES...]          default: 1000 10000
#
# For each size: generate a synthetic site (bench/generate.py), then run
# `fireside build` three times: one cold build (no .fireside-cache, no output
# folder) and two warm builds (cache and output kept). Each run reports wall
# time, pages per second (index.html files in the output) and peak RSS.
# Ends with a Markdown table to paste into a note.
#
# Environment:
#   SEED=1                 generator seed
#   BENCH_DIR=...          where sites and outputs go (default ${TMPDIR:-/tmp}/fireside-bench)
#   NO_BUILD=1             skip `cargo build --release` (use the existing binary)
#   CARGO_TARGET_DIR       honoured when locating the binary
set -euo pipefail

cd "$(dirname "$0")/.."   # the repository root
ROOT=$PWD

SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/fireside-bench}
NOW=2026-11-24T12:00:00Z   # fixed "now": upcoming/past split is the same every run
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/fireside

if [ $# -gt 0 ]; then PAGES=("$@"); else PAGES=(1000 10000); fi
for n in "${PAGES[@]}"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "usage: bench/run.sh [PAGES...]  ('$n' is not a number)" >&2; exit 2; }
done

if [ "${NO_BUILD:-}" != 1 ]; then
    echo "== cargo build --release"
    cargo build --release
fi
[ -x "$BIN" ] || { echo "error: $BIN not found" >&2; exit 1; }
mkdir -p "$BENCH_DIR"

# The generator stamps each site with its parameters and its own hash; a site
# is reused only if both match, so editing generate.py regenerates.
gen_hash=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:12])' bench/generate.py)

rows=()
for n in "${PAGES[@]}"; do
    site=$BENCH_DIR/site-$n-seed$SEED
    out=$BENCH_DIR/out-$n-seed$SEED
    stamp="pages=$n seed=$SEED generator=$gen_hash"
    echo
    if [ -f "$site/.bench-generated" ] && [ "$(head -n1 "$site/.bench-generated")" = "$stamp" ]; then
        echo "== $n pages: reusing $site"
    else
        echo "== $n pages: generating $site"
        python3 bench/generate.py "$site" --pages "$n" --seed "$SEED" >/dev/null
    fi
    summary=$(sed -n 2p "$site/.bench-generated")
    echo "   $summary"
    mb=$(sed -E 's/.*markdown_mb=([0-9.]+).*/\1/' <<<"$summary")

    # Cold: nothing left from an earlier build, neither cache nor output.
    # The cache is kept beside the site, so that deleting it makes a cold build.
    export FIRESIDE_CACHE_DIR="$site/.fireside-cache"
    rm -rf "$site/.fireside-cache" "$out"
    for run in cold warm warm; do
        log=$BENCH_DIR/build-$n-$run.log
        metrics=$BENCH_DIR/measure.txt
        if ! python3 bench/measure.py -o "$metrics" -- \
                "$BIN" build "$site" -o "$out" --now "$NOW" >"$log" 2>&1; then
            echo "   $run build FAILED; last lines of $log:" >&2
            tail -n 30 "$log" >&2
            exit 1
        fi
        wall=$(awk -F= '$1 == "wall_s" { print $2 }' "$metrics")
        rss=$(awk -F= '$1 == "maxrss_mb" { printf "%.0f", $2 }' "$metrics")
        html=$(find "$out" -type f -name index.html | wc -l | tr -d ' ')
        rate=$(awk -v p="$html" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? p / w : 0) }')
        wall2=$(awk -v w="$wall" 'BEGIN { printf "%.2f", w }')
        printf '   %-5s %8s s %8s pages/s %7s MB peak RSS  (%s index.html)\n' \
            "$run" "$wall2" "$rate" "$rss" "$html"
        rows+=("| $n ($mb MB) | $run | $wall2 | $rate | $rss | $html |")
    done
done

rev=$(git rev-parse --short HEAD 2>/dev/null || echo "no commit")
if [ -n "$(git status --porcelain 2>/dev/null | head -n1)" ]; then rev="$rev + uncommitted changes"; fi
echo
echo "Fireside build benchmark: $rev, $(nproc 2>/dev/null || echo '?') cores, $(uname -sm), $(date -u +%Y-%m-%d), seed $SEED"
echo
echo "| Markdown pages | run | wall (s) | pages/s | peak RSS (MB) | HTML pages |"
echo "|---|---|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Targets at 10,000 pages: cold build <= 7 s, warm rebuild <= 2 s, peak RSS < 750 MB."
echo "Reference (same machine class): Hugo 21.7 s / 3 GB, Zola 36.7 s / 1.7 GB."
