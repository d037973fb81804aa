import Foundation

/// Compares a candidate learning-base CSV with an expected one under exactly the tolerances at
/// the top of docs/learning-base.md (and §7):
///
/// * rows are a multiset keyed by (user_id, user_session, product_id) — order is free, a key
///   must appear once on each side;
/// * `price` equal within a relative tolerance of 1e-9 (NaN = NaN, ±Infinity exact, NULL = NULL);
/// * `category_code` / `brand`: with `facts`, any value occurring among the group's in-window
///   input rows (NULL included); without facts, equal text;
/// * `sessions_precedentes`: within each tie group (a user's sessions sharing a start_time) any
///   valid slot assignment. With `facts.nullSessionStarts` the hidden NULL session of the user
///   may take any slot of its tie group; without facts, the tie group's set of values must match;
/// * every other field equal as text (fields are compared as written, quoting included).
public enum LearningBaseComparison {
    /// What the comparison needs to know of the input, in CSV text form (`""` empty string,
    /// empty = NULL, quoted as the writer quotes): allowed texts per key "user|session|product",
    /// and the start time (`2019-10-01T08:00:00.000Z`) of each user's NULL-session group.
    public struct Facts: Sendable {
        public var allowedText: [String: (category: Set<String>, brand: Set<String>)]
        public var nullSessionStarts: [String: String]
        public init(allowedText: [String: (category: Set<String>, brand: Set<String>)] = [:],
                    nullSessionStarts: [String: String] = [:]) {
            self.allowedText = allowedText
            self.nullSessionStarts = nullSessionStarts
        }

        /// Reads the JSON written by `LearningBaseReference.python` in `facts` mode.
        public init(json: Data) throws {
            let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
            var allowed: [String: (category: Set<String>, brand: Set<String>)] = [:]
            for (key, value) in object["text"] as? [String: [[String]]] ?? [:] where value.count == 2 {
                allowed[key] = (Set(value[0]), Set(value[1]))
            }
            self.init(allowedText: allowed, nullSessionStarts: object["null_sessions"] as? [String: String] ?? [:])
        }
    }

    /// Differences found (empty when the candidate is accepted); at most `limit` messages.
    public static func differences(candidate: String, expected: String, facts: Facts? = nil, limit: Int = 20) -> [String] {
        var out: [String] = []
        func report(_ m: String) { if out.count < limit { out.append(m) } }
        let c = lines(candidate), e = lines(expected)
        guard let ch = c.first, let eh = e.first else { return ["missing header"] }
        if ch != eh { report("header differs: \(ch) vs \(eh)") }
        let header = fields(eh)
        guard header.count == 18 else { return ["expected header has \(header.count) fields"] }
        func index(_ rows: ArraySlice<String>, _ side: String) -> [String: [String]] {
            var map: [String: [String]] = [:]
            for line in rows {
                let f = fields(line)
                guard f.count == 18 else { report("\(side): line has \(f.count) fields: \(line)"); continue }
                let key = f[0] + "|" + f[1] + "|" + f[2]
                if map[key] != nil { report("\(side): duplicate key \(key)") }
                map[key] = f
            }
            return map
        }
        let cand = index(c.dropFirst(), "candidate"), exp = index(e.dropFirst(), "expected")
        for key in exp.keys.sorted() where cand[key] == nil { report("missing row \(key)") }
        for key in cand.keys.sorted() where exp[key] == nil { report("unexpected row \(key)") }
        for key in exp.keys.sorted() {
            guard let cf = cand[key], let ef = exp[key] else { continue }
            for i in 0..<18 where i != 15 {
                let a = cf[i], b = ef[i]
                if a == b { continue }
                switch i {
                case 3:
                    if !pricesMatch(a, b) { report("\(key): price \(a) vs \(b)") }
                case 4, 5:
                    if let allowed = facts?.allowedText[key] {
                        if !(i == 4 ? allowed.category : allowed.brand).contains(a) {
                            report("\(key): \(header[i]) \(a) not among the group's input values \((i == 4 ? allowed.category : allowed.brand).sorted())")
                        }
                    } else {
                        report("\(key): \(header[i]) \(a) vs \(b)")
                    }
                default:
                    report("\(key): \(header[i]) \(a) vs \(b)")
                }
            }
        }
        checkSessionsPrecedentes(cand, exp, facts, report)
        return out
    }

