#!/usr/bin/env bash
# Search index benchmark: builds a generated site and reports the index's
# size, its shards and the bytes a browser fetches for typical queries.
#
#   bench/search.sh [PAGES]          default: 10000
#
# Environment: SEED, BENCH_DIR, NO_BUILD and CARGO_TARGET_DIR as for run.sh.
# Exits 1 if a one-word query in the set loads more than 100 KB.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
PAGES=${1:-10000}
[[ $PAGES =~ ^[0-9]+$ ]] || { echo "usage: bench/search.sh [PAGES]" >&2; exit 2; }
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/fireside-bench}
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/fireside

if [ "${NO_BUILD:-}" != 1 ]; then
    cargo build --release
fi
mkdir -p "$BENCH_DIR"
site=$BENCH_DIR/site-$PAGES-seed$SEED
out=$BENCH_DIR/search-out-$PAGES-seed$SEED
gen_hash=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:12])' bench/generate.py)
stamp="pages=$PAGES seed=$SEED generator=$gen_hash"
if [ ! -f "$site/.bench-generated" ] || [ "$(head -n1 "$site/.bench-generated")" != "$stamp" ]; then
    echo "== generating $site"
    python3 bench/generate.py "$site" --pages "$PAGES" --seed "$SEED" >/dev/null
fi
echo "== building $site"
"$BIN" build "$site" -o "$out" --now 2026-11-24T12:00:00Z
echo
node bench/search.mjs "$out"
