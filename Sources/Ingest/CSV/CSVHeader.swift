/// The header line of a REES46 CSV: which field index holds each required column.
/// Columns are found by name in any order; other columns (e.g. pandas' unnamed index) are
/// ignored. Names are compared exactly after unquoting (a UTF-8 BOM and CR already removed).
/// A name given twice (empty names aside) makes the header invalid: which column holds the
/// values would be a guess.
public struct CSVHeader: Sendable, Equatable {
    public let names: [String]
    /// Field index of each of `EventsDataset.requiredColumns`, in that order.
    public let indices: [Int]

    /// Nil plus the missing names when a required column is absent; nil plus `duplicate` when a
    /// non-empty name occurs twice.
    public static func parse(_ line: UnsafeRawBufferPointer, required: [String])
        -> (CSVHeader?, missing: [String], duplicate: String?) {
        var entries = ContiguousArray<UInt32>()
        var copy = [UInt8](line)
        copy.append(0x0A)
        var names: [String] = []
        copy.withUnsafeBytes { b in
            _ = CSVScanner.scanScalar(b, start: 0, into: &entries)
            var start = 0
            var scratch: [UInt8] = []
            for e in entries {
                let end = Int(e & CSVScanner.offsetMask)
                let value = CSVField.content(b, start, end, &scratch)
                names.append(String(decoding: value, as: UTF8.self))
                start = end + 1
            }
        }
        var seenNames = Set<String>()
        for n in names where !n.isEmpty {
            if !seenNames.insert(n).inserted { return (nil, [], n) }
        }
        var indices: [Int] = []
        var missing: [String] = []
        for r in required {
            if let i = names.firstIndex(of: r) { indices.append(i) } else { missing.append(r) }
        }
        return missing.isEmpty ? (CSVHeader(names: names, indices: indices), [], nil) : (nil, missing, nil)
    }
}

/// Field content extraction in Spark's dialect (see `CSVScanner`).
enum CSVField {
    /// The value bytes of field `b[s..<e]`: the bytes themselves, or for a field opening with
    /// `"` and closing exactly at its end, the inside with `\"` unescaped (into `scratch`).
    /// A quoted field with bytes after its closing quote is kept raw, quotes included.
    static func content(_ b: UnsafeRawBufferPointer, _ s: Int, _ e: Int, _ scratch: inout [UInt8]) -> UnsafeRawBufferPointer {
        let raw = UnsafeRawBufferPointer(rebasing: b[s..<e])
        guard e > s, b[s] == 0x22 else { return raw }
        scratch.removeAll(keepingCapacity: true)
        var i = s + 1
        while i < e {
            let c = b[i]
            if c == 0x5C, i + 1 < e {
                if b[i + 1] != 0x22 { scratch.append(c) }
                scratch.append(b[i + 1])
                i += 2
            } else if c == 0x22 {
                if i == e - 1 {
                    return scratch.withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
                }
                return raw
            } else {
                scratch.append(c)
                i += 1
            }
        }
        return raw
    }
}
