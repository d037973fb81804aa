"""Side-by-side benchmark of `extract` against DuckDB, Polars and PySpark on the same generated
REES46 data, the same windows and the same machine, in the same run. See README.md here.

Every engine run is its own process; wall time, CPU time (user+sys) and peak RSS come from
wait4(2). Each figure is the median of --runs runs. Every engine's output is checked against
extract's: row count and sums of the integer columns always, and a full sorted comparison when
the result is small.
"""
import argparse
import json
import os
import re
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WINDOWS = [
    ("1 day", "2019-10-15 00:00:00", "2019-10-15 23:59:59"),
    ("1 week", "2019-10-14 00:00:00", "2019-10-20 23:59:59"),
    ("17 days", "2019-10-20 00:00:00", "2019-11-05 23:00:00"),
]
INT_COLUMNS = ["num_views_product", "num_views_session", "duration", "sessions_precedentes",
               "num_prev_and_current_product_views", "num_prev_product_views", "start_hour", "start_dayofweek"]


def measure(cmd, env=None):
    """Runs cmd; returns (wall s, cpu s, peak RSS MiB, returncode, stderr tail)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    # Drain stderr in a thread-free way: the children print little.
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, code, err[-2000:]


def median_run(label, cmd, runs, prepare=None):
    results = []
    for _ in range(runs):
        if prepare:
            prepare()
        wall, cpu, rss, code, err = measure(cmd)
        if code != 0:
            print(f"  {label}: FAILED (exit {code})\n{err}", file=sys.stderr)
            return None
        results.append((wall, cpu, rss))
    wall = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    rss = max(r[2] for r in results)
    print(f"  {label:28s} {wall:8.2f} s wall {cpu:8.2f} s cpu {rss:8.0f} MiB", file=sys.stderr)
    return {"wall": wall, "cpu": cpu, "rss_mib": rss, "runs": runs}


def summarize(csv_path):
    """Row count and integer-column sums of a learning-base CSV, through DuckDB."""
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # sessions_precedentes is summed once per session: ties on start_time may be ranked in any
    # order (docs/learning-base.md section 7.2), which moves slots between sessions with different row counts.
    sums = ", ".join(f"sum(CAST({c} AS BIGINT))" for c in INT_COLUMNS if c != "sessions_precedentes")
    src = f"read_csv('{csv_path}', header=true, all_varchar=true)"
    row = con.execute(f"SELECT count(*), {sums}, count(DISTINCT user_id) FROM {src}").fetchone()
    slots = con.execute(f"SELECT sum(CAST(s AS BIGINT)) FROM (SELECT DISTINCT user_id, user_session, sessions_precedentes AS s FROM {src})").fetchone()
    return list(row) + list(slots)


def full_compare(a, b):
    """Sorted comparison of every column but price/category_code/brand (tolerated to differ per
    docs/learning-base.md) and sessions_precedentes/num_prev* (tie-dependent)."""
    import duckdb
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    cols = "user_id, user_session, coalesce(product_id, ''), num_views_product, lower(purchased), start_time, end_time, num_views_session, duration"
    q = f"SELECT {cols} FROM read_csv('{{}}', header=true, all_varchar=true) ORDER BY ALL"
    ra = con.execute(q.format(a)).fetchall()
    rb = con.execute(q.format(b)).fetchall()
    return ra == rb


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024 // 1024
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": mem, "cpu": cpu, "os": platform.platform(),
            "python": platform.python_version()}


def svg_chart(results, path):
    """Seconds per engine per window, log scale, as a small self-contained SVG."""
    import math
    engines = sorted({e for w in results for e in results[w]})
    windows = list(results)
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    width, height, left, bottom, top = 860, 380, 70, 60, 30
    plot_h = height - bottom - top
    vals = [results[w][e]["wall"] for w in windows for e in engines if results[w].get(e)]
    lo = 10 ** math.floor(math.log10(max(min(vals), 1e-3)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    def y(v):
        return top + plot_h * (1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)))
    group_w = (width - left - 20) / len(windows)
    bar_w = group_w * 0.8 / len(engines)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20 * ((len(engines) + 3) // 4)}" font-family="sans-serif" font-size="11">']
    out.append(f'<text x="{left}" y="18" font-size="13">Learning base: wall seconds per engine and window (log scale, lower is better)</text>')
    d = lo
    while d <= hi * 1.0001:
        out.append(f'<line x1="{left}" x2="{width - 20}" y1="{y(d):.1f}" y2="{y(d):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(d) + 4:.1f}" text-anchor="end">{d:g}</text>')
        d *= 10
    for wi, w in enumerate(windows):
        x0 = left + wi * group_w + group_w * 0.1
        for ei, e in enumerate(engines):
            r = results[w].get(e)
            if not r:
                continue
            x = x0 + ei * bar_w
            out.append(f'<rect x="{x:.1f}" y="{y(r["wall"]):.1f}" width="{bar_w - 2:.1f}" height="{top + plot_h - y(r["wall"]):.1f}" fill="{colors[ei % len(colors)]}"><title>{e}: {r["wall"]:.2f} s</title></rect>')
        out.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{w}</text>')
    for ei, e in enumerate(engines):
        lx = left + (ei % 4) * 190
        ly = height - 10 + 20 * (ei // 4)
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colors[ei % len(colors)]}"/><text x="{lx + 14}" y="{ly}">{e}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out))


def recheck(results_json):
    """Recomputes the agreement of the outputs kept in the work folder and rewrites RESULTS.md."""
    info = json.load(open(results_json))
    work = os.path.join(HERE, "work")
    for label in info["windows"]:
        outs = {e: os.path.join(work, f"out-{e}-{label.replace(' ', '')}.csv") for e in info["windows"][label]}
        ref = summarize(outs["extract"])
        for e, out in outs.items():
            s = summarize(out)
            ok = s == ref and (ref[0] > 300_000 or full_compare(outs["extract"], out))
            info["agreement"][label][e] = {"agrees": ok, "rows": s[0]}
    json.dump(info, open(results_json, "w"), indent=2)
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--extract", required=True, help="path of the release extract binary")
    ap.add_argument("--scale", type=float, default=0.05)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", default=os.path.join(HERE, "work"))
    ap.add_argument("--engines", default="extract,duckdb-csv,duckdb-native,duckdb-store,polars-csv,polars-store,spark-csv")
    ap.add_argument("--spark-runs", type=int, default=1)
    ap.add_argument("--csv-runs", type=int, default=None, help="runs for the engines that re-read the raw CSV (default: --runs)")
    ap.add_argument("--spark-windows", default="all", help="'all' or a comma list of window labels for PySpark, e.g. '17 days'")
    ap.add_argument("--results", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    engines = a.engines.split(",")
    os.makedirs(a.workdir, exist_ok=True)
    py = sys.executable
    eng = os.path.join(HERE, "engines.py")
    info = {"machine": machine(), "scale": a.scale, "runs": a.runs, "csv_runs": a.csv_runs or a.runs,
            "argv": " ".join(sys.argv[3:]), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}

    # 1. Data, generated once per scale.
    csvs = []
    for month, name in (("2019-10", "2019-Oct.csv"), ("2019-11", "2019-Nov.csv")):
        path = os.path.join(a.workdir, f"{name[:-4]}-{a.scale}.csv")
        if not os.path.exists(path):
            subprocess.run([a.extract, "generate", "--month", month, "--scale", str(a.scale), "-o", path, "--quiet"], check=True)
        csvs.append(path)
    csv_bytes = sum(os.path.getsize(p) for p in csvs)
    rows = sum(1 for p in csvs for _ in open(p, "rb")) - len(csvs)
    info["input"] = {"files": [os.path.basename(p) for p in csvs], "bytes": csv_bytes, "rows": rows}
    print(f"data: {rows} rows, {csv_bytes / 2**20:.0f} MiB", file=sys.stderr)

    # 2. Ingest / load, side by side.
    store = os.path.join(a.workdir, f"store-{a.scale}")
    dstore = os.path.join(a.workdir, f"duckdb-store-{a.scale}")
    db = os.path.join(a.workdir, f"native-{a.scale}.duckdb")
    ingest = {}
    ingest["extract ingest"] = median_run("extract ingest", [a.extract, "ingest", *csvs, "--store", store, "--quiet"],
                                          max(1, a.runs - 1), prepare=lambda: shutil.rmtree(store, ignore_errors=True))
    ingest["duckdb csv->partitioned parquet"] = median_run("duckdb partitioned parquet", [py, eng, "duckdb-ingest", "--csv", *csvs, "--store", dstore], max(1, a.runs - 1))
    ingest["duckdb csv->native table"] = median_run("duckdb native load", [py, eng, "duckdb-load", "--csv", *csvs, "--db", db], max(1, a.runs - 1))
    for k, v in ingest.items():
        if v:
            v["mb_per_s"] = csv_bytes / 2**20 / v["wall"]
            v["rows_per_s"] = rows / v["wall"]
    if ingest["extract ingest"] and os.path.isdir(store):
        info["store_bytes"] = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(store) for f in fs)

    # 3. The learning base per window and engine.
    results, agreement = {}, {}
    for label, start, end in WINDOWS:
        print(f"window {label}: {start} .. {end}", file=sys.stderr)
        results[label], agreement[label] = {}, {}
        outs = {}
        for e in engines:
            out = os.path.join(a.workdir, f"out-{e}-{label.replace(' ', '')}.csv")
            if e == "extract":
                cmd = [a.extract, "--store", store, "--start", start, "--end", end, "-o", out]
            elif e in ("duckdb-csv", "polars-csv", "spark-csv"):
                cmd = [py, eng, e, "--csv", *csvs, "--start", start, "--end", end, "--out", out]
            elif e == "duckdb-native":
                cmd = [py, eng, e, "--db", db, "--start", start, "--end", end, "--out", out]
            else:
                cmd = [py, eng, e, "--store", store, "--start", start, "--end", end, "--out", out]
            if e == "spark-csv" and a.spark_windows != "all" and label not in a.spark_windows.split(","):
                continue
            runs = a.spark_runs if e == "spark-csv" else (a.csv_runs or a.runs) if e.endswith("-csv") else a.runs
            # Every engine writes a new file: replacing an existing one costs a file-system flush
            # or page freeing that differs by how each engine opens its output, not by the query.
            r = median_run(e, cmd, runs, prepare=lambda out=out: os.path.exists(out) and os.remove(out))
            if r:
                results[label][e] = r
                outs[e] = out
        if "extract" in outs:
            ref = summarize(outs["extract"])
            for e, out in outs.items():
                s = summarize(out)
                ok = s == ref
                if ok and ref[0] <= 300_000:
                    ok = full_compare(outs["extract"], out)
                agreement[label][e] = {"agrees": ok, "rows": s[0]}
                if not ok:
                    print(f"  DISAGREEMENT {e}: {s} vs extract {ref}", file=sys.stderr)
    info.update({"ingest": ingest, "windows": results, "agreement": agreement})
    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump(info, f, indent=2)
    if any(results[w] for w in results):
        svg_chart(results, os.path.join(HERE, "learning-base.svg"))
    write_markdown(info, a.results)
    print(f"wrote {a.results}", file=sys.stderr)


def write_markdown(info, path):
    m = info["machine"]
    lines = ["# Benchmark results", "",
             f"Run {info['date']} with `./run bench {info.get('argv', '')}` (medians of {info['runs']} runs for the store engines; engines re-reading the CSV: {info.get('csv_runs')} run(s); Spark: 1 run).",
             f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; {m['os']}.",
             f"Input: {info['input']['rows']:,} rows, {info['input']['bytes'] / 2**20:,.0f} MiB of CSV ({', '.join(info['input']['files'])}).", ""]
    lines += ["## Ingest (CSV -> store)", "", "| engine | wall s | CPU s | peak RSS MiB | MB/s | rows/s | vs extract |", "|---|---:|---:|---:|---:|---:|---:|"]
    base = (info["ingest"].get("extract ingest") or {}).get("wall")
    for k, v in info["ingest"].items():
        if v:
            ratio = f"{v['wall'] / base:.1f}x slower" if base and k != "extract ingest" else ""
            lines.append(f"| {k} | {v['wall']:.2f} | {v['cpu']:.2f} | {v['rss_mib']:.0f} | {v['mb_per_s']:.0f} | {v['rows_per_s']:,.0f} | {ratio} |")
        else:
            lines.append(f"| {k} | failed | | | | | |")
    if info.get("store_bytes"):
        lines += ["", f"Store size: {info['store_bytes'] / 2**20:,.0f} MiB ({info['input']['bytes'] / info['store_bytes']:.1f}x smaller than the CSV)."]
    lines += ["", "## Learning base per window", "", "![chart](learning-base.svg)", ""]
    for w, res in info["windows"].items():
        base = (res.get("extract") or {}).get("wall")
        lines += [f"### {w}", "", "| engine | wall s | CPU s | peak RSS MiB | extract is faster by | output agrees |", "|---|---:|---:|---:|---:|---|"]
        for e, r in sorted(res.items(), key=lambda kv: kv[1]["wall"]):
            ratio = f"{r['wall'] / base:.1f}x" if base and e != "extract" else ""
            ag = info["agreement"].get(w, {}).get(e, {})
            lines.append(f"| {e} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss_mib']:.0f} | {ratio} | {'yes' if ag.get('agrees') else 'NO' if ag else '?'} ({ag.get('rows', '?')} rows) |")
        lines.append("")
    lines += ["## Notes", "",
              "- Every engine ran as its own process on the same files; wall time, CPU time (user+sys) and peak RSS come from",
              "  `wait4(2)`. For PySpark that is the Python driver only: the JVM's CPU and memory are not captured.",
              "- \"Output agrees\": row count, sums of the integer columns (sessions_precedentes summed once per session, since",
              "  ties on start_time may be ranked in any order, docs/learning-base.md section 7.2) and, for results of at most 300 K",
              "  rows, a full sorted comparison of every column the specification does not allow to differ.",
              "- DuckDB native: the CSV loaded into a DuckDB table first (the 'duckdb csv->native table' line above); the",
              "  query times exclude that load, as the extract times exclude the ingest.",
              "- Every engine writes its output to a file that does not exist yet (removed before each run, outside the",
              "  timing): replacing an existing file costs a file-system flush or page freeing that depends on how each",
              "  engine opens its output, not on the query.", ""]
    # The Parquet read/write section belongs to parquet_io.py's runs (its prose states what was
    # measured and how): kept verbatim from the current file, never regenerated here.
    old = open(path).read() if os.path.exists(path) else ""
    m = re.search(r"^## Parquet read/write.*?(?=^## |\Z)", old, re.S | re.M)
    if m:
        lines += m.group(0).rstrip("\n").split("\n") + [""]
    if os.path.exists(os.path.join(HERE, "STAR-SCHEMA.md")):
        lines += ["## Sparkify star schema", "", "10 M generated events, side by side with DuckDB: see [STAR-SCHEMA.md](STAR-SCHEMA.md)",
                  "(star-schema 23 s / 720 MB vs DuckDB 64 s / 10.8 GB from raw JSON; ingest once 67 s).", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