    static func pricesMatch(_ a: String, _ b: String) -> Bool {
        guard let x = Double(javaText: a), let y = Double(javaText: b) else { return false }
        if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
        if x.isInfinite || y.isInfinite { return x == y }
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y))
    }

    /// Per user and tie group: candidate values distinct and inside the group's slot range.
    static func checkSessionsPrecedentes(_ cand: [String: [String]], _ exp: [String: [String]], _ facts: Facts?,
                                         _ report: (String) -> Void) {
        // user -> session -> (start, sp)
        func sessions(_ rows: [String: [String]], _ side: String) -> [String: [String: (String, Int)]] {
            var out: [String: [String: (String, Int)]] = [:]
            for f in rows.values {
                let sp = Int(f[15]) ?? -1
                if let previous = out[f[0], default: [:]][f[1]], previous != (f[8], sp) {
                    report("\(side): session \(f[0])|\(f[1]) has inconsistent start_time/sessions_precedentes")
                }
                out[f[0], default: [:]][f[1]] = (f[8], sp)
            }
            return out
        }
        let cs = sessions(cand, "candidate"), es = sessions(exp, "expected")
        for (user, expSessions) in es {
            guard let candSessions = cs[user] else { continue }
            var ties: [String: [String]] = [:]
            for (session, (start, _)) in expSessions { ties[start, default: []].append(session) }
            for (start, group) in ties {
                let values = group.compactMap { candSessions[$0]?.1 }
                guard values.count == group.count else { continue }
                if Set(values).count != values.count { report("user \(user): duplicate sessions_precedentes at \(start)") }
                if let facts {
                    let nullStart = facts.nullSessionStarts[user]
                    let before = expSessions.values.filter { $0.0 < start }.count + (nullStart.map { $0 < start } == true ? 1 : 0)
                    let size = group.count + (nullStart == start ? 1 : 0)
                    for v in values where v < before || v >= before + size {
                        report("user \(user): sessions_precedentes \(v) at \(start) outside slots \(before)..<\(before + size)")
                    }
                } else {
                    let expected = Set(group.map { expSessions[$0]!.1 })
                    if Set(values) != expected {
                        report("user \(user): sessions_precedentes at \(start) are \(values.sorted()), expected \(expected.sorted())")
                    }
                }
            }
        }
    }

    /// Non-empty lines; a LF inside quotes (backslash escapes respected) does not end a line.
    static func lines(_ text: String) -> [String] {
        split(Array(text.utf8), separator: 0x0A).filter { !$0.isEmpty }
    }

    /// Raw field texts of one line, quotes and escapes kept as written.
    static func fields(_ line: String) -> [String] {
        split(Array(line.utf8), separator: 0x2C)
    }

    private static func split(_ bytes: [UInt8], separator: UInt8) -> [String] {
        var out: [String] = []
        var start = 0
        var inQuotes = false, escaped = false
        for (i, b) in bytes.enumerated() {
            if escaped { escaped = false; continue }
            if inQuotes && b == 0x5C { escaped = true; continue }
            if b == 0x22 { inQuotes.toggle() }
            if b == separator && !inQuotes {
                out.append(String(decoding: bytes[start..<i], as: UTF8.self))
                start = i + 1
            }
        }
        if separator == 0x2C || start < bytes.count { out.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return out
    }
}

extension Double {
    /// Parses Java `Double.toString` text (`1.0E7`, `NaN`, `Infinity`); nil for empty (NULL).
    init?(javaText: String) {
        switch javaText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard !javaText.isEmpty, let v = Double(javaText) else { return nil }
            self = v
        }
    }
}

