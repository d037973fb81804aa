"""Writes small pyarrow seed files for the Parquet fuzzer into argv[1], and the footers of every
.parquet file in argv[1] (after writing) into argv[2] (seeds for the footer-only target).
With the parquet-lab folder as argv[3], also two hand-made files (its minwriter's Thrift
helpers) whose 1000 rows come from a single RLE run: all-null levels, and one dictionary index.

Covers what other writers produce and our writer does not: snappy, v2 data pages, page
checksums, DELTA_BYTE_ARRAY / DELTA_LENGTH_BYTE_ARRAY / BYTE_STREAM_SPLIT, narrow and unsigned
integers, float32, timestamps in ms/ns, plus features we reject (lz4, decimal, lists) so the
error paths get seeds too. Each file holds a few dozen rows so a fuzz iteration stays fast.
"""
import os
import sys

import pyarrow as pa
import pyarrow.parquet as pq

out, footers = sys.argv[1], sys.argv[2]
n = 30


def nulls(values, every):
    return [None if i % every == 0 else v for i, v in enumerate(values)]


flat = pa.table({
    "i8": pa.array(nulls(range(n), 7), pa.int8()),
    "u16": pa.array(range(n), pa.uint16()),
    "u32": pa.array(nulls([i * 1000 for i in range(n)], 5), pa.uint32()),
    "i64": pa.array(nulls([i * 37 - 500 for i in range(n)], 4), pa.int64()),
    "f32": pa.array([i / 7 for i in range(n)], pa.float32()),
    "f64": pa.array(nulls([i / 3 for i in range(n)], 6), pa.float64()),
    "b": pa.array(nulls([i % 3 == 0 for i in range(n)], 5), pa.bool_()),
    "s": pa.array(nulls([["a", "bb", "", "d\u00fc"][i % 4] for i in range(n)], 3), pa.string()),
    "bin": pa.array([bytes([i % 5]) * (i % 4) for i in range(n)], pa.binary()),
    "day": pa.array(range(n), pa.int32()).cast(pa.date32()),
    "ms": pa.array(nulls([1_700_000_000_000 + i for i in range(n)], 8), pa.timestamp("ms")),
    "ns": pa.array([1_700_000_000_000_000_000 + i * 999 for i in range(n)], pa.timestamp("ns", tz="UTC")),
    "uuid": pa.array(nulls([bytes([i] * 16) for i in range(n)], 9), pa.binary(16)),
})
small = dict(row_group_size=12, data_page_size=64, write_batch_size=8)

pq.write_table(flat, f"{out}/pa-snappy-v1.parquet", compression="snappy", **small)
pq.write_table(flat, f"{out}/pa-zstd-v2-crc.parquet", compression="zstd", data_page_version="2.0",
               write_page_checksum=True, **small)
pq.write_table(flat, f"{out}/pa-gzip-plain.parquet", compression="gzip", use_dictionary=False)
pq.write_table(flat, f"{out}/pa-none-v2-plain-crc.parquet", compression="none", use_dictionary=False,
               data_page_version="2.0", write_page_checksum=True)
pq.write_table(flat.select(["i64", "s", "f64", "bin", "day"]), f"{out}/pa-delta-bss.parquet",
               compression="snappy", use_dictionary=False, data_page_version="2.0",
               column_encoding={"i64": "DELTA_BINARY_PACKED", "day": "DELTA_BINARY_PACKED",
                                "s": "DELTA_BYTE_ARRAY", "bin": "DELTA_LENGTH_BYTE_ARRAY",
                                "f64": "BYTE_STREAM_SPLIT"})
pq.write_table(flat.select(["s", "i64"]), f"{out}/pa-legacy-dict.parquet", use_dictionary=True,
               compression="none", version="1.0")
# Features the reader rejects with a typed error: lz4 pages, decimals, nested lists.
pq.write_table(flat.select(["i64", "s"]), f"{out}/pa-lz4.parquet", compression="lz4")
pq.write_table(pa.table({
    "dec": pa.array([1, 2, None], pa.decimal128(9, 2)),
    "list": pa.array([[1], [], None], pa.list_(pa.int32())),
    "x": pa.array([1, 2, 3], pa.int64()),
}), f"{out}/pa-unsupported.parquet", compression="snappy")



def crafted(path, rows, dictionary):
    """One INT64 column "x", uncompressed, one v1 page: either OPTIONAL with all-null levels
    (one RLE run) or REQUIRED from a one-entry dictionary (one RLE index run)."""
    import struct
    from minwriter import TStruct, uvarint
    f = bytearray(b"PAR1")
    if dictionary:
        value = struct.pack("<q", 42)
        f += TStruct((1, "i32", 2), (2, "i32", 8), (3, "i32", 8),
                     (7, "struct", TStruct((1, "i32", 1), (2, "i32", 0)))).encode() + value
        body, encoding = b"\x01" + uvarint(rows << 1) + b"\x00", 8
    else:
        levels = uvarint(rows << 1) + b"\x00"
        body, encoding = struct.pack("<I", len(levels)) + levels, 0
    data_offset = len(f)
    page = TStruct((1, "i32", rows), (2, "i32", encoding), (3, "i32", 3), (4, "i32", 3))
    f += TStruct((1, "i32", 0), (2, "i32", len(body)), (3, "i32", len(body)), (5, "struct", page)).encode() + body
    size = len(f) - 4
    meta = TStruct((1, "i32", 2), (2, "list_i32", [0, 3, encoding]), (3, "list_str", ["x"]), (4, "i32", 0),
                   (5, "i64", rows), (6, "i64", size), (7, "i64", size), (9, "i64", data_offset),
                   (11, "i64", 4 if dictionary else None))
    group = TStruct((1, "list_struct", [TStruct((2, "i64", 0), (3, "struct", meta))]), (2, "i64", size), (3, "i64", rows))
    schema = [TStruct((4, "str", "schema"), (5, "i32", 1)),
              TStruct((1, "i32", 2), (3, "i32", 0 if dictionary else 1), (4, "str", "x"))]
    footer = TStruct((1, "i32", 1), (2, "list_struct", schema), (3, "i64", rows), (4, "list_struct", [group])).encode()
    f += footer + struct.pack("<I", len(footer)) + b"PAR1"
    open(path, "wb").write(f)


if len(sys.argv) > 3 and os.path.exists(os.path.join(sys.argv[3], "minwriter.py")):
    sys.path.insert(0, sys.argv[3])
    crafted(f"{out}/crafted-allnull-run.parquet", 1000, dictionary=False)
    crafted(f"{out}/crafted-dictionary-run.parquet", 1000, dictionary=True)

for name in sorted(os.listdir(out)):
    if not name.endswith(".parquet"):
        continue
    data = open(os.path.join(out, name), "rb").read()
    length = int.from_bytes(data[-8:-4], "little")
    if 0 < length <= len(data) - 12:
        open(os.path.join(footers, name[:-len(".parquet")] + ".footer"), "wb").write(data[-8 - length:-8])
