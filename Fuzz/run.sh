#!/usr/bin/env bash
# Builds the libFuzzer targets, seeds a work corpus and fuzzes the Parquet reader.
#
#   Fuzz/run.sh [SECONDS] [TARGET]
#
# SECONDS (default 300) of FuzzParquetFile, then SECONDS/5 of FuzzFooter; TARGET (parquet,
# footer or both, default both) picks one. One fuzzing process at a time, run under `nice`.
# Everything generated lives in git-ignored folders under Fuzz/: .build, corpus-work (the
# growing corpora, kept between runs), artifacts (crash-*, timeout-*, oom-* inputs) and logs.
# Exit status: 0 when no target found anything, 1 otherwise.
#
# Environment: PYTHON (default /work/main/.venv-test/bin/python, then python3; needs
# pyarrow for the pyarrow seeds, skipped without it), PARQUET_LAB (default
# ../Tests/Fixtures/parquet-lab),
# FUZZ_FLAGS (extra libFuzzer flags), NICE (default 15).
set -euo pipefail

seconds=${1:-300}
target=${2:-both}
here=$(cd "$(dirname "$0")" && pwd)
nice_level=${NICE:-15}
cd "$here"

echo "== build (release, -sanitize=fuzzer,address)"
nice -n "$nice_level" swift build -c release --scratch-path .build \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library 2>&1 | grep -v '^\[' || true
bin=.build/release
[[ -x $bin/FuzzParquetFile && -x $bin/FuzzFooter ]] || { echo "build failed"; exit 2; }

echo "== seeds"
mkdir -p corpus-work/parquet corpus-work/footer artifacts logs
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/files" "$seeds/footers"
lab=${PARQUET_LAB:-}
for candidate in "$lab" "$here/../Tests/Fixtures/parquet-lab"; do
    if [[ -n $candidate && -d $candidate ]]; then lab=$candidate; break; fi
done
if [[ -d $lab ]]; then
    cp "$lab"/*.parquet "$lab"/files/*.parquet "$seeds/files/" 2>/dev/null || true
fi
EXTRACT_FUZZ_WRITE_SEEDS="$seeds/files" "$bin/FuzzParquetFile" >/dev/null 2>&1 \
    || echo "warning: our writer's seeds were not written"
python=${PYTHON:-/work/main/.venv-test/bin/python}
[[ -x $python ]] || python=python3
if "$python" -c 'import pyarrow' 2>/dev/null; then
    "$python" make_seeds.py "$seeds/files" "$seeds/footers" "$lab"
else
    echo "warning: no pyarrow; pyarrow seeds skipped"
fi
echo "   $(ls "$seeds/files" | wc -l) file seeds, $(ls "$seeds/footers" | wc -l) footer seeds"

found=0
fuzz() {  # name binary corpus seeds seconds max_len
    local name=$1 exe=$2 corpus=$3 seed_dir=$4 secs=$5 max_len=$6
    local log="logs/$name-$(date -u +%Y%m%dT%H%M%SZ).log"
    echo "== fuzz $name for ${secs}s (corpus $corpus: $(ls "$corpus" | wc -l) inputs; log $log)"
    local status=0
    # shellcheck disable=SC2086
    nice -n "$nice_level" "$exe" "$corpus" "$seed_dir" \
        -dict=parquet.dict -max_len="$max_len" -timeout=5 -rss_limit_mb=2048 \
        -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=artifacts/"$name"- \
        ${FUZZ_FLAGS:-} >"$log" 2>&1 || status=$?
    # Summary: the last status line (execs, cov, ft, corpus), speed and any finding.
    grep -E '^#[0-9]+' "$log" | tail -1 || true
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb|slowest_unit_time_sec)' "$log" || true
    if [[ $status -ne 0 ]]; then
        found=1
        echo "!! $name stopped with status $status:"
        grep -E 'ERROR:|SUMMARY:|Fatal error|Test unit written|timeout|out-of-memory' "$log" | head -10
    fi
}

if [[ $target == parquet || $target == both ]]; then
    fuzz parquet "$bin/FuzzParquetFile" corpus-work/parquet "$seeds/files" "$seconds" 131072
fi
if [[ $target == footer || $target == both ]]; then
    footer_seconds=$seconds
    [[ $target == both ]] && footer_seconds=$(( seconds / 5 > 10 ? seconds / 5 : 10 ))
    fuzz footer "$bin/FuzzFooter" corpus-work/footer "$seeds/footers" "$footer_seconds" 16384
fi
echo "== corpus: parquet $(ls corpus-work/parquet | wc -l) inputs, footer $(ls corpus-work/footer | wc -l) inputs"
echo "== artifacts: $(ls artifacts | wc -l) (in Fuzz/artifacts)"
exit $found
