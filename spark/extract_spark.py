#!/usr/bin/env python3
"""Build an `extract` learning base as N user-range shards, one Spark task per shard.

Spark schedules, `extract` computes: the driver asks the binary for balanced user-id ranges
(`extract shards`), then each Spark task runs `extract --users LO:HI` on its range and writes
DIR/part-0000K.csv (or .parquet) with its header, as Spark's own CSV writer does. Because every
learning-base row depends on one user's events and users are written in increasing order, the
parts in order are the single-machine output: part 0 whole plus the other parts without their
header line is byte for byte `extract` run once. Then DIR/_shards.json (range, rows, bytes,
sha256 of every part) and, last, an empty DIR/_SUCCESS.

Usage:
  spark-submit --files extract spark/extract_spark.py --store /data/store \\
      --start "2019-10-01 00:00:00" --end "2019-11-30 23:59:59" --shards 16 --output /data/base
  python spark/extract_spark.py --binary .build/release/extract ...   (pyspark installed; local[*])
  (with --deploy-mode cluster, also --py-files spark/extract_task.py: the helpers both drivers share)

Contracts:
- The store and DIR are paths every executor sees (local in local mode; a shared file system
  on a cluster; object storage once `extract` reads it).
- A task writes its part under a unique hidden name and renames it: a retried or speculative
  attempt writes the same bytes and the rename is atomic, so retries are safe.
- A failed shard fails the job with that shard's exit code and the tail of its stderr; the
  driver then exits with the binary's exit code (1 when unknown). An existing non-empty DIR is
  refused (exit 5): this driver never deletes what it did not write.
- Exit codes: 0 success, 2 usage, else the binary's (3 missing store, 4 corrupt data, ...).
"""
import argparse
import hashlib
import json
import os
import re
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # extract_task.py, beside this file
from extract_task import get_spark, main, resolve_binary, run_binary  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="extract_spark.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", help="the extract binary (default: the file `extract` shipped with --files)")
    p.add_argument("--store", required=True, help="the store written by `extract ingest`")
    p.add_argument("--start", required=True, help="window start, 'YYYY-MM-DD HH:MM:SS' UTC, inclusive")
    p.add_argument("--end", required=True, help="window end, inclusive")
    p.add_argument("--shards", type=int, default=0,
                   help="number of shards (default: the default parallelism of the Spark context)")
    p.add_argument("--output", required=True, help="output directory (must not exist or be empty)")
    p.add_argument("--format", choices=["csv", "parquet"], default="csv")
    p.add_argument("--workers", type=int, default=0,
                   help="threads of each shard's binary (default: spark.task.cpus)")
    return p.parse_args(argv)


def plan(binary, store, start, end, n):
    """The cut points from `extract shards`: a list of {"shard", "users", "rows", ...}."""
    out, _ = run_binary(binary, ["shards", "--store", store, "--start", start, "--end", end, "-n", str(n)],
                        "planning (`extract shards`)")
    return json.loads(out)


def part_name(index, fmt):
    return "part-%05d.%s" % (index, fmt)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run_shard(binary, store, start, end, fmt, workers, output, shard):
    """One task: `extract --users LO:HI` into a hidden unique name, renamed to part-K."""
    index, users = shard["shard"], shard["users"]
    binary = resolve_binary(binary)
    final = os.path.join(output, part_name(index, fmt))
    temp = os.path.join(output, ".%s.%s.tmp" % (part_name(index, fmt), uuid.uuid4().hex))
    args = ["learning-base", "--store", store, "--start", start, "--end", end, "--users=" + users,
            "--format", fmt, "--workers", str(workers), "--output", temp]
    try:
        _, err = run_binary(binary, args, "shard %d (users %s)" % (index, users))
        os.replace(temp, final)
    finally:
        if os.path.exists(temp):
            os.remove(temp)
    m = re.search(r"wrote (\d+) rows", err)
    return {"shard": index, "users": users, "file": part_name(index, fmt), "rows": int(m.group(1)) if m else None,
            "estimatedRows": shard.get("rows"), "bytes": os.path.getsize(final), "sha256": sha256(final)}


def write_atomically(path, text):
    temp = path + ".tmp-" + uuid.uuid4().hex
    with open(temp, "w") as f:
        f.write(text)
    os.replace(temp, path)


def run(args):
    if os.path.exists(args.output) and not (os.path.isdir(args.output) and not os.listdir(args.output)):
        print("extract_spark: %s exists and is not an empty directory; choose a new --output (nothing was changed)"
              % args.output, file=sys.stderr)
        return 5
    # Executors do not share the driver's working directory: hand them absolute paths.
    args.store, args.output = os.path.abspath(args.store), os.path.abspath(args.output)
    if args.binary and os.path.exists(args.binary):
        args.binary = os.path.abspath(args.binary)
    spark = get_spark("extract-learning-base")
    sc = spark.sparkContext
    n = args.shards or sc.defaultParallelism
    workers = args.workers or int(sc.getConf().get("spark.task.cpus", "1"))
    shards = plan(resolve_binary(args.binary), args.store, args.start, args.end, n)
    os.makedirs(args.output, exist_ok=True)
    binary, store, start, end, fmt, output = args.binary, args.store, args.start, args.end, args.format, args.output

    def task(items):
        for shard in items:
            yield run_shard(binary, store, start, end, fmt, workers, output, shard)

    results = sc.parallelize(shards, len(shards)).mapPartitions(task).collect()
    results.sort(key=lambda r: r["shard"])
    summary = {"store": store, "start": start, "end": end, "format": fmt, "shards": results,
               "rows": sum(r["rows"] or 0 for r in results)}
    write_atomically(os.path.join(output, "_shards.json"), json.dumps(summary, indent=2) + "\n")
    write_atomically(os.path.join(output, "_SUCCESS"), "")
    print("extract_spark: wrote %d rows in %d parts to %s" % (summary["rows"], len(results), output), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main("extract_spark", run, parse_args(sys.argv[1:])))
