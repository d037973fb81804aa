import Columnar

/// Why a line was not stored as is. Rejected lines are not stored; coerced lines are stored
/// with the value the reference computes, and their raw text is recorded.
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

    public var isRejection: Bool {
        switch self {
        case .wrongFieldCount, .missingEventTime, .badEventTime, .unterminatedQuote: true
        default: false
        }
    }

    var bit: UInt32 { 1 << UInt32(RejectReason.allCases.firstIndex(of: self)!) }
}

/// The rejects file of one source: CSV `source,line,kind,reason,raw` (RFC 4180 quoting, raw
/// bytes verbatim), created on the first record, written through a 1 MiB buffer. Also counts
/// records per reason. Memory: the buffer.
final class RejectLog {
    let source: String
    private let open: () throws(ColumnarError) -> (temporaryPath: String, finalPath: String)
    private var handle: WriteHandle?
    private(set) var finalPath: String?
    private var buffer: [UInt8] = []
    private(set) var counts: [RejectReason: Int] = [:]
    private(set) var rejected = 0
    private(set) var coerced = 0

    init(source: String, open: @escaping () throws(ColumnarError) -> (temporaryPath: String, finalPath: String)) {
        self.source = source
        self.open = open
    }

    /// Records one line; `reasons` is a bit set of `RejectReason.bit`.
    func record(line: Int, reasons: UInt32, rejected isRejected: Bool, raw: UnsafeRawBufferPointer) throws(ColumnarError) {
        if isRejected { rejected += 1 } else { coerced += 1 }
        var names: [String] = []
        for r in RejectReason.allCases where reasons & r.bit != 0 {
            counts[r, default: 0] += 1
            names.append(r.rawValue)
        }
        if handle == nil {
            let (tmp, final) = try open()
            handle = try WriteHandle(path: tmp)
            finalPath = final
            buffer.append(contentsOf: "source,line,kind,reason,raw\n".utf8)
        }
        appendQuoted(Array(source.utf8))
        buffer.append(0x2C)
        buffer.append(contentsOf: String(line).utf8)
        buffer.append(0x2C)
        buffer.append(contentsOf: (isRejected ? "REJECTED" : "COERCED").utf8)
        buffer.append(0x2C)
        appendQuoted(Array(names.joined(separator: "; ").utf8))
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
