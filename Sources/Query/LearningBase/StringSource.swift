import Columnar

/// Read access to a string column that may come back from the reader plain or dictionary
/// encoded, without creating `String`s. Used once per new group (first value) and per row only
/// for non-canonical session ids.
///
/// A flat struct (not an enum with column payloads) so a hot read touches the arrays in place
/// without retaining them. `offsets`/`bytes` are the plain column's, or the dictionary's with
/// `codes` mapping rows to entries; an absent column has no valid row.
///
/// A dictionary column also carries, per entry, whether its CSV text is the value itself
/// (`CSVText.isVerbatim`, checked once per entry instead of once per output row).
struct StringSource: Sendable {
    private let offsets: ContiguousArray<Int32>
    private let bytes: ContiguousArray<UInt8>
    private let codes: ContiguousArray<UInt32>?
    private let validity: Bitmap?
    private let present: Bool
    /// Per dictionary entry: `CSVText.isVerbatim` of its bytes (empty for a plain column).
    private let entryVerbatim: ContiguousArray<Bool>

    init(_ column: AnyColumn?, count: Int) {
        switch column {
        case .string(let c)?:
            offsets = c.offsets; bytes = c.bytes; codes = nil; validity = c.validity; present = true
            entryVerbatim = []
        case .dictionary(let c)?:
            offsets = c.dictionary.offsets; bytes = c.dictionary.bytes; codes = c.codes
            validity = c.validity; present = true
            entryVerbatim = StringSource.verbatimFlags(c.dictionary)
        default:
            offsets = [0]; bytes = []; codes = nil; validity = nil; present = false
            entryVerbatim = []
        }
    }

    /// `CSVText.isVerbatim` of each entry of `dictionary`.
    static func verbatimFlags(_ dictionary: StringColumn) -> ContiguousArray<Bool> {
        var flags = ContiguousArray<Bool>(repeating: false, count: dictionary.count)
        dictionary.bytes.withUnsafeBytes { raw in
            for i in 0..<dictionary.count { flags[i] = CSVText.isVerbatim(UnsafeRawBufferPointer(rebasing: raw[dictionary.range(i)])) }
        }
        return flags
    }

    /// True when the row's value is known to be written verbatim in CSV (a dictionary entry
    /// that passed `CSVText.isVerbatim`); false means unknown (plain column, or not verbatim).
    @inline(__always) func knownVerbatim(_ row: Int) -> Bool {
        guard let codes else { return false }
        let entry = Int(codes[row])
        return entry < entryVerbatim.count && entryVerbatim[entry]
    }

    @inline(__always) func isValid(_ row: Int) -> Bool { present && validity.isSet(row) }

    /// Calls `body` with the bytes of a valid row (callers check `isValid` first).
    @inline(__always)
    func withBytes<R>(_ row: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        guard present else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let entry = codes.map { Int($0[row]) } ?? row
        return offsets.withUnsafeBufferPointer { o in
            // A dictionary code past the dictionary (corrupt page) reads as an empty value.
            guard entry &+ 1 < o.count else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
            let lo = Int(o[entry]), hi = Int(o[entry &+ 1])
            return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[lo ..< hi])) }
        }
    }
}
