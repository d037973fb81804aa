"""One function per engine run of the benchmark. Each is executed in its OWN process by bench.py
(`python engines.py ENGINE ...`) so that wall time, CPU time and peak RSS are measured per run.
Every engine writes the learning base as CSV to the given output path.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference"))
from learning_base_sql import CSV_EVENTS, STORE_EVENTS, learning_base_sql  # noqa: E402 (the one SQL, shared with the tests)


def duckdb_connect(threads: int):
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    return con


def csv_copy(con, query: str, out: str):
    con.execute(f"COPY ({query}) TO '{out}' (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.000Z')")


def run_duckdb_csv(args):
    csvs, start, end, out, threads = args.csv, args.start, args.end, args.out, args.threads
    con = duckdb_connect(threads)
    paths = "[" + ", ".join(f"'{p}'" for p in csvs) + "]"
    con.execute(f"CREATE TEMP VIEW events AS {CSV_EVENTS.format(paths=paths)}")
    csv_copy(con, learning_base_sql(start, end), out)


def run_duckdb_native(args):
    import duckdb
    con = duckdb.connect(args.db, read_only=True)
    con.execute(f"SET threads = {args.threads}")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("CREATE TEMP VIEW events AS SELECT * FROM events_table")
    csv_copy(con, learning_base_sql(args.start, args.end), args.out)


def run_duckdb_load(args):
    """Builds the native DuckDB database from the CSVs (DuckDB's equivalent of `extract ingest`)."""
    import duckdb
    if os.path.exists(args.db):
        os.remove(args.db)
    con = duckdb.connect(args.db)
    con.execute(f"SET threads = {args.threads}")
    paths = "[" + ", ".join(f"'{p}'" for p in args.csv) + "]"
    con.execute(f"CREATE TABLE events_table AS {CSV_EVENTS.format(paths=paths)}")
    con.close()


def run_duckdb_store(args):
    con = duckdb_connect(args.threads)
    first_day, last_day = args.start[:10], args.end[:10]
    con.execute(f"CREATE TEMP VIEW events AS {STORE_EVENTS.format(store=args.store, first_day=first_day, last_day=last_day)}")
    csv_copy(con, learning_base_sql(args.start, args.end), args.out)


def run_duckdb_ingest(args):
    """DuckDB converting the CSVs to a day-partitioned zstd Parquet store (the ingest peer)."""
    import shutil
    con = duckdb_connect(args.threads)
    paths = "[" + ", ".join(f"'{p}'" for p in args.csv) + "]"
    if os.path.exists(args.store):
        shutil.rmtree(args.store)
    con.execute(f"""
        COPY (SELECT *, CAST(event_time AS DATE) AS date FROM ({CSV_EVENTS.format(paths=paths)}) ORDER BY date, user_id, event_time)
        TO '{args.store}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (date))""")


def polars_learning_base(lf, start, end):
    import polars as pl
    from datetime import datetime
    s = datetime.strptime(start, "%Y-%m-%d %H:%M:%S")
    e = datetime.strptime(end, "%Y-%m-%d %H:%M:%S")
    ev = lf.filter((pl.col("event_time") >= s) & (pl.col("event_time") <= e)).sort("event_time")
    p = (ev.filter(pl.col("user_session").is_not_null() & pl.col("user_id").is_not_null())
         .group_by(["user_session", "product_id", "user_id"])
         .agg(pl.col("price").mean().alias("price"),
              pl.col("category_code").first().alias("category_code"),
              pl.col("brand").first().alias("brand"),
              (pl.col("event_type") == "view").sum().cast(pl.Int64).alias("num_views_product"),
              (pl.col("event_type") == "purchase").any().alias("purchased")))
    s_ = (ev.filter(pl.col("user_id").is_not_null())
          .group_by(["user_session", "user_id"])
          .agg(pl.col("event_time").min().alias("start_time"), pl.col("event_time").max().alias("end_time"),
               pl.col("product_id").drop_nulls().n_unique().cast(pl.Int64).alias("num_views_session"))
          .sort(["user_id", "start_time", "user_session"], nulls_last=False)
          .with_columns((pl.int_range(pl.len()).over("user_id")).cast(pl.Int32).alias("sessions_precedentes")))
    j = p.join(s_, on=["user_id", "user_session"], how="inner")
    j = j.with_columns(
        ((pl.col("end_time") - pl.col("start_time")).dt.total_seconds()).cast(pl.Int32).alias("duration"),
        pl.col("start_time").dt.hour().cast(pl.Int32).alias("start_hour"),
        pl.col("start_time").dt.minute().cast(pl.Int32).alias("start_minute"),
        (pl.col("start_time").dt.weekday() % 7 + 1).cast(pl.Int32).alias("start_dayofweek"))
    # RANGE frame: cumulative sum in start_time order, then every peer takes the last value of its tie group.
    j = j.sort(["user_id", "product_id", "start_time"], nulls_last=False)
    j = j.with_columns(pl.col("num_views_product").cum_sum().over(["user_id", "product_id"]).alias("_cum"))
    j = j.with_columns(pl.col("_cum").max().over(["user_id", "product_id", "start_time"]).alias("num_prev_and_current_product_views"))
    j = j.with_columns((pl.col("num_prev_and_current_product_views") - pl.col("num_views_product")).alias("num_prev_product_views"))
    return j.select(["user_id", "user_session", "product_id", "price", "category_code", "brand", "num_views_product",
                     "purchased", "start_time", "end_time", "num_views_session", "duration", "start_hour",
                     "start_minute", "start_dayofweek", "sessions_precedentes",
                     "num_prev_and_current_product_views", "num_prev_product_views"])


def run_polars_csv(args):
    import polars as pl
    lfs = [pl.scan_csv(p, infer_schema=False) for p in args.csv]
    lf = pl.concat(lfs).select(
        pl.col("event_time").str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S UTC", strict=False),
        pl.col("event_type"),
        pl.col("product_id").cast(pl.Int32, strict=False),
        pl.col("category_code"), pl.col("brand"),
        pl.col("price").cast(pl.Float64, strict=False),
        pl.col("user_id").cast(pl.Int32, strict=False),
        pl.col("user_session"))
    out = polars_learning_base(lf, args.start, args.end).collect()
    out.write_csv(args.out, datetime_format="%Y-%m-%dT%H:%M:%S.000Z")


def run_polars_store(args):
    import polars as pl
    from datetime import date
    first_day, last_day = date.fromisoformat(args.start[:10]), date.fromisoformat(args.end[:10])
    lf = pl.scan_parquet(f"{args.store}/events/*/*.parquet", hive_partitioning=True)
    lf = lf.filter((pl.col("date") >= first_day) & (pl.col("date") <= last_day))
    lf = lf.select(
        pl.col("event_time").dt.replace_time_zone(None),
        pl.col("event_type"),
        pl.when(pl.col("product_id").is_between(-2**31, 2**31 - 1)).then(pl.col("product_id")).cast(pl.Int32).alias("product_id"),
        pl.col("category_code"), pl.col("brand"), pl.col("price"),
        pl.when(pl.col("user_id").is_between(-2**31, 2**31 - 1)).then(pl.col("user_id")).cast(pl.Int32).alias("user_id"),
        pl.col("user_session"))
    out = polars_learning_base(lf, args.start, args.end).collect()
    out.write_csv(args.out, datetime_format="%Y-%m-%dT%H:%M:%S.000Z")


def run_spark_csv(args):
    """The reference job's pipeline (§6 of docs/learning-base.md) on local PySpark, non-ANSI, UTC."""
    from pyspark.sql import SparkSession, Window
    from pyspark.sql import functions as F
    spark = (SparkSession.builder.master(f"local[{args.threads}]").appName("learning-base")
             .config("spark.sql.ansi.enabled", "false").config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.legacy.timeParserPolicy", "LEGACY").config("spark.driver.memory", "6g")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", str(max(4, 2 * args.threads))).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = spark.read.csv(args.csv, header=True)
    df = (df.withColumn("event_time", F.to_timestamp("event_time", "yyyy-MM-dd HH:mm:ss"))
            .withColumn("product_id", F.col("product_id").cast("int"))
            .withColumn("user_id", F.col("user_id").cast("int"))
            .withColumn("price", F.col("price").cast("double")))
    df = df.filter((F.col("event_time") >= F.lit(args.start).cast("timestamp")) & (F.col("event_time") <= F.lit(args.end).cast("timestamp")))
    p = df.groupBy("user_session", "product_id", "user_id").agg(
        F.mean("price").alias("price"), F.first("category_code").alias("category_code"), F.first("brand").alias("brand"),
        F.sum(F.when(F.col("event_type") == "view", 1).otherwise(0)).cast("bigint").alias("num_views_product"),
        F.max(F.when(F.col("event_type") == "purchase", True).otherwise(False)).alias("purchased"))
    s = df.groupBy("user_session", "user_id").agg(
        F.min("event_time").alias("start_time"), F.max("event_time").alias("end_time"),
        F.countDistinct("product_id").alias("num_views_session"))
    s = (s.withColumn("duration", (F.unix_timestamp("end_time") - F.unix_timestamp("start_time")).cast("int"))
          .withColumn("start_hour", F.hour("start_time")).withColumn("start_minute", F.minute("start_time"))
          .withColumn("start_dayofweek", F.dayofweek("start_time"))
          .withColumn("sessions_precedentes", F.row_number().over(Window.partitionBy("user_id").orderBy("start_time")) - 1))
    j = p.join(s, ["user_id", "user_session"])
    w = Window.partitionBy("user_id", "product_id").orderBy("start_time").rangeBetween(Window.unboundedPreceding, Window.currentRow)
    o = (j.withColumn("num_prev_and_current_product_views", F.sum("num_views_product").over(w))
          .withColumn("num_prev_product_views", F.col("num_prev_and_current_product_views") - F.col("num_views_product")))
    cols = ["user_id", "user_session", "product_id", "price", "category_code", "brand", "num_views_product", "purchased",
            "start_time", "end_time", "num_views_session", "duration", "start_hour", "start_minute", "start_dayofweek",
            "sessions_precedentes", "num_prev_and_current_product_views", "num_prev_product_views"]
    tmp = args.out + ".spark"
    o.select(cols).coalesce(1).write.mode("overwrite").csv(tmp, header=True)
    part = [f for f in os.listdir(tmp) if f.startswith("part-")][0]
    os.replace(os.path.join(tmp, part), args.out)
    spark.stop()


ENGINES = {
    "duckdb-csv": run_duckdb_csv, "duckdb-native": run_duckdb_native, "duckdb-load": run_duckdb_load,
    "duckdb-store": run_duckdb_store, "duckdb-ingest": run_duckdb_ingest,
    "polars-csv": run_polars_csv, "polars-store": run_polars_store, "spark-csv": run_spark_csv,
}

if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("engine", choices=sorted(ENGINES))
    ap.add_argument("--csv", nargs="*", default=[])
    ap.add_argument("--store")
    ap.add_argument("--db")
    ap.add_argument("--start")
    ap.add_argument("--end")
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    t = time.time()
    ENGINES[a.engine](a)
    print(f"{a.engine}: {time.time() - t:.2f}s", file=sys.stderr)
