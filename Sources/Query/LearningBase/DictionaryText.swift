import Columnar

/// Where one dictionary entry's bytes are and whether they are their own CSV field
/// (`CSVText.isVerbatim`): what a new (session, product) group records once, so the output
/// knows the text's length (its row bound) and reads it without the dictionary's offsets.
struct DictionarySpan: Equatable {
    var offset: Int32
    var length: Int32
    var verbatim: Bool
}

/// A string dictionary (per-entry spans and bytes) copied into memory this object owns, so
/// that its entries can be read through `DictionaryView` without reference counting (the
/// output of a learning-base row reads two of them). The unsafe twin of
/// `StringSource.withEntryBytes`/`entryIsVerbatim`, which tests compare it with.
///
/// Ownership: allocated in `init`, freed in `deinit`; a `DictionaryView` is valid only while
/// its `DictionaryText` is alive (the accumulator keeps the batch holding it pinned).
/// Memory: the dictionary's bytes plus 12 bytes per entry (a few KB for category/brand).
final class DictionaryText: @unchecked Sendable {
    private let spans: UnsafeMutableBufferPointer<DictionarySpan>
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    /// Copies `dictionary`; `verbatim[i]` is `CSVText.isVerbatim` of entry `i`.
    init(_ dictionary: StringColumn, verbatim: ContiguousArray<Bool>) {
        precondition(verbatim.count == dictionary.count, "one verbatim flag per dictionary entry")
        spans = .allocate(capacity: max(dictionary.count, 1))
        for i in 0..<dictionary.count {
            let lo = dictionary.offsets[i], hi = dictionary.offsets[i + 1]
            spans.initializeElement(at: i, to: DictionarySpan(offset: lo, length: hi - lo, verbatim: verbatim[i]))
        }
        bytes = .allocate(capacity: max(dictionary.bytes.count, 1))
        _ = bytes.initialize(from: dictionary.bytes)
    }

    deinit {
        spans.deallocate()
        bytes.deallocate()
    }

    var view: DictionaryView {
        DictionaryView(spans: UnsafePointer(spans.baseAddress!), bytes: UnsafePointer(bytes.baseAddress!))
    }
}

/// A borrowed, reference-count-free view of a `DictionaryText` (see its ownership rule).
struct DictionaryView: @unchecked Sendable {
    let spans: UnsafePointer<DictionarySpan>?
    let bytes: UnsafePointer<UInt8>?

    /// No dictionary (a plain or absent column); never read.
    static let none = DictionaryView(spans: nil, bytes: nil)

    /// The span of entry `entry`, which the caller checked is inside the dictionary.
    @inline(__always)
    func span(_ entry: Int) -> DictionarySpan { spans![entry] }

    /// The bytes of a span of this dictionary (from `span`).
    @inline(__always)
    func text(offset: Int32, length: Int32) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes! + Int(offset), count: Int(length))
    }

    /// The bytes of entry `entry`, which the caller checked is inside the dictionary.
    @inline(__always)
    func entry(_ entry: Int) -> UnsafeRawBufferPointer {
        let s = span(entry)
        return text(offset: s.offset, length: s.length)
    }
}
