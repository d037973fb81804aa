"""Parquet read/write throughput, single core, extract vs pyarrow on the same 10 M-row events
table in the same run (issue 3). Usage: python parquet_io.py --extract BIN [--rows 10000000]

1. Generates REES46 CSV with `extract generate` (enough rows) and has pyarrow convert it to a
   typed, uncompressed Parquet source file (the events schema of our store).
2. `extract bench --parquet-io SOURCE --out OURS` reads the source, then times writing it as zstd
   (our writer) and reading that file back (our reader), single-threaded; prints JSON.
3. pyarrow (use_threads=False) times reading OUR zstd file to Arrow and writing the same table
   with zstd.
Median of --runs runs, wall and CPU (user + sys) seconds: ours from getrusage inside the
bench, pyarrow's from time.process_time() around each call. --no-numeric-dictionary writes our
INT32/INT64/DOUBLE columns PLAIN (ParquetWriterOptions.numericDictionary = false).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--extract", required=True)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workdir", default=os.path.join(HERE, "work"))
    ap.add_argument("--levels", default="1,3", help="comma-separated zstd levels")
    ap.add_argument("--no-numeric-dictionary", action="store_true")
    a = ap.parse_args()
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq
    import pyarrow.compute as pc
    os.makedirs(a.workdir, exist_ok=True)
    scale = a.rows / 42_450_000
    csv = os.path.join(a.workdir, f"pio-{a.rows}.csv")
    source = os.path.join(a.workdir, f"pio-{a.rows}-source.parquet")
    ours = os.path.join(a.workdir, f"pio-{a.rows}-ours.parquet")
    theirs = os.path.join(a.workdir, f"pio-{a.rows}-pyarrow.parquet")
    if not os.path.exists(source):
        subprocess.run([a.extract, "generate", "--scale", f"{scale:.6f}", "-o", csv, "--quiet"], check=True)
        t = pcsv.read_csv(csv, convert_options=pcsv.ConvertOptions(column_types={
            "event_time": pa.string(), "product_id": pa.int64(), "category_id": pa.int64(), "price": pa.float64(),
            "user_id": pa.int64(), "user_session": pa.string()}))
        et = pc.strptime(pc.utf8_slice_codeunits(t["event_time"], 0, 19), format="%Y-%m-%d %H:%M:%S", unit="us")
        t = t.set_column(0, "event_time", pc.cast(et, pa.timestamp("us", tz="UTC")))
        pq.write_table(t, source, compression="none", use_dictionary=False)
        os.remove(csv)
    rows = pq.ParquetFile(source).metadata.num_rows
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)

    res = {"rows": rows}
    # Same zstd level on both sides: 1 (pyarrow's default) and 3 (our store's default).
    env = dict(os.environ)
    if a.no_numeric_dictionary:
        env["EXTRACT_PARQUET_NUMERIC_DICTIONARY"] = "0"
        res["numeric_dictionary"] = False

    def timed(f):
        t0, c0 = time.perf_counter(), time.process_time()
        r = f()
        return r, time.perf_counter() - t0, time.process_time() - c0

    for level in (int(x) for x in a.levels.split(",")):
        ours_runs, read_arrow, write_arrow, read_cpu, write_cpu = [], [], [], [], []
        for _ in range(a.runs):
            out = subprocess.run([a.extract, "bench", "--parquet-io", source, "--out", ours, "--level", str(level)],
                                 check=True, capture_output=True, text=True, env=env)
            ours_runs.append(json.loads(out.stdout))
            table, wall, cpu = timed(lambda: pq.read_table(ours, use_threads=False))
            read_arrow.append(wall)
            read_cpu.append(cpu)
            _, wall, cpu = timed(lambda: pq.write_table(table, theirs, compression="zstd", compression_level=level))
            write_arrow.append(wall)
            write_cpu.append(cpu)
            del table
        res[f"level{level}"] = {
            "extract_file_bytes": os.path.getsize(ours), "pyarrow_file_bytes": os.path.getsize(theirs),
            "extract_write_s": statistics.median(r["write_seconds"] for r in ours_runs),
            "extract_read_s": statistics.median(r["read_seconds"] for r in ours_runs),
            "pyarrow_write_s": statistics.median(write_arrow),
            "pyarrow_read_s": statistics.median(read_arrow),
            "extract_write_cpu_s": statistics.median(r["write_cpu_seconds"] for r in ours_runs),
            "extract_read_cpu_s": statistics.median(r["read_cpu_seconds"] for r in ours_runs),
            "pyarrow_write_cpu_s": statistics.median(write_cpu),
            "pyarrow_read_cpu_s": statistics.median(read_cpu),
        }
    json.dump(res, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
