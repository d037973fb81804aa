/// The Python side of the writer interop tests: reads each Parquet file given on the command
/// line with pyarrow and DuckDB and prints one JSON object per file with
/// * `pyarrow` / `duckdb`: column name → canonical values (null, "true"/"false", decimal ints,
///   doubles as their IEEE bit pattern in decimal or "nan", bytes/strings/UUIDs as hex);
/// * `duckdb_types`: column name → DuckDB type;
/// * `row_groups`: per row group, per column: rows, encodings, pyarrow statistics
///   (null_count, has_min_max, min/max raw canonical) and the pages found by walking the
///   chunk (page type, encoding, CRC check), decoded by a small independent Thrift reader.
enum ParquetInteropScript {
    static let source = #"""
import sys, json, struct, zlib, uuid
import pyarrow as pa, pyarrow.parquet as pq, duckdb

def canon(v):
    if v is None: return None
    if isinstance(v, bool): return 'true' if v else 'false'
    if isinstance(v, int): return str(v)
    if isinstance(v, float):
        if v != v: return 'nan'
        return str(struct.unpack('<Q', struct.pack('<d', v))[0])
    if isinstance(v, str): return v.encode('utf-8').hex()
    if isinstance(v, (bytes, bytearray, memoryview)): return bytes(v).hex()
    if isinstance(v, uuid.UUID): return v.bytes.hex()
    raise TypeError(repr(type(v)))

def varint(b, p):
    r = 0; s = 0
    while True:
        x = b[p]; p += 1; r |= (x & 0x7f) << s; s += 7
        if not x & 0x80: return r, p
def zz(v): return (v >> 1) ^ -(v & 1)
def value(b, p, t):
    if t in (1, 2): return t == 1, p
    if t == 3: return b[p], p + 1
    if t in (4, 5, 6): v, p = varint(b, p); return zz(v), p
    if t == 7: return struct.unpack('<d', b[p:p+8])[0], p + 8
    if t == 8: n, p = varint(b, p); return bytes(b[p:p+n]), p + n
    if t == 9:
        h = b[p]; p += 1; n = h >> 4; et = h & 15
        if n == 15: n, p = varint(b, p)
        out = []
        for _ in range(n):
            if et in (1, 2): out.append(b[p] == 1); p += 1
            else: v, p = value(b, p, et); out.append(v)
        return out, p
    if t == 12: return struct_(b, p)
    raise ValueError(t)
def struct_(b, p):
    d = {}; last = 0
    while True:
        h = b[p]; p += 1
        if h == 0: return d, p
        t = h & 15; delta = h >> 4
        if delta: fid = last + delta
        else: v, p = varint(b, p); fid = zz(v)
        last = fid
        d[fid], p = value(b, p, t)

def pages(data, cc):
    start = cc.dictionary_page_offset if cc.has_dictionary_page else cc.data_page_offset
    end = start + cc.total_compressed_size
    p = start; out = []
    while p < end:
        h, p = struct_(data, p)
        body = data[p:p + h[3]]
        crc_ok = None
        if 4 in h: crc_ok = (zlib.crc32(body) & 0xffffffff) == (h[4] & 0xffffffff)
        enc = h[5][2] if 5 in h else (h[7][2] if 7 in h else None)
        rows = h[5][1] if 5 in h else None
        out.append({'type': h[1], 'encoding': enc, 'crc_ok': crc_ok, 'rows': rows})
        p += h[3]
    if p != end: raise ValueError('chunk size mismatch')
    return out

def arrow_values(col):
    t = col.type
    if pa.types.is_timestamp(t): col = col.cast(pa.int64())
    elif pa.types.is_date32(t): col = col.cast(pa.int32())
    elif isinstance(t, pa.ExtensionType): col = pa.chunked_array([c.storage for c in col.chunks], type=t.storage_type)
    return [canon(v) for v in col.to_pylist()]

result = {}
con = duckdb.connect()
con.execute("SET threads TO 1")
for f in sys.argv[1:]:
    data = open(f, 'rb').read()
    r = {}
    t = pq.read_table(f)
    r['pyarrow'] = {name: arrow_values(t.column(name)) for name in t.column_names}
    r['arrow_types'] = {fld.name: str(fld.type) for fld in t.schema}
    md = pq.ParquetFile(f).metadata
    rgs = []
    for i in range(md.num_row_groups):
        rg = md.row_group(i); cols = {}
        for j in range(rg.num_columns):
            cc = rg.column(j); st = cc.statistics
            s = None
            if st is not None:
                s = {'null_count': st.null_count, 'has_min_max': st.has_min_max}
                if st.has_min_max: s['min'] = canon(st.min_raw); s['max'] = canon(st.max_raw)
            cols[cc.path_in_schema] = {'encodings': list(cc.encodings), 'stats': s, 'pages': pages(data, cc),
                                       'num_values': cc.num_values}
        rgs.append({'rows': rg.num_rows, 'columns': cols})
    r['row_groups'] = rgs
    desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{f}')").fetchall()
    r['duckdb_types'] = {d[0]: d[1] for d in desc}
    exprs = []
    for name, typ, *_ in desc:
        q = '"' + name + '"'
        if typ == 'TIMESTAMP WITH TIME ZONE': exprs.append(f"epoch_us({q})")
        elif typ == 'DATE': exprs.append(f"({q} - DATE '1970-01-01')")
        else: exprs.append(q)
    rows = con.execute(f"SELECT {', '.join(exprs)} FROM read_parquet('{f}')").fetchall()
    r['duckdb'] = {name: [canon(row[k]) for row in rows] for k, (name, *_) in enumerate(desc)}
    result[f] = r
print(json.dumps(result))
"""#
}
