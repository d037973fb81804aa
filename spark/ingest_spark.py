#!/usr/bin/env python3
"""Ingest raw dumps into one `extract` store in parallel, one Spark task per dump.

Each task runs `extract ingest FILE --store S --quiet`, all at once. The store's commit protocol
(docs/store-format.md §5) makes the result equal to a sequential ingest of the same files: every
ingest writes its day parts under new hidden names and commits by creating the next manifest
version only if it does not exist yet; when another task committed first it re-reads that
version and rebases, so tasks convert in parallel with no lock (the store must be on a file
system all executors share, or a bucket). A source already in the manifest (same content hash),
or committed meanwhile by another task, is skipped, so a retried task (its first attempt
committed, then died) never doubles a source.

Usage:
  spark-submit --files extract spark/ingest_spark.py --store /data/store /data/2019-Oct.csv.gz /data/2019-Nov.csv.gz
  python spark/ingest_spark.py --binary .build/release/extract --store ./store a.csv b.csv
  (with --deploy-mode cluster, also --py-files spark/extract_task.py: the helpers both drivers share)

Contracts: the same path given twice is ingested once; dumps of equal size (possibly copies)
share one task and run in order, so a copy is skipped, never stored twice. A failed dump fails the job
with that dump's exit code and the tail of its stderr (other dumps may have committed: re-run
the same command, committed dumps are skipped). Speculative execution is turned off for this
job's session when the driver creates it (a speculative copy would convert the dump again only
to be skipped at its commit). Exit codes: 0 success, 2 usage, else the binary's (3 missing input, 4 corrupt, 6 rejects).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # extract_task.py, beside this file
from extract_task import get_spark, main, resolve_binary, run_binary  # noqa: E402


def parse_args(argv):
    p = argparse.ArgumentParser(prog="ingest_spark.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", help="the extract binary (default: the file `extract` shipped with --files)")
    p.add_argument("--store", required=True, help="the store directory (created if missing)")
    p.add_argument("--max-rejects", type=int, help="passed to each ingest: fail a dump with more rejected lines")
    p.add_argument("inputs", nargs="+", help="raw dumps: .csv or .csv.gz, paths every executor sees")
    return p.parse_args(argv)


def ingest_one(binary, store, max_rejects, index, path):
    """One task: `extract ingest` of one dump; returns its summary (stdout) and stderr lines."""
    args = ["ingest", path, "--store", store, "--quiet"]
    if max_rejects is not None:
        args += ["--max-rejects", str(max_rejects)]
    out, err = run_binary(resolve_binary(binary), args, "dump %d (%s)" % (index, path))
    return {"index": index, "input": path, "summary": out.strip(), "messages": err.strip()}


def task_groups(inputs):
    """The dumps grouped into tasks: one task per dump, except that dumps of the same size (which
    may be copies of one another; dumps of different sizes never are) share one task and run in
    order there, so that a copy finds the first committed and is skipped without being parsed. A
    size the driver cannot see makes a task of its own. Returns [[(index, path), ...], ...]."""
    groups, by_size = [], {}
    for index, path in enumerate(inputs):
        try:
            size = os.path.getsize(path)
        except OSError:
            size = None
        if size is not None and size in by_size:
            by_size[size].append((index, path))
            continue
        group = [(index, path)]
        groups.append(group)
        if size is not None:
            by_size[size] = group
    return groups


def run(args):
    # Executors do not share the driver's working directory: hand them absolute paths.
    inputs = []
    for path in args.inputs:
        path = os.path.abspath(path)
        if path not in inputs:
            inputs.append(path)
    args.store = os.path.abspath(args.store)
    if args.binary and os.path.exists(args.binary):
        args.binary = os.path.abspath(args.binary)
    spark = get_spark("extract-ingest", **{"spark.speculation": "false"})
    sc = spark.sparkContext
    binary, store, max_rejects = args.binary, args.store, args.max_rejects
    os.makedirs(store, exist_ok=True)  # once, before the tasks: they never race to create it
    groups = task_groups(inputs)

    def task(items):
        for group in items:
            for index, path in group:
                yield ingest_one(binary, store, max_rejects, index, path)

    results = sc.parallelize(groups, len(groups)).mapPartitions(task).collect()
    for r in sorted(results, key=lambda r: r["index"]):
        if r["messages"]:
            print(r["messages"], file=sys.stderr)
        print(r["summary"])
    return 0


if __name__ == "__main__":
    sys.exit(main("ingest_spark", run, parse_args(sys.argv[1:])))
