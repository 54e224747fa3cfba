#!/usr/bin/env bash
# Performance figures for the README: fupin against floors measured in the
# same run. Usage: benches/run.sh [HOUSEHOLDS] (default 1000000).
# BENCH_REUSE=1 measures again on the town a previous run generated.
set -euo pipefail
n=${1:-1000000}
villages=$(( n / 1000 > 8 ? n / 1000 : 8 ))
dir=${BENCH_DIR:-/tmp/fupin-bench-$n}
cargo build --release --quiet
cargo build --release --quiet --bench floor
floor=$(ls -t target/release/deps/floor-* | grep -v '\.d$' | head -1)
bin=target/release/fupin
if [ -z "${BENCH_REUSE:-}" ] || [ ! -d "$dir/applications" ]; then
  rm -rf "$dir"
  "$bin" --quiet demo "$dir" --villages "$villages" --households "$n" --no-run
fi
du -sh "$dir/applications"
t() { /usr/bin/time -f "%e s, peak %M KB" "$@"; }
echo "== import"
t "$floor" import "$dir"
t "$bin" -C "$dir" --quiet import || true
echo "== screen"
"$bin" -C "$dir" --quiet survey || true
t "$bin" -C "$dir" --quiet screen --provisional || true
t "$floor" screen "$dir"
