"""What Spark's scheduling costs: the learning base of one window as 1, 2 and 4 user-range shards run by
`spark/extract_spark.py` under `spark-submit --master local[2]`, against the plain binary on the same store,
and the reference PySpark job (engines.py `spark-csv`, the pipeline of docs/learning-base.md §6) on the raw
CSV of the same data. See README.md here ("Shards under Spark").

Every run is its own process (wall, CPU and peak RSS from wait4(2), via bench.measure); the configurations
are alternated round by round so that a slow moment of the machine hits all of them; medians are reported.
A Spark-only baseline (start a session, count a one-row range, stop) measures the fixed cost every Spark
job pays before it computes anything. Every sharded output is checked: its parts in order, the header once,
must equal the plain binary's CSV byte for byte (sha256), and the reference job's output must agree with
extract's (bench.summarize: rows and integer column sums).

Writes SHARDS.md and shards.json here. Data and store come from the same work folder as bench.py (generated
and ingested when missing).
"""
import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import measure, summarize, machine  # noqa: E402

ROOT = os.path.dirname(HERE)
WINDOW = ("17 days", "2019-10-20 00:00:00", "2019-11-05 23:00:00")
BASELINE = ("from pyspark.sql import SparkSession\n"
            "s = SparkSession.builder.appName('baseline').getOrCreate()\n"
            "s.range(1).count()\ns.stop()\n")


