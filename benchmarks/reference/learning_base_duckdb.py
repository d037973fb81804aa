#!/usr/bin/env python3
"""Independent reference of docs/learning-base.md: Spark-like CSV conversions (section 3) in
Python, the learning base in DuckDB SQL (section 6: `learning_base_sql`, the one SQL the DuckDB
runs of the benchmark time too), Spark's CSV text format (section 5.3) in Python.

usage: learning_base_duckdb.py MODE START END OUT CSV...
  MODE      normalized (JSON lines of the converted rows), reference (the learning-base CSV),
            facts (JSON of the values a row may take where the reference is ambiguous),
            both (reference to OUT and facts to OUT.facts), store (a day-partitioned events store
            written by pyarrow, independent of extract's writer and ingest)
  START END UTC microseconds since the epoch, inclusive; comma-separated lists of windows write
            OUT.0, OUT.1, ... instead of OUT
Used by the golden and differential tests (Tests/TestSupport/LearningBaseComparison.swift),
which also import its text helpers (java_double, csv_str, ts, value_text).
Needs duckdb and pyarrow (imported only by the modes that use them).
"""
import csv, sys, json, math, re, datetime

from learning_base_sql import learning_base_sql

def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468

def leap(y): return (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
def mdays(y, m): return 29 if m == 2 and leap(y) else 28 if m == 2 else 30 if m in (4, 6, 9, 11) else 31

def parse_time(s):
    # SimpleDateFormat('yyyy-MM-dd HH:mm:ss'), lenient=false, prefix parse, UTC.
    if s is None: return None
    i, n, vals = 0, len(s), []
    for k, lit in enumerate(['-', '-', ' ', ':', ':', None]):
        while i < n and s[i] in ' \t': i += 1
        j = i
        while j < n and s[j].isdecimal(): j += 1
        if j == i: return None
        vals.append(int(s[i:j])); i = j
        if lit is not None:
            if i >= n or s[i] != lit: return None
            i += 1
    y, mo, d, h, mi, se = vals
    if y < 1 or not 1 <= mo <= 12 or not 1 <= d <= mdays(y, mo) or h > 23 or mi > 59 or se > 59: return None
    return (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se) * 1000000

INT_RE = re.compile(r'^([+-]?)([0-9]*)(?:\.([0-9]*))?$')
def parse_int(s):
    if s is None: return None
    t = s.strip(''.join(chr(c) for c in range(0x21)) + '\x7f')
    m = INT_RE.match(t)
    if not t or not m or (m.group(2) == '' and m.group(3) is None): return None
    v = int(m.group(2) or '0')
    v = -v if m.group(1) == '-' else v
    return v if -2**63 <= v < 2**63 else None

DBL_RE = re.compile(r'^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?$')
def parse_double(s):
    if s is None: return None
    t = s.strip(''.join(chr(c) for c in range(0x21)))
    low = t.lower()
    if low in ('nan', '+nan', '-nan'): return math.nan
    if low in ('inf', '+inf', 'infinity', '+infinity'): return math.inf
    if low in ('-inf', '-infinity'): return -math.inf
    if not DBL_RE.match(t): return None
    return float(t.rstrip('fFdD'))

def read_rows(paths):
    rows = []
    for p in paths:
        with open(p, newline='', encoding='utf-8-sig') as f:
            r = csv.reader(f, quotechar='"', escapechar='\\', doublequote=False)
            next(r, None)
            for rec in r:
                if not rec: continue
                rec = (rec + [''] * 9)[:9]
                rec = [None if v == '' else v for v in rec]
                rows.append((parse_time(rec[0]), rec[1], parse_int(rec[2]), rec[4], rec[5],
                             parse_double(rec[6]), parse_int(rec[7]), rec[8]))
    return rows

def java_double(x):
    if x is None: return ''
    if math.isnan(x): return 'NaN'
    if math.isinf(x): return 'Infinity' if x > 0 else '-Infinity'
    if x == 0: return '-0.0' if math.copysign(1, x) < 0 else '0.0'
    sign = '-' if x < 0 else ''
    r = repr(abs(x))
    mant, _, ex = r.partition('e')
    ip, _, fp = mant.partition('.')
    digits = (ip + fp).lstrip('0')
    e10 = len(ip) + (int(ex) if ex else 0) - (len(ip + fp) - len((ip + fp).lstrip('0')))
    digits = digits.rstrip('0') or '0'
    sci = e10 - 1
    if -3 <= sci < 7:
        if sci >= 0:
            ipart = (digits + '0' * 8)[:sci + 1]
            frac = digits[sci + 1:] or '0'
            return sign + ipart + '.' + frac
        return sign + '0.' + '0' * (-sci - 1) + digits
    return sign + digits[0] + '.' + (digits[1:] or '0') + 'E' + str(sci)

def csv_str(v):
    if v is None: return ''
    q = any(c in v for c in ',"\r\n')
    t = v.strip(''.join(chr(c) for c in range(0x21)))
    if t == '': return '""'
    if not q: return t
    return '"' + t.replace('\\', '\\\\').replace('"', '\\"') + '"'

def civil(us):
    """(year, month, day, hour, minute, second, microsecond) of UTC microseconds since the epoch."""
    s, micro = divmod(us, 1000000)
    d, sec = divmod(s, 86400)
    z = d + 719468; era = z // 146097; doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100); mp = (5 * doy + 2) // 153
    dd = doy - (153 * mp + 2) // 5 + 1; m = mp + 3 if mp < 10 else mp - 9; y = yoe + era * 400 + (m <= 2)
    return y, m, dd, sec // 3600, sec // 60 % 60, sec % 60, micro

def ts(us):
    """Spark's CSV text of a timestamp (milliseconds, UTC)."""
    y, m, dd, h, mi, se, micro = civil(us)
    return '%04d-%02d-%02dT%02d:%02d:%02d.%03dZ' % (y, m, dd, h, mi, se, micro // 1000)

def sql_time(us):
    """The 'YYYY-MM-DD HH:MM:SS.ffffff' text of a window bound, for learning_base_sql."""
    return '%04d-%02d-%02d %02d:%02d:%02d.%06d' % civil(us)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

def value_text(v):
    """A value of a Parquet or Arrow learning-base output, as pyarrow reads it, in the CSV text
    of section 5.3 (what the same row's field of the CSV output must be)."""
    if v is None: return ''
    if isinstance(v, bool): return 'true' if v else 'false'
    if isinstance(v, float): return java_double(v)
    if isinstance(v, datetime.datetime): return ts((v - EPOCH) // datetime.timedelta(microseconds=1))
    if isinstance(v, str): return csv_str(v)
    return str(v)

def csv_lines(table):
    """The rows of a pyarrow table (a Parquet or Arrow learning-base output) as CSV output lines."""
    return [','.join(value_text(v) for v in row.values()) for row in table.to_pylist()]

UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
def write_store(rows, out):
    # A store as the ingest wrote it in events schema version 1 (user_session as 16 UUID bytes
    # plus user_session_raw; kept so these tests also cover reading old stores, version 2 being
    # what the ingest-based tests read): events/date=YYYY-MM-DD/part-*.parquet, each day sorted
    # by (user_id NULLs first, event_time, input order); row groups of LB_ROW_GROUP rows.
    import os, uuid as uuidlib, pyarrow as pa, pyarrow.parquet as pq
    group = int(os.environ.get('LB_ROW_GROUP', '64'))
    days = {}
    for i, r in enumerate(rows):
        if r[0] is None: continue
        days.setdefault(r[0] // 86400000000, []).append((i, r))
    schema = pa.schema([('event_time', pa.timestamp('us', tz='UTC'), False), ('event_type', pa.string()),
                        ('product_id', pa.int64()), ('category_id', pa.int64()), ('category_code', pa.string()),
                        ('brand', pa.string()), ('price', pa.float64()), ('user_id', pa.int64()),
                        ('user_session', pa.uuid()), ('user_session_raw', pa.string())])
    def i64(v): return v if v is not None and -2**63 <= v < 2**63 else None
    for day, items in days.items():
        items.sort(key=lambda x: (x[1][6] is not None, x[1][6] or 0, x[1][0], x[0]))
        rs = [r for _, r in items]
        canon = [r[7] is not None and UUID_RE.match(r[7]) is not None for r in rs]
        cols = [[r[0] for r in rs], [r[1] for r in rs], [i64(r[2]) for r in rs], [None] * len(rs),
                [r[3] for r in rs], [r[4] for r in rs], [r[5] for r in rs], [i64(r[6]) for r in rs],
                [uuidlib.UUID(r[7]).bytes if c else None for r, c in zip(rs, canon)],
                [None if c else r[7] for r, c in zip(rs, canon)]]
        arrays = [pa.array(c, type=f.type) if f.name != 'user_session' else pa.ExtensionArray.from_storage(pa.uuid(), pa.array(c, type=pa.binary(16)))
                  for c, f in zip(cols, schema)]
        d = '%s/events/date=%s' % (out, ts(day * 86400000000)[:10])
        os.makedirs(d, exist_ok=True)
        pq.write_table(pa.Table.from_arrays(arrays, schema=schema), d + '/part-0000.parquet', row_group_size=group,
                       compression='zstd', store_schema=False)

def main():
    mode, out = sys.argv[1], sys.argv[4]
    starts, ends = [int(v) for v in sys.argv[2].split(',')], [int(v) for v in sys.argv[3].split(',')]
    rows = read_rows(sys.argv[5:])
    if mode == 'store':
        write_store(rows, out)
        return
    if mode == 'normalized':
        with open(out, 'w') as f:
            for r in rows:
                f.write(json.dumps([r[0], r[1], r[2], r[3], r[4], None if r[5] is None else repr(r[5]), r[6], r[7]]) + '\n')
        return
    import duckdb
    con = duckdb.connect()
    con.register('events', events_table(rows))
    for k, (start, end) in enumerate(zip(starts, ends)):
        run_query(con, mode, start, end, out if len(starts) == 1 else '%s.%d' % (out, k))

def events_table(rows):
    """The converted rows as the typed `events` relation learning_base_sql reads: event_time a
    TIMESTAMP (UTC), the ids with the 32-bit rule of section 3 applied (NULL outside Int32)."""
    import pyarrow as pa
    def i32(v): return v if v is not None and -2**31 <= v < 2**31 else None
    return pa.table({
        'event_time': pa.array([r[0] for r in rows], type=pa.timestamp('us')),
        'event_type': pa.array([r[1] for r in rows], type=pa.string()),
        'product_id': pa.array([i32(r[2]) for r in rows], type=pa.int32()),
        'category_code': pa.array([r[3] for r in rows], type=pa.string()),
        'brand': pa.array([r[4] for r in rows], type=pa.string()),
        'price': pa.array([r[5] for r in rows], type=pa.float64()),
        'user_id': pa.array([i32(r[6]) for r in rows], type=pa.int32()),
        'user_session': pa.array([r[7] for r in rows], type=pa.string()),
    })

def run_query(con, mode, start, end, out):
    if mode == 'both':
        run_query(con, 'facts', start, end, out + '.facts')
        mode = 'reference'
    window = "event_time between timestamp '%s' and timestamp '%s'" % (sql_time(start), sql_time(end))
    if mode == 'facts':
        facts = {'text': {}, 'null_sessions': {}}
        q = f'''select cast(user_id as varchar), user_session, cast(product_id as varchar), list(category_code), list(brand)
                 from events where {window} and user_id is not null and user_session is not null group by all'''
        for u, s, p, cats, brands in con.execute(q).fetchall():
            facts['text'][u + '|' + csv_str(s) + '|' + (p or '')] = [sorted({csv_str(c) for c in cats}), sorted({csv_str(b) for b in brands})]
        q = f'''select cast(user_id as varchar), epoch_us(min(event_time)) from events
                 where {window} and user_session is null and user_id is not null group by user_id'''
        for u, t in con.execute(q).fetchall():
            facts['null_sessions'][u] = ts(t)
        json.dump(facts, open(out, 'w'))
        return
    # The benchmark's query as it is, in the output order of section 5 (the benchmark leaves the
    # order to DuckDB); the times as microseconds, formatted here as Spark writes them.
    q = ('''select user_id, user_session, product_id, price, category_code, brand, num_views_product, purchased,
                     epoch_us(start_time), epoch_us(end_time), num_views_session, sessions_precedentes,
                     num_prev_and_current_product_views
              from (''' + learning_base_sql(sql_time(start), sql_time(end)) + ''')
              order by user_id, start_time, user_session, product_id nulls first''')
    res = con.execute(q).fetchall()
    with open(out, 'w', newline='') as f:
        f.write('user_id,user_session,product_id,price,category_code,brand,num_views_product,purchased,start_time,end_time,'
                'num_views_session,duration,start_hour,start_minute,start_dayofweek,sessions_precedentes,'
                'num_prev_and_current_product_views,num_prev_product_views\n')
        for u, s, p, price, cat, brand, nvp, pur, st, en, nvs, sp, cum in res:
            sec = st // 1000000
            dow = ((sec // 86400) + 4) % 7 + 1
            f.write(','.join([str(u), csv_str(s), '' if p is None else str(p), java_double(price), csv_str(cat), csv_str(brand),
                              str(nvp), 'true' if pur else 'false', ts(st), ts(en), str(nvs), str(en // 1000000 - sec),
                              str(sec % 86400 // 3600), str(sec % 3600 // 60), str(dow), str(sp), str(int(cum)), str(int(cum) - nvp)]) + '\n')

if __name__ == '__main__':
    main()
