#!/usr/bin/env bash
# Entry point of the side-by-side benchmark (called by `./run bench [options]`).
# Sets up its own venv (duckdb, polars, pyspark, pyarrow from PyPI), then runs bench.py.
# Options are bench.py's: --scale S (default 0.05), --runs N, --engines a,b,c, --spark-runs N.
# `./run bench shards [options]` runs spark_shards.py instead (--scale, default 0.5; --runs; --shards 1,2,4).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
VENV="$HERE/.venv"
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
if ! "$VENV/bin/python" -c 'import duckdb, polars, pyarrow, pyspark' >/dev/null 2>&1; then
  echo "==> installing duckdb, polars, pyarrow, pyspark into benchmarks/.venv" >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check duckdb polars pyarrow pyspark
fi
command -v java >/dev/null 2>&1 || { echo "==> installing a Java runtime for PySpark" >&2; apt-get install -y -qq default-jre-headless >/dev/null; }
BIN="${EXTRACT_BIN:-$(cd "$ROOT" && swift build -c release --show-bin-path)/extract}"
if [ "${1:-}" = shards ]; then shift; exec "$VENV/bin/python" "$HERE/spark_shards.py" --extract "$BIN" "$@"; fi
exec "$VENV/bin/python" "$HERE/bench.py" --extract "$BIN" "$@"
