import Columnar

/// A string dictionary (entry offsets and bytes) copied into memory this object owns, so that
/// its entries can be read through `DictionaryView` without reference counting (the output of
/// a learning-base row reads two of them). The unsafe twin of `StringSource.withEntryBytes`,
/// which tests compare it with.
///
/// Ownership: allocated in `init`, freed in `deinit`; a `DictionaryView` is valid only while
/// its `DictionaryText` is alive (the accumulator keeps the batch holding it pinned).
/// Memory: the dictionary's size (a few KB for category/brand).
final class DictionaryText: @unchecked Sendable {
    private let offsets: UnsafeMutableBufferPointer<Int32>
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    /// Copies `dictionary`'s offsets and bytes.
    init(_ dictionary: StringColumn) {
        offsets = .allocate(capacity: max(dictionary.offsets.count, 1))
        _ = offsets.initialize(from: dictionary.offsets)
        bytes = .allocate(capacity: max(dictionary.bytes.count, 1))
        _ = bytes.initialize(from: dictionary.bytes)
    }

    deinit {
        offsets.deallocate()
        bytes.deallocate()
    }

    var view: DictionaryView {
        DictionaryView(offsets: UnsafePointer(offsets.baseAddress!), bytes: UnsafePointer(bytes.baseAddress!))
    }
}

/// A borrowed, reference-count-free view of a `DictionaryText` (see its ownership rule).
struct DictionaryView: @unchecked Sendable {
    let offsets: UnsafePointer<Int32>?
    let bytes: UnsafePointer<UInt8>?

    /// No dictionary (a plain or absent column); never read.
    static let none = DictionaryView(offsets: nil, bytes: nil)

    /// The bytes of entry `entry`, which the caller checked is inside the dictionary.
    @inline(__always)
    func entry(_ entry: Int) -> UnsafeRawBufferPointer {
        let lo = Int(offsets![entry]), hi = Int(offsets![entry &+ 1])
        return UnsafeRawBufferPointer(start: bytes! + lo, count: hi &- lo)
    }
}