def sha256_of_parts(folder, fmt="csv"):
    """sha256 of the parts in order with the header once: what the single-node output must hash to."""
    parts = sorted(f for f in os.listdir(folder) if f.startswith("part-") and f.endswith("." + fmt))
    h = hashlib.sha256()
    for k, name in enumerate(parts):
        with open(os.path.join(folder, name), "rb") as f:
            if k > 0:
                f.readline()
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest(), len(parts)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[0]
    except Exception as e:  # recorded, not fatal
        return f"unknown ({e})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extract", required=True, help="path of the release extract binary")
    ap.add_argument("--scale", type=float, default=0.5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shards", default="1,2,4")
    ap.add_argument("--reference-runs", type=int, default=1, help="runs of the reference PySpark job (0: skip)")
    ap.add_argument("--workdir", default=os.path.join(HERE, "work"))
    ap.add_argument("--results", default=os.path.join(HERE, "SHARDS.md"))
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    py = sys.executable
    spark_submit = os.path.join(os.path.dirname(py), "spark-submit")
    if not os.path.exists(spark_submit):
        sys.exit(f"spark_shards: {spark_submit} not found: run with the python of a venv that has pyspark")
    label, start, end = WINDOW
    # spark-submit finds Spark and its Python through these (the venv's bin is not on PATH here).
    import pyspark
    env = dict(os.environ, SPARK_HOME=os.path.dirname(pyspark.__file__), PYSPARK_PYTHON=py,
               PYSPARK_DRIVER_PYTHON=py, PATH=os.path.dirname(py) + os.pathsep + os.environ.get("PATH", ""))

    csvs = []
    for month, name in (("2019-10", "2019-Oct"), ("2019-11", "2019-Nov")):
        path = os.path.join(a.workdir, f"{name}-{a.scale}.csv")
        if not os.path.exists(path):
            subprocess.run([a.extract, "generate", "--month", month, "--scale", str(a.scale), "-o", path, "--quiet"], check=True)
        csvs.append(path)
    store = os.path.join(a.workdir, f"store-{a.scale}")
    if not os.path.isdir(store):
        subprocess.run([a.extract, "ingest", *csvs, "--store", store, "--quiet"], check=True)

    plain_out = os.path.join(a.workdir, "shards-plain.csv")
    configs = [("extract (plain binary, 2 workers)",
                lambda: [a.extract, "--store", store, "--start", start, "--end", end, "-o", plain_out], plain_out, None)]
    for n in [int(x) for x in a.shards.split(",")]:
        out = os.path.join(a.workdir, f"shards-{n}")
        # One shard gets both cores (spark.task.cpus=2, the binary's 2 workers); more shards run one
        # worker each, two tasks at a time on local[2].
        cpus = 2 if n == 1 else 1
        cmd = [spark_submit, "--master", "local[2]", "--conf", f"spark.task.cpus={cpus}",
               "--conf", "spark.ui.enabled=false", os.path.join(ROOT, "spark", "extract_spark.py"),
               "--binary", a.extract, "--store", store, "--start", start, "--end", end,
               "--shards", str(n), "--output", out]
        configs.append((f"Spark local[2], {n} shard{'s' if n > 1 else ''} ({cpus} worker{'s' if cpus > 1 else ''} each)",
                        lambda cmd=cmd: cmd, out, n))
    baseline_py = os.path.join(a.workdir, "spark_baseline.py")
    with open(baseline_py, "w") as f:
        f.write(BASELINE)
    configs.append(("Spark session start + stop only (fixed cost)",
                    lambda: [spark_submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false", baseline_py], None, None))

    samples = {c[0]: [] for c in configs}
    checks = {}
    for r in range(a.runs):
        order = configs if r % 2 == 0 else list(reversed(configs))
        for name, cmd, out, n in order:
            if out and os.path.isdir(out):
                shutil.rmtree(out)
            elif out and os.path.exists(out):
                os.remove(out)
            wall, cpu, rss, code, err = measure(cmd(), env=env)
            if code != 0:
                sys.exit(f"spark_shards: {name} failed (exit {code})\n{err}")
            samples[name].append((wall, cpu, rss))
            print(f"  run {r + 1}: {name:52s} {wall:7.2f} s wall {cpu:7.2f} s cpu {rss:7.0f} MiB", file=sys.stderr)
            if n is not None:
                digest, parts = sha256_of_parts(out)
                checks[name] = {"parts": parts, "equals_plain": digest == sha256(plain_out)}
                if not checks[name]["equals_plain"]:
                    sys.exit(f"spark_shards: {name}: the parts do not equal the plain output")

    reference = None
    if a.reference_runs > 0:
        ref_out = os.path.join(a.workdir, "shards-reference.csv")
        runs = []
        for _ in range(a.reference_runs):
            if os.path.exists(ref_out):
                os.remove(ref_out)
            wall, cpu, rss, code, err = measure([py, os.path.join(HERE, "engines.py"), "spark-csv", "--csv", *csvs,
                                                 "--start", start, "--end", end, "--out", ref_out], env=env)
            if code != 0:
                sys.exit(f"spark_shards: the reference PySpark job failed (exit {code})\n{err}")
            runs.append((wall, cpu, rss))
            print(f"  reference PySpark job: {wall:7.2f} s wall {cpu:7.2f} s cpu {rss:7.0f} MiB", file=sys.stderr)
        agrees = summarize(ref_out) == summarize(plain_out)
        reference = {"wall": statistics.median(x[0] for x in runs), "cpu": statistics.median(x[1] for x in runs),
                     "rss_mib": max(x[2] for x in runs), "runs": len(runs), "agrees": agrees}

    rows = {name: {"wall": statistics.median(x[0] for x in s), "cpu": statistics.median(x[1] for x in s),
                   "rss_mib": max(x[2] for x in s), "runs": len(s), **checks.get(name, {})}
            for name, s in samples.items()}
    info = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(), "scale": a.scale,
            "window": {"label": label, "start": start, "end": end}, "runs": a.runs,
            "versions": {"extract": version([a.extract, "--version"]),
                         "pyspark": version([py, "-c", "import pyspark; print(pyspark.__version__)"]),
                         "java": subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]},
            "input": {"files": [os.path.basename(p) for p in csvs], "bytes": sum(os.path.getsize(p) for p in csvs)},
            "output_rows": summarize(plain_out)[0], "results": rows, "reference": reference}
    with open(os.path.join(HERE, "shards.json"), "w") as f:
        json.dump(info, f, indent=2)
    write_markdown(info, a.results)
    print(f"wrote {a.results}", file=sys.stderr)


def write_markdown(info, path):
    plain = info["results"]["extract (plain binary, 2 workers)"]["wall"]
    m = info["machine"]
    lines = [
        "# Shards under Spark: what the scheduling costs",
        "",
        f"Measured {info['date']} by `benchmarks/spark_shards.py` (scale {info['scale']}, "
        f"{info['input']['bytes'] / 2**30:.1f} GiB of CSV, window {info['window']['label']}: "
        f"{info['window']['start']} .. {info['window']['end']}, {info['output_rows']:,} output rows). "
        f"Medians of {info['runs']} alternated runs, each its own process.",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}, {m['os']}. Versions: {info['versions']['extract']}; PySpark {info['versions']['pyspark']}; "
        f"{info['versions']['java']}.",
        "",
        "| configuration | wall | CPU | peak RSS (driver process) | vs plain binary | output |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, r in info["results"].items():
        check = ""
        if "parts" in r:
            check = f"{r['parts']} part{'s' if r['parts'] > 1 else ''}, = plain byte for byte" if r["equals_plain"] else "DIFFERS"
        elif name.startswith("extract"):
            check = "the reference"
        lines.append(f"| {name} | {r['wall']:.2f} s | {r['cpu']:.2f} s | {r['rss_mib']:.0f} MiB | "
                     f"{r['wall'] / plain:.1f}x | {check} |")
    ref = info["reference"]
    if ref:
        lines.append(f"| reference PySpark job on the CSV (docs/learning-base.md §6), local[2] | {ref['wall']:.1f} s | "
                     f"– | – | {ref['wall'] / plain:.0f}x | "
                     f"{'agrees (rows, integer sums)' if ref['agrees'] else 'DISAGREES'} |")
    lines += [
        "",
        "Peak RSS is the spark-submit process tree's largest member as wait4 reports it (the JVM driver);",
        "the binary's own memory in each task is below the plain run's. CPU includes the JVM's, except for the",
        "reference job, whose JVM is started by pyspark's gateway and never reaped through wait4 (its CPU and",
        "memory are not measured).",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
