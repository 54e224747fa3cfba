#!/usr/bin/env bash
# County batch figure for the README: `fupin run` over a demo county with
# --jobs 1 and --jobs 2 in the same session.
# Usage: benches/county.sh [TOWNS] [HOUSEHOLDS] (default 20 towns, 200000 households).
set -euo pipefail
towns=${1:-20}
n=${2:-200000}
dir=${BENCH_DIR:-/tmp/fupin-county-$n}
cargo build --release --quiet
bin=$PWD/target/release/fupin
rm -rf "$dir"
"$bin" --quiet demo "$dir" --towns "$towns" --villages $(( towns * 10 )) --households "$n" --clean
t() { /usr/bin/time -f "%e s wall, %U s user, peak %M KB" "$@"; }
for jobs in 1 2 1 2; do
  find "$dir" -mindepth 2 -maxdepth 2 -name out -type d -exec rm -rf {} +
  rm -f "$dir"/county-summary.*
  echo "== run --jobs $jobs"
  t "$bin" --quiet run "$dir" --jobs "$jobs"
done
