import CSIMD
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
    /// Owns the memory `dictionaryView` reads (nil: plain or non-viewable column).
    private let text: DictionaryText?
    /// A view of the dictionary for entry reads without reference counting (`text`'s, kept
    /// here so hot paths do not touch the object), valid while this source (its batch) is
    /// alive; `.none` for a plain or non-viewable column.
    let dictionaryView: DictionaryView

    /// `viewable`: keep a `DictionaryText` copy of a dictionary for `dictionaryView` (only the
    /// columns the output reads through views: category and brand).
    init(_ column: AnyColumn?, count: Int, viewable: Bool = false) {
        switch column {
        case .string(let c)?:
            offsets = c.offsets; bytes = c.bytes; codes = nil; validity = c.validity; present = true
            entryVerbatim = []; text = nil; dictionaryView = .none
        case .dictionary(let c)?:
            offsets = c.dictionary.offsets; bytes = c.dictionary.bytes; codes = c.codes
            validity = c.validity; present = true
            let flags = StringSource.verbatimFlags(c.dictionary)
            entryVerbatim = flags
            text = viewable ? DictionaryText(c.dictionary, verbatim: flags) : nil
            dictionaryView = text?.view ?? .none
        default:
            offsets = [0]; bytes = []; codes = nil; validity = nil; present = false
            entryVerbatim = []; text = nil; dictionaryView = .none
        }
    }

    /// The rows `rows` of this source (row `i` of the result is row `rows.lowerBound + i`): a
    /// dictionary column shares its dictionary (and `DictionaryText`) and copies the codes and
    /// validity of the range; a plain column copies the range's offsets (rebased) and bytes.
    func slice(_ rows: Range<Int>) -> StringSource {
        guard present else { return self }
        let valid = validity?.copying(rows)
        if let codes {
            return StringSource(offsets: offsets, bytes: bytes, codes: ContiguousArray(codes[rows]), validity: valid,
                                present: true, entryVerbatim: entryVerbatim, text: text, dictionaryView: dictionaryView)
        }
        let base = offsets[rows.lowerBound], end = offsets[rows.upperBound]
        var rebased = ContiguousArray<Int32>()
        rebased.reserveCapacity(rows.count + 1)
        for i in rows.lowerBound...rows.upperBound { rebased.append(offsets[i] - base) }
        return StringSource(offsets: rebased, bytes: ContiguousArray(bytes[Int(base) ..< Int(end)]), codes: nil, validity: valid,
                            present: true, entryVerbatim: [], text: nil, dictionaryView: .none)
    }

    private init(offsets: ContiguousArray<Int32>, bytes: ContiguousArray<UInt8>, codes: ContiguousArray<UInt32>?,
                 validity: Bitmap?, present: Bool, entryVerbatim: ContiguousArray<Bool>, text: DictionaryText?,
                 dictionaryView: DictionaryView) {
        self.offsets = offsets; self.bytes = bytes; self.codes = codes; self.validity = validity; self.present = present
        self.entryVerbatim = entryVerbatim; self.text = text; self.dictionaryView = dictionaryView
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
        guard let entry = dictionaryEntry(row) else { return false }
        return entryIsVerbatim(entry)
    }

    @inline(__always) func isValid(_ row: Int) -> Bool { present && validity.isSet(row) }

    /// The dictionary entry of a valid row, nil for a plain column (or a code past the
    /// dictionary, which `withBytes` reads as an empty value).
    @inline(__always) func dictionaryEntry(_ row: Int) -> Int? {
        guard let codes else { return nil }
        let entry = Int(codes[row])
        return entry &+ 1 < offsets.count ? entry : nil
    }

    /// Prefetch hint for the dictionary code of `row` (see `EventBatch.prefetch`).
    @inline(__always) func prefetchCode(_ row: Int) {
        codes?.withUnsafeBufferPointer { csimd_prefetch($0.baseAddress! + row) }
    }

    /// Prefetch hint for the `DictionarySpan` of `row`'s entry in a viewable dictionary, which a
    /// new group reads: the tables of every run's batch together outgrow the cache, so without
    /// it nearly every new group waits for memory. Reads the code (hinted earlier by
    /// `prefetchCode`); no effect on results.
    @inline(__always) func prefetchSpan(_ row: Int) {
        guard let spans = dictionaryView.spans, let codes else { return }
        let entry = Int(codes[row])
        if entry &+ 1 < offsets.count { csimd_prefetch(spans + entry) }
    }

    /// `CSVText.isVerbatim` of dictionary entry `entry` (from `dictionaryEntry`).
    @inline(__always) func entryIsVerbatim(_ entry: Int) -> Bool { entry < entryVerbatim.count && entryVerbatim[entry] }

    /// Calls `body` with the bytes of dictionary entry `entry` (from `dictionaryEntry`).
    @inline(__always)
    func withEntryBytes<R>(_ entry: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        offsets.withUnsafeBufferPointer { o in
            let lo = Int(o[entry]), hi = Int(o[entry &+ 1])
            return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[lo ..< hi])) }
        }
    }

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
