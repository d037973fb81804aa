import Columnar

/// Why one JSON object was rejected: the full reason (with the offending value), and its
/// `RejectReason` about `field`, whose value-free `category` is counted per source.
public struct JSONRowError: Sendable, Equatable {
    public var reason: String
    public var cause: RejectReason
    public var field: String?
    public var category: String { cause.category(field: field) }
    public init(_ reason: String, _ cause: RejectReason, field: String?) {
        self.reason = reason
        self.cause = cause
        self.field = field
    }
}

/// Accumulates typed columns from scanned JSON objects, following a list of `JSONFieldSpec`s.
///
/// `append` converts every projected value of one object first (into a small per-row cell list
/// and a scratch buffer for unescaped strings) and only then appends, so a rejected object
/// leaves no partial row. Memory: the columns being built (flushed by `finish`), plus one row of
/// cells and scratch.
public struct JSONBatchBuilder: Sendable {
    public let schema: Schema
    public let fields: [JSONFieldSpec]
    public let scanner: JSONScanner
    public private(set) var rowCount = 0

    private enum Cell {
        case null
        case int(Int64)
        case double(Double)
        case raw(Int, Int)
        case scratch(Int, Int)
    }

    private enum Slot { case string(Int), int32(Int), int64(Int), double(Int) }

    private var slotOf: [Slot]
    private var strings: [StringColumn] = []
    // Fixed-width values are built as plain arrays plus validity bits (FixedWidthColumn's generic
    // `append` is not specialised across the module boundary), wrapped in `finish`.
    private var int32s: [ColumnValues<Int32>] = []
    private var int64s: [ColumnValues<Int64>] = []
    private var doubles: [ColumnValues<Double>] = []
    private var cells: [Cell]
    private var scratch: [UInt8] = []
    /// Reused by `scan`: one span per projected key.
    public var slots: [JSONSpan]

    public init(schema: Schema, fields: [JSONFieldSpec]) {
        self.schema = schema
        self.fields = fields
        self.scanner = JSONScanner(keys: fields.map(\.key))
        var slotOf: [Slot] = []
        var s = 0, i32 = 0, i64 = 0, d = 0
        for field in schema.fields {
            switch field.type {
            case .string, .binary: slotOf.append(.string(s)); s += 1
            case .int32, .date: slotOf.append(.int32(i32)); i32 += 1
            case .int64, .timestampMicros: slotOf.append(.int64(i64)); i64 += 1
            default: slotOf.append(.double(d)); d += 1
            }
        }
        self.slotOf = slotOf
        strings = Array(repeating: StringColumn(), count: s)
        int32s = Array(repeating: ColumnValues<Int32>(), count: i32)
        int64s = Array(repeating: ColumnValues<Int64>(), count: i64)
        doubles = Array(repeating: ColumnValues<Double>(), count: d)
        cells = Array(repeating: .null, count: schema.fields.count)
        slots = Array(repeating: .absent, count: fields.count)
    }

    private static func kindName(_ k: JSONKind) -> String {
        switch k {
        case .absent: "nothing"
        case .null: "null"
        case .false, .true: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .object: "an object"
        case .array: "an array"
        }
    }

