import Columnar

/// Read access to a string column that may come back from the reader plain or dictionary
/// encoded, without creating `String`s. Used once per new group (first value) and per row only
/// for non-canonical session ids.
enum StringSource: Sendable {
    case plain(StringColumn)
    case dictionary(DictionaryColumn)
    case absent(count: Int)

    init(_ column: AnyColumn?, count: Int) {
        switch column {
        case .string(let c)?: self = .plain(c)
        case .dictionary(let c)?: self = .dictionary(c)
        default: self = .absent(count: count)
        }
    }

    @inline(__always) func isValid(_ row: Int) -> Bool {
        switch self {
        case .plain(let c): c.isValid(row)
        case .dictionary(let c): c.isValid(row)
        case .absent: false
        }
    }

    /// Calls `body` with the bytes of a non-null row.
    @inline(__always)
    func withBytes<R>(_ row: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch self {
        case .plain(let c):
            let r = c.range(row)
            return c.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[r])) }
        case .dictionary(let c):
            let d = c.dictionary
            let r = d.range(Int(c.codes[row]))
            return d.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[r])) }
        case .absent:
            return body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }
}
