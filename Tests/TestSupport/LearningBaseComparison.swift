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
/// differential tests: `benchmarks/reference/learning_base_duckdb.py` (Spark-like conversions of
/// docs/learning-base.md §3 in Python, the pipeline of §6 as the benchmark's DuckDB SQL,
/// `benchmarks/reference/learning_base_sql.py`, Spark's CSV text of §5.3 in Python). Modes:
/// `normalized` (JSON lines of converted rows), `reference` (the learning-base CSV), `facts` (JSON
/// for `Facts`), `both` (reference to OUT and facts to OUT.facts), `store` (a day-partitioned
/// events store written by pyarrow, independent of our writer and ingest).
/// Arguments: MODE START_MICROS END_MICROS OUT CSV... — START/END may be comma-separated lists of
/// windows, then the outputs are OUT.0, OUT.1, …
public enum LearningBaseReference {
    /// The script's folder, in this repository.
    public static let directory = TestPaths.packageRoot.appendingPathComponent("benchmarks/reference")

    /// Python lines that import the script's functions (`java_double`, `csv_str`, `ts`,
    /// `value_text`, …) and modules (`sys`, `math`, …) into a test's own script.
    public static let importing = """
        import sys; sys.path.insert(0, \(pythonString(directory.path)))
        from learning_base_duckdb import *

        """

    /// A script (run with `InteropPython.run`, arguments as above) that runs the reference.
    public static let python = importing + "main()\n"

    /// Runs the reference in `mode` over `inputs` for [start, end] (UTC micros); returns `out`'s bytes.
    public static func run(mode: String, start: Int64, end: Int64, inputs: [String], out: String) throws -> Data {
        try InteropPython.run(python, args: [mode, String(start), String(end), out] + inputs)
        return try Data(contentsOf: URL(fileURLWithPath: out))
    }

    /// `text` as a Python string literal.
    static func pythonString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