    /// Converts the projected values in `slots` (filled by `scanner.scanObject` over `p`) and
    /// appends one row. Returns nil on success, or the reason the object is rejected (missing
    /// required key, wrong type, out-of-range number, invalid UTF-8 or escape).
    public mutating func append(_ p: UnsafeRawBufferPointer) -> JSONRowError? {
        scratch.removeAll(keepingCapacity: true)
        for (f, spec) in fields.enumerated() {
            let span = slots[f]
            let fieldType = schema.fields[spec.column].type
            if span.kind == .absent || span.kind == .null {
                if spec.required {
                    return span.kind == .absent ? JSONRowError("missing \"\(spec.key)\"", .missingField, field: spec.key)
                        : JSONRowError("\"\(spec.key)\" is null", .nullField, field: spec.key)
                }
                cells[spec.column] = .null
                if spec.rule == .stringWithInt { cells[spec.column + 1] = .null }
                continue
            }
            switch spec.rule {
            case .string, .stringWithInt:
                if span.kind == .string {
                    if span.escaped {
                        let s = scratch.count
                        do throws(JSONSyntaxError) {
                            try JSONString.unescape(p, span.start, span.end, into: &scratch)
                        } catch {
                            return JSONRowError("\"\(spec.key)\": \(error.reason)", .invalidString, field: spec.key)
                        }
                        guard scratch.withUnsafeBytes({ JSONString.isValidUTF8($0, s, scratch.count) }) else {
                            return JSONRowError("\"\(spec.key)\": invalid UTF-8", .invalidString, field: spec.key)
                        }
                        cells[spec.column] = .scratch(s, scratch.count)
                    } else {
                        guard JSONString.isValidUTF8(p, span.start, span.end) else { return JSONRowError("\"\(spec.key)\": invalid UTF-8", .invalidString, field: spec.key) }
                        cells[spec.column] = .raw(span.start, span.end)
                    }
                } else if spec.rule == .stringWithInt, span.kind == .number,
                          JSONNumber.int64(p, span.start, span.end) != nil {
                    cells[spec.column] = .raw(span.start, span.end)
                } else {
                    return JSONRowError("\"\(spec.key)\": expected a string, found \(Self.kindName(span.kind))", .wrongType, field: spec.key)
                }
                if spec.rule == .stringWithInt {
                    cells[spec.column + 1] = .null
                    if span.kind == .number {
                        cells[spec.column + 1] = .int(JSONNumber.int64(p, span.start, span.end)!)
                    } else if let v = Self.decimalInteger(cells[spec.column], p, scratch) {
                        cells[spec.column + 1] = .int(v)
                    }
                }
            case .integer:
                guard span.kind == .number else {
                    return JSONRowError("\"\(spec.key)\": expected an integer, found \(Self.kindName(span.kind))", .wrongType, field: spec.key)
                }
                guard let v = JSONNumber.int64(p, span.start, span.end) else {
                    return JSONRowError("\"\(spec.key)\": \(Self.text(p, span)) is not an integer", .notAnInteger, field: spec.key)
                }
                if fieldType == .int32, v < Int64(Int32.min) || v > Int64(Int32.max) {
                    return JSONRowError("\"\(spec.key)\": \(v) out of the 32-bit range", .outOfRange, field: spec.key)
                }
                cells[spec.column] = .int(v)
            case .double:
                guard span.kind == .number else {
                    return JSONRowError("\"\(spec.key)\": expected a number, found \(Self.kindName(span.kind))", .wrongType, field: spec.key)
                }
                let d = JSONNumber.double(p, span.start, span.end)
                guard d.isFinite else { return JSONRowError("\"\(spec.key)\": \(Self.text(p, span)) out of range", .outOfRange, field: spec.key) }
                cells[spec.column] = .double(d)
            case .epochMillis:
                guard span.kind == .number else {
                    return JSONRowError("\"\(spec.key)\": expected epoch milliseconds, found \(Self.kindName(span.kind))", .wrongType, field: spec.key)
                }
                guard let ms = JSONNumber.int64(p, span.start, span.end) else {
                    return JSONRowError("\"\(spec.key)\": \(Self.text(p, span)) is not whole epoch milliseconds", .notWholeMilliseconds, field: spec.key)
                }
                // Years 0001...9999 only (the day partitions' range): anything else is rejected,
                // never converted (a day number of an extreme value would overflow).
                guard ms >= Self.minEpochMillis, ms <= Self.maxEpochMillis else {
                    return JSONRowError("\"\(spec.key)\": \(ms) out of range (years 1 to 9999)", .outOfRange, field: spec.key)
                }
                let us = ms * 1000
                cells[spec.column] = .int(us)
            }
        }
        for (column, slot) in slotOf.enumerated() {
            let cell = cells[column]
            switch slot {
            case .string(let k):
                switch cell {
                case .raw(let s, let e): strings[k].appendBytes(UnsafeRawBufferPointer(rebasing: p[s..<e]))
                case .scratch(let s, let e): strings[k].appendBytes(scratch[s..<e])
                default: strings[k].appendNull()
                }
            case .int32(let k):
                if case .int(let v) = cell { int32s[k].append(Int32(truncatingIfNeeded: v)) } else { int32s[k].appendNull(0) }
            case .int64(let k):
                if case .int(let v) = cell { int64s[k].append(v) } else { int64s[k].appendNull(0) }
            case .double(let k):
                if case .double(let v) = cell { doubles[k].append(v) } else { doubles[k].appendNull(0) }
            }
        }
        rowCount += 1
        return nil
    }

    /// Epoch milliseconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the accepted range.
    static let minEpochMillis: Int64 = -62_135_596_800_000
    static let maxEpochMillis: Int64 = 253_402_300_799_999

    /// The value of a string cell when it is an optional '-' and 1...18 ASCII digits.
    private static func decimalInteger(_ cell: Cell, _ p: UnsafeRawBufferPointer, _ scratch: [UInt8]) -> Int64? {
        func parse(_ bytes: UnsafeRawBufferPointer, _ s: Int, _ e: Int) -> Int64? {
            var i = s
            let negative = i < e && bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            guard e - i >= 1, e - i <= 18 else { return nil }
            var v: Int64 = 0
            while i < e {
                let d = bytes[i] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int64(d)
                i += 1
            }
            return negative ? -v : v
        }
        switch cell {
        case .raw(let s, let e): return parse(p, s, e)
        case .scratch(let s, let e): return scratch.withUnsafeBytes { parse($0, s, e) }
        default: return nil
        }
    }

    private static func text(_ p: UnsafeRawBufferPointer, _ span: JSONSpan) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: p[span.start..<min(span.end, span.start + 40)]), as: UTF8.self)
    }

    /// The rows appended so far as a batch; the builder is reset to empty.
    public mutating func finish() throws(ColumnarError) -> RecordBatch {
        var columns: [AnyColumn] = []
        for slot in slotOf {
            switch slot {
            case .string(let k): columns.append(.string(strings[k])); strings[k] = StringColumn()
            case .int32(let k): columns.append(.int32(int32s[k].take()))
            case .int64(let k): columns.append(.int64(int64s[k].take()))
            case .double(let k): columns.append(.double(doubles[k].take()))
            }
        }
        rowCount = 0
        return try RecordBatch(schema: schema, columns: columns)
    }
}

/// Values and validity of one fixed-width column under construction (specialised in this module).
struct ColumnValues<T: BitwiseCopyable & Sendable>: Sendable {
    var values = ContiguousArray<T>()
    var validity = Bitmap(reservingCapacity: 0)
    var nulls = 0

    @inline(__always) mutating func append(_ v: T) {
        values.append(v)
        validity.append(true)
    }

    @inline(__always) mutating func appendNull(_ placeholder: T) {
        values.append(placeholder)
        validity.append(false)
        nulls += 1
    }

    /// The column built so far (no bitmap when there is no null); resets to empty.
    mutating func take() -> FixedWidthColumn<T> {
        let column = FixedWidthColumn(values: values, validity: nulls > 0 ? validity : nil)
        self = ColumnValues()
        return column
    }
}
