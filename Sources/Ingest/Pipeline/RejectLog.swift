import Columnar

/// Why a record was not stored as is, for every input format (the one reason vocabulary of the
/// rejects files, reports and manifests). Rejected records are not stored; coerced ones are
/// stored with the value the reference computes, and their raw text is recorded.
/// A reason about one field of a self-describing record (JSON) is counted under
/// `category(field:)`, which names the field (`"ts": wrong type`).
public enum RejectReason: String, Sendable, CaseIterable, Codable {
    // Rejected (no event stored).
    case wrongFieldCount = "wrong field count"
    case missingEventTime = "missing event_time"
    case badEventTime = "unparseable event_time"
    case unterminatedQuote = "unterminated quoted field"
    // Coerced (stored, raw text recorded).
    case eventTimeNotCanonical = "event_time: non-canonical text (suffix, fraction or spacing ignored)"
    case productIdNormalized = "product_id: normalized (trimmed, truncated or signed)"
    case productIdInvalid = "product_id: not an integer, stored NULL"
    case categoryIdNormalized = "category_id: normalized (trimmed, truncated or signed)"
    case categoryIdInvalid = "category_id: not an integer, stored NULL"
    case userIdNormalized = "user_id: normalized (trimmed, truncated or signed)"
    case userIdInvalid = "user_id: not an integer, stored NULL"
    case priceNormalized = "price: normalized (trimmed, suffix or special literal)"
    case priceInvalid = "price: not a number, stored NULL"
    case invalidUTF8 = "invalid UTF-8 repaired"
    case priceOutOfRange = "price: beyond the double range, stored as Spark converts it (Infinity or 0.0)"
    // Rejected JSON records (Sparkify): the text is not a JSON object, or one required or typed
    // field (named by `category(field:)`) cannot be stored.
    case malformedJSON = "malformed JSON"
    case missingField = "missing"
    case nullField = "is null"
    case invalidString = "invalid string"
    case wrongType = "wrong type"
    case notAnInteger = "not an integer"
    case outOfRange = "out of range"
    case notWholeMilliseconds = "not whole epoch milliseconds"

    public var isRejection: Bool {
        switch self {
        case .wrongFieldCount, .missingEventTime, .badEventTime, .unterminatedQuote: true
        case .malformedJSON, .missingField, .nullField, .invalidString, .wrongType, .notAnInteger, .outOfRange,
             .notWholeMilliseconds: true
        default: false
        }
    }

    /// The text a record rejected for this reason is counted under: the field's reasons name
    /// their field (`missing "ts"`, `"ts" is null`, `"ts": wrong type`); the others are their text.
    public func category(field: String?) -> String {
        guard let field else { return rawValue }
        switch self {
        case .missingField: return "missing \"\(field)\""
        case .nullField: return "\"\(field)\" is null"
        default: return "\"\(field)\": \(rawValue)"
        }
    }

    var bit: UInt32 { 1 << UInt32(RejectReason.allCases.firstIndex(of: self)!) }
}

/// The rejects file of one source, for every input format: CSV `source,line,kind,reason,raw`
/// (RFC 4180 quoting, raw bytes verbatim; kind REJECTED or COERCED), created on the first record,
/// written through a 1 MiB buffer, fsynced by `finish`. Also counts records per reason (the
/// report's and the manifest's `reasons`). Two ways to record, one file format:
/// - REES46 lines name a set of `RejectReason`s (a bit set, the hot path: no string work
///   unless a line is recorded); the reason column lists their texts, joined by "; ";
/// - a record rejected for one reason about one field, with a detail (Sparkify JSON: `"ts":
///   "x" is not an integer`), writes the detail in the reason column and counts it under the
///   reason's value-free category (`RejectReason.category(field:)`: `"ts": not an integer`).
/// Memory: the buffer. Owned by the thread reading the source.
final class RejectLog {
    let source: String
    private let open: () throws(ColumnarError) -> (temporaryPath: String, finalPath: String)
    private var handle: WriteHandle?
    /// Store-relative final path of the file, once created.
    private(set) var finalPath: String?
    /// Absolute temporary path of the file, once created (removed when its source is discarded).
    private(set) var temporaryPath: String?
    private var buffer: [UInt8] = []
    private var reasonCounts = [Int](repeating: 0, count: RejectReason.allCases.count)
    private var categoryCounts: [String: Int] = [:]
    private(set) var rejected = 0
    private(set) var coerced = 0

    init(source: String, open: @escaping () throws(ColumnarError) -> (temporaryPath: String, finalPath: String)) {
        self.source = source
        self.open = open
    }

    /// Records per reason text (`RejectReason` texts, and `category(field:)` for a field's reasons).
    var counts: [String: Int] {
        var out = categoryCounts
        for (k, r) in RejectReason.allCases.enumerated() where reasonCounts[k] > 0 { out[r.rawValue, default: 0] += reasonCounts[k] }
        return out
    }

    /// Records one line; `reasons` is a bit set of `RejectReason.bit`.
    func record(line: Int, reasons: UInt32, rejected isRejected: Bool, raw: UnsafeRawBufferPointer) throws(ColumnarError) {
        var names: [String] = []
        for (k, r) in RejectReason.allCases.enumerated() where reasons & r.bit != 0 {
            reasonCounts[k] += 1
            names.append(r.rawValue)
        }
        try write(line: line, rejected: isRejected, reason: names.joined(separator: "; "), raw: raw)
    }

    /// Records one record rejected (or coerced) for `reason` about `field`: `detail` goes to
    /// the file, `reason.category(field:)` is counted.
    func record(line: Int, reason: RejectReason, field: String?, detail: String, raw: String) throws(ColumnarError) {
        let isRejected = reason.isRejection
        categoryCounts[reason.category(field: field), default: 0] += 1
        try write(line: line, rejected: isRejected, reason: detail, raw: raw.utf8)
    }

    private func write<C: Collection>(line: Int, rejected isRejected: Bool, reason: String, raw: C) throws(ColumnarError)
        where C.Element == UInt8 {
        if isRejected { rejected += 1 } else { coerced += 1 }
        if handle == nil {
            let (tmp, final) = try open()
            handle = try WriteHandle(path: tmp)
            finalPath = final
            temporaryPath = tmp
            buffer.append(contentsOf: "source,line,kind,reason,raw\n".utf8)
        }
        appendQuoted(Array(source.utf8))
        buffer.append(0x2C)
        buffer.append(contentsOf: String(line).utf8)
        buffer.append(0x2C)
        buffer.append(contentsOf: (isRejected ? "REJECTED" : "COERCED").utf8)
        buffer.append(0x2C)
        appendQuoted(Array(reason.utf8))
        buffer.append(0x2C)
        appendQuoted(raw)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func appendQuoted<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        buffer.append(0x22)
        for c in bytes {
            if c == 0x22 { buffer.append(0x22) }
            buffer.append(c)
        }
        buffer.append(0x22)
    }

    private func flush() throws(ColumnarError) {
        guard let handle, !buffer.isEmpty else { return }
        try handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, fsyncs and closes the file (if any).
    func finish() throws(ColumnarError) {
        guard let handle else { return }
        try flush()
        try handle.sync()
        try handle.close()
        self.handle = nil
    }
}
