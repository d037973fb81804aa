import Columnar

/// Hive-style partition directory names, as Spark writes them: `column=value`, with the
/// characters Spark escapes (`"#%'*/:=?\{[]^` , DEL and control characters) written as `%XX`
/// (upper-case hex), and a null or empty value written as `__HIVE_DEFAULT_PARTITION__`.
public enum HivePartitioning {
    public static let defaultPartition = "__HIVE_DEFAULT_PARTITION__"

    static let escaped: Set<UInt8> = [0x22, 0x23, 0x25, 0x27, 0x2A, 0x2F, 0x3A, 0x3D, 0x3F, 0x5C, 0x7B, 0x5B, 0x5D, 0x5E] // " # % ' * / : = ? \ { [ ] ^

    /// The escaped text of one partition value (nil = null).
    public static func escape(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return defaultPartition }
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || v == 0x7F || (v < 0x80 && escaped.contains(UInt8(v))) {
                out.append("%")
                out.append(hex[Int(v >> 4)])
                out.append(hex[Int(v & 15)])
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The directory-name text of row `row` of a partition column.
    static func value(_ column: AnyColumn, _ row: Int) -> String {
        switch column {
        case .int32(let c): return c[row].map { String($0) } ?? defaultPartition
        case .int64(let c): return c[row].map { String($0) } ?? defaultPartition
        case .bool(let c): return c[row].map { String($0) } ?? defaultPartition
        case .double(let c): return c[row].map { String($0) } ?? defaultPartition
        case .string, .dictionary: return escape(StringAccess(column)!.string(row))
        case .fixedBytes: return defaultPartition
        }
    }

    /// Groups the rows of `batch` by the values of `columns`: each group's relative directory
    /// (`a=1/b=x`) and its row indices in input order; groups sorted by directory name.
    static func groups(_ batch: RecordBatch, by columns: [String]) throws(QueryError) -> [(directory: String, rows: [Int])] {
        guard !columns.isEmpty else { return [("", Array(0..<batch.rowCount))] }
        var cols: [AnyColumn] = []
        for name in columns {
            guard let c = batch.column(named: name) else {
                throw .columnar(.invalidArgument("no partition column '\(name)'"))
            }
            cols.append(c)
        }
        var index: [String: Int] = [:]
        var out: [(directory: String, rows: [Int])] = []
        var previous = ""
        var previousGroup = -1
        for row in 0..<batch.rowCount {
            var dir = ""
            for (k, c) in cols.enumerated() {
                if k > 0 { dir += "/" }
                dir += columns[k] + "=" + value(c, row)
            }
            if previousGroup >= 0, dir == previous {
                out[previousGroup].rows.append(row)
                continue
            }
            let g: Int
            if let existing = index[dir] {
                g = existing
            } else {
                g = out.count
                index[dir] = g
                out.append((dir, []))
            }
            out[g].rows.append(row)
            previous = dir
            previousGroup = g
        }
        return out.sorted { $0.directory < $1.directory }
    }
}