/// The independent reference implementation of the learning base used by the golden and
/// differential tests: Spark-like conversions (docs/learning-base.md §3) in Python, the pipeline of
/// §6 in DuckDB SQL, Spark's CSV text (§5.3) in Python. Modes: `normalized` (JSON lines of
/// converted rows), `reference` (the learning-base CSV), `facts` (JSON for `Facts`), `both`
/// (reference to OUT and facts to OUT.facts), `store` (a
/// day-partitioned events store written by pyarrow, independent of our writer and ingest).
/// Arguments: MODE START_MICROS END_MICROS OUT CSV... — START/END may be comma-separated lists of
/// windows, then the outputs are OUT.0, OUT.1, …
public enum LearningBaseReference {
    public static let python = #"""
# Independent reference of docs/learning-base.md: Spark-like CSV conversions (section 3) in Python,
# the learning base in DuckDB SQL (section 6), Spark's CSV text format (section 5.3) in Python.
# usage: ref.py MODE START END OUT CSV...   MODE = normalized | reference | facts | both | store
import csv, sys, json, math, re, duckdb

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

def ts(us):
    s, _ = divmod(us, 1000000)
    d, sec = divmod(s, 86400)
    z = d + 719468; era = z // 146097; doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100); mp = (5 * doy + 2) // 153
    dd = doy - (153 * mp + 2) // 5 + 1; m = mp + 3 if mp < 10 else mp - 9; y = yoe + era * 400 + (m <= 2)
    return '%04d-%02d-%02dT%02d:%02d:%02d.%03dZ' % (y, m, dd, sec // 3600, sec // 60 % 60, sec % 60, us // 1000 % 1000)

SQL = '''
with e as (select t, et, cat, brand, price, sess,
             case when uid between -2147483648 and 2147483647 then uid end as u,
             case when pid between -2147483648 and 2147483647 then pid end as p
           from ev where t between $start and $end),
p as (select u, sess, p, avg(price) as price, first(cat) as cat, first(brand) as brand,
             count(*) filter (where et = 'view') as nvp, bool_or(coalesce(et = 'purchase', false)) as purchased
      from e where u is not null and sess is not null group by u, sess, p),
s as (select u, sess, min(t) as st, max(t) as en, count(distinct p) as nvs from e where u is not null group by u, sess),
s2 as (select *, row_number() over (partition by u order by st, sess nulls first) - 1 as sp from s),
j as (select p.*, s2.st, s2.en, s2.nvs, s2.sp from p join s2 on p.u = s2.u and p.sess = s2.sess)
select u, sess, p, price, cat, brand, nvp, purchased, st, en, nvs, sp,
       sum(nvp) over (partition by u, p order by st range between unbounded preceding and current row) as cum
from j order by u, st, sess, p nulls first
'''

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
    import pyarrow as pa
    con = duckdb.connect()
    names = ['t', 'et', 'pid', 'cat', 'brand', 'price', 'uid', 'sess']
    types = [pa.int64(), pa.string(), pa.int64(), pa.string(), pa.string(), pa.float64(), pa.int64(), pa.string()]
    ev = pa.table([pa.array([r[i] for r in rows], type=types[i]) for i in range(8)], names=names)
    con.register('ev', ev)
    for k, (start, end) in enumerate(zip(starts, ends)):
        run_query(con, mode, start, end, out if len(starts) == 1 else '%s.%d' % (out, k))

def run_query(con, mode, start, end, out):
    if mode == 'both':
        run_query(con, 'facts', start, end, out + '.facts')
        mode = 'reference'
    if mode == 'facts':
        facts = {'text': {}, 'null_sessions': {}}
        q = '''select cast(u as varchar), sess, cast(p as varchar), list(cat), list(brand) from (
                 select *, case when uid between -2147483648 and 2147483647 then uid end as u,
                           case when pid between -2147483648 and 2147483647 then pid end as p
                 from ev where t between ? and ?) where u is not null and sess is not null group by all'''
        for u, s, p, cats, brands in con.execute(q, [start, end]).fetchall():
            facts['text'][u + '|' + csv_str(s) + '|' + (p or '')] = [sorted({csv_str(c) for c in cats}), sorted({csv_str(b) for b in brands})]
        q = '''select cast(uid as varchar), min(t) from ev where t between ? and ? and sess is null
                 and uid between -2147483648 and 2147483647 group by uid'''
        for u, t in con.execute(q, [start, end]).fetchall():
            facts['null_sessions'][u] = ts(t)
        json.dump(facts, open(out, 'w'))
        return
    res = con.execute(SQL.replace('$start', str(start)).replace('$end', str(end))).fetchall()
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

main()
"""#

    /// Runs the reference in `mode` over `inputs` for [start, end] (UTC micros); returns `out`'s bytes.
    public static func run(mode: String, start: Int64, end: Int64, inputs: [String], out: String) throws -> Data {
        try InteropPython.run(python, args: [mode, String(start), String(end), out] + inputs)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }
}
